import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import type { ExecutionRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { useExecutionParameters } from '../../hooks/useExecutionParameters';
import {
  describeOptions,
  executionSetParameters,
  matchReference,
  parameterReference,
  runAgainRequest,
  sensitiveToReenter,
} from '../../state/runAgain';

interface RunAgainDialogProps {
  execution: ExecutionRow;
  onClose: () => void;
  onCreated: (executionId: number) => void;
}

type ReferenceState = { loading: true } | { referenceId: number | null } | { error: string };

/** Which environment reference the new execution uses (looked up only when this one used one). */
function useReference(execution: ExecutionRow): ReferenceState {
  const client = useApi();
  const { environmentName, folderName, projectName } = execution;
  const [state, setState] = useState<ReferenceState>(() =>
    environmentName === null ? { referenceId: null } : { loading: true },
  );
  useEffect(() => {
    if (environmentName === null) return;
    let current = true;
    client.call('catalog.tree', {}).then(
      ({ folders }) => {
        const project = folders
          .find((f) => f.name === folderName)
          ?.projects.find((p) => p.name === projectName);
        if (!current) return;
        setState(
          project
            ? matchReference({ environmentName, folderName, projectName }, project.references)
            : { error: `${folderName}\\${projectName} is no longer deployed` },
        );
      },
      (e: unknown) => {
        if (current)
          setState({
            error: `The project's environment references could not be read: ${coerceError(e).message}`,
          });
      },
    );
    return () => {
      current = false;
    };
  }, [client, environmentName, folderName, projectName]);
  return state;
}

/**
 * Run again: a new execution of the same package with what was set for this one. Sensitive values
 * set at execution are never kept, so they are asked for again.
 */
export function RunAgainDialog({ execution, onClose, onCreated }: RunAgainDialogProps) {
  const client = useApi();
  const id = execution.executionId;
  const parameters = useExecutionParameters(id);
  const reference = useReference(execution);
  const [reentered, setReentered] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const repeated = executionSetParameters(parameters.parameters).filter((p) => !p.sensitive);
  const sensitive = sensitiveToReenter(parameters.parameters);
  const ready = parameters.loaded && !parameters.error && 'referenceId' in reference;

  const submit = () => {
    if (!ready) return;
    const built = runAgainRequest(execution, parameters.parameters, reentered, reference.referenceId);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setSubmitError(null);
    setSubmitting(true);
    client.call('execution.create', built.input).then(
      ({ executionId }) => {
        setSubmitting(false);
        onCreated(executionId);
      },
      (e: unknown) => {
        setSubmitting(false);
        setSubmitError(coerceError(e).message);
      },
    );
  };

  const where = `${execution.folderName}\\${execution.projectName}\\${execution.packageName}`;
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth data-testid={`run-again-dialog-${id}`}>
      <DialogTitle>{`Run ${execution.packageName} again`}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" sx={{ mb: 1 }}>
          {`A new execution of ${where} with what was set for execution ${id}.`}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          {describeOptions(execution)}
          {'referenceId' in reference && reference.referenceId !== null
            ? `, environment ${execution.environmentName}`
            : ''}
          .
        </Typography>
        {parameters.error && (
          <Alert severity="error" sx={{ mb: 1 }}>
            {`The parameter values could not be read: ${parameters.error}`}
          </Alert>
        )}
        {'error' in reference && (
          <Alert severity="error" sx={{ mb: 1 }} data-testid={`run-again-reference-error-${id}`}>
            {reference.error}
          </Alert>
        )}
        {!parameters.loaded && (
          <Typography variant="body2" color="text.secondary">
            Reading the parameter values…
          </Typography>
        )}
        {parameters.loaded && !parameters.error && (
          <>
            <Typography variant="subtitle2">Values set at execution</Typography>
            {repeated.length === 0 && sensitive.length === 0 && (
              <Typography variant="body2" color="text.secondary">
                None.
              </Typography>
            )}
            {repeated.map((p) => (
              <Typography variant="body2" key={parameterReference(p)} sx={{ fontFamily: 'monospace' }}>
                {`${parameterReference(p)} = ${String(p.value)}`}
              </Typography>
            ))}
            {sensitive.length > 0 && (
              <Alert severity="warning" sx={{ my: 1 }} data-testid={`run-again-sensitive-${id}`}>
                Sensitive values set at execution are not kept, so they cannot be repeated: enter them again.
              </Alert>
            )}
            {sensitive.map((p) => {
              const ref = parameterReference(p);
              return (
                <TextField
                  key={ref}
                  type="password"
                  size="small"
                  fullWidth
                  label={`${ref} (${p.dataType})`}
                  value={reentered[ref] ?? ''}
                  onChange={(e) => setReentered((r) => ({ ...r, [ref]: e.target.value }))}
                  error={Boolean(errors[ref])}
                  helperText={errors[ref]}
                  autoComplete="off"
                  sx={{ mt: 1 }}
                  slotProps={{ htmlInput: { 'data-testid': `run-again-value-${ref}` } }}
                />
              );
            })}
            <Typography variant="caption" color="text.secondary" component="div" sx={{ mt: 1 }}>
              Values from server configuration, an environment or the design defaults are read again when the
              new execution is created.
            </Typography>
          </>
        )}
        {submitError && (
          <Alert severity="error" sx={{ mt: 1 }} data-testid={`run-again-error-${id}`}>
            {submitError}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={submit}
          disabled={!ready || submitting}
          data-testid={`run-again-ok-${id}`}
        >
          Run again
        </Button>
      </DialogActions>
    </Dialog>
  );
}
