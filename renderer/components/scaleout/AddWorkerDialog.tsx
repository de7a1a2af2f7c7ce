import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiOutput } from '../../../master-core/protocol/api';
import { useApi } from '../../hooks/useApi';
import { formatTime } from '../../state/displayFormat';
import { enrolmentTokenInput, EXPIRY_CHOICES, initialEnrolmentForm } from '../../state/enrolmentRequest';
import type { EnrolmentErrors, EnrolmentForm } from '../../state/enrolmentRequest';
import { CreateError, CreateOnceActions, Secret, useCreateOnce } from '../ShownOnce';
import { TagsInput } from './TagsInput';

type CreatedToken = ApiOutput<'worker.enrolmentToken.create'>;

interface AddWorkerDialogProps {
  knownTags: readonly string[];
  onClose: () => void;
  /** A token was created (the tokens list should show it). */
  onCreated: (token: CreatedToken) => void;
}

function CreatedView({ created }: { created: CreatedToken }) {
  return (
    <Stack spacing={1} data-testid="add-worker-created">
      <Alert severity="info">
        The token is shown only now. It enrols one worker and expires at {formatTime(created.expiresAt)}.
      </Alert>
      <Secret label="Install command" text={created.installCommand} testId="add-worker-command" />
      <Secret label="Token" text={created.token} testId="add-worker-token" />
      <Typography variant="caption" color="text.secondary" data-testid="add-worker-expiry">
        Expires {formatTime(created.expiresAt)}; the worker pins the master&apos;s CA{' '}
        <Box component="span" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
          {created.caFingerprint}
        </Box>
        .
      </Typography>
    </Stack>
  );
}

/** Add worker: a one-time enrolment token with optional preset name and tags, and the install command. */
export function AddWorkerDialog({ knownTags, onClose, onCreated }: AddWorkerDialogProps) {
  const client = useApi();
  const [form, setForm] = useState<EnrolmentForm>(initialEnrolmentForm);
  const [pendingTag, setPendingTag] = useState('');
  const [errors, setErrors] = useState<EnrolmentErrors>({});
  const { error, busy, created, create: run } = useCreateOnce<CreatedToken>(onCreated);

  async function create() {
    const built = enrolmentTokenInput({ ...form, tags: [...form.tags, pendingTag] });
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    await run(() => client.call('worker.enrolmentToken.create', built.input));
  }

  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth data-testid="add-worker-dialog">
      <DialogTitle>Add worker</DialogTitle>
      <DialogContent>
        {created ? (
          <CreatedView created={created} />
        ) : (
          <Stack spacing={0.5}>
            <Typography variant="body2" color="text.secondary">
              Creates a one-time enrolment token. Run the install command it gives on the new worker machine.
            </Typography>
            <TextField
              label="Preset name (optional)"
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
              error={Boolean(errors.name)}
              helperText={errors.name ?? 'The worker gets this name, whatever it asks for'}
              slotProps={{ htmlInput: { 'data-testid': 'add-worker-name' } }}
            />
            <TagsInput
              label="Preset tags (optional)"
              tags={form.tags}
              suggestions={knownTags}
              pending={pendingTag}
              onChange={(tags) => setForm((f) => ({ ...f, tags }))}
              onPendingChange={setPendingTag}
              error={errors.tags}
              testId="add-worker-tags"
            />
            <TextField
              select
              label="Expires in"
              value={form.expiresInSeconds}
              onChange={(e) => setForm((f) => ({ ...f, expiresInSeconds: Number(e.target.value) }))}
              error={Boolean(errors.expiresInSeconds)}
              helperText={errors.expiresInSeconds}
              slotProps={{
                select: { SelectDisplayProps: { 'data-testid': 'add-worker-expiry-select' } as object },
              }}
            >
              {EXPIRY_CHOICES.map((c) => (
                <MenuItem key={c.seconds} value={c.seconds}>
                  {c.label}
                </MenuItem>
              ))}
            </TextField>
            <CreateError error={error} testId="add-worker-error" />
          </Stack>
        )}
      </DialogContent>
      <CreateOnceActions
        created={created !== null}
        busy={busy}
        createLabel="Create token"
        onCreate={() => void create()}
        onClose={onClose}
        testIds={{ create: 'add-worker-create', done: 'add-worker-done' }}
      />
    </Dialog>
  );
}
