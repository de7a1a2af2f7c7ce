import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import DialogActions from '@mui/material/DialogActions';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import { coerceError } from '../../master-core/protocol/errors';
import { CopyButton } from './scaleout/CopyButton';

/**
 * The parts of a dialog that creates a secret shown only once (an enrolment token, an API token):
 * its state, the secret with a copy button, the error, and Cancel / Create, then Done.
 */

/** busy, the master's refusal, and what was created; `create` runs the call once per click. */
export function useCreateOnce<T>(onCreated: (value: T) => void) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<T | null>(null);
  async function create(call: () => Promise<T>): Promise<void> {
    setError(null);
    setBusy(true);
    try {
      const value = await call();
      setCreated(value);
      onCreated(value);
    } catch (e) {
      setError(coerceError(e).message);
    } finally {
      setBusy(false);
    }
  }
  return { error, busy, created, create };
}

/** A secret in monospace, selectable at one click, with a copy button. */
export function Secret({ label, text, testId }: { label: string; text: string; testId: string }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="p">
        {label}
      </Typography>
      <Box
        sx={{
          display: 'flex',
          alignItems: 'center',
          gap: 0.5,
          p: 0.5,
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
          bgcolor: 'action.hover',
        }}
      >
        <Typography
          variant="body2"
          sx={{ fontFamily: 'monospace', flex: 1, overflowWrap: 'anywhere', userSelect: 'all' }}
          data-testid={testId}
        >
          {text}
        </Typography>
        <CopyButton text={text} label={`Copy the ${label.toLowerCase()}`} testId={`${testId}-copy`} />
      </Box>
    </Box>
  );
}

export function CreateError({ error, testId }: { error: string | null; testId: string }) {
  return error ? (
    <Alert severity="error" data-testid={testId}>
      {error}
    </Alert>
  ) : null;
}

/** Cancel and Create while nothing is created; Done once the secret is shown. */
export function CreateOnceActions(props: {
  created: boolean;
  busy: boolean;
  createLabel: string;
  onCreate: () => void;
  onClose: () => void;
  testIds: { create: string; done: string };
}) {
  return (
    <DialogActions>
      {props.created ? (
        <Button variant="contained" onClick={props.onClose} data-testid={props.testIds.done}>
          Done
        </Button>
      ) : (
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            variant="contained"
            onClick={props.onCreate}
            disabled={props.busy}
            data-testid={props.testIds.create}
          >
            {props.createLabel}
          </Button>
        </>
      )}
    </DialogActions>
  );
}
