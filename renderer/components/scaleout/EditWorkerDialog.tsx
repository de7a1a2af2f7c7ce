import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import InputAdornment from '@mui/material/InputAdornment';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { ApiOutput, WorkerRow } from '../../../master-core/protocol/api';
import { coerceError, ScaleOutError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { editFieldForApiError, editFormFor, workerUpdateInput } from '../../state/workerEdit';
import type { WorkerEditErrors, WorkerEditForm } from '../../state/workerEdit';
import { TagsInput } from './TagsInput';

interface EditWorkerDialogProps {
  worker: WorkerRow;
  /** Tags other workers carry, offered as suggestions. */
  knownTags: readonly string[];
  onClose: () => void;
  onSaved: (result: ApiOutput<'worker.update'>) => void;
}

/** Scale Out Manager's Edit Worker: display name, description, tags, max tasks and thresholds. */
export function EditWorkerDialog({ worker, knownTags, onClose, onSaved }: EditWorkerDialogProps) {
  const client = useApi();
  const [form, setForm] = useState<WorkerEditForm>(() => editFormFor(worker));
  const [pendingTag, setPendingTag] = useState('');
  const [errors, setErrors] = useState<WorkerEditErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const withPending = { ...form, tags: [...form.tags, pendingTag] };
  const result = workerUpdateInput(worker, withPending);
  const unchanged = result.ok && !result.changed;
  const patch = (p: Partial<WorkerEditForm>) => setForm((f) => ({ ...f, ...p }));

  async function save() {
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      onSaved(await client.call('worker.update', result.input));
    } catch (e) {
      const field = e instanceof ScaleOutError ? editFieldForApiError(e.field) : undefined;
      if (field) setErrors({ [field]: coerceError(e).message });
      else setError(coerceError(e).message);
    } finally {
      setBusy(false);
    }
  }

  const text = (
    field: 'name' | 'description' | 'maxTasks' | 'maxCpuPercent' | 'minFreeMemoryMiB',
    label: string,
    extra = {},
  ) => (
    <TextField
      label={label}
      value={form[field]}
      onChange={(e) => patch({ [field]: e.target.value })}
      error={Boolean(errors[field])}
      helperText={errors[field]}
      fullWidth
      slotProps={{ htmlInput: { 'data-testid': `edit-worker-${field}` } }}
      {...extra}
    />
  );

  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth data-testid="edit-worker-dialog">
      <DialogTitle>Edit worker {worker.name}</DialogTitle>
      <DialogContent>
        <Stack spacing={0.5}>
          {text('name', 'Display name', { autoFocus: true })}
          {text('description', 'Description', { multiline: true, minRows: 2 })}
          <TagsInput
            label="Tags"
            tags={form.tags}
            suggestions={knownTags}
            pending={pendingTag}
            onChange={(tags) => patch({ tags })}
            onPendingChange={setPendingTag}
            error={errors.tags}
            testId="edit-worker-tags"
          />
          <Stack direction="row" spacing={1}>
            {text('maxTasks', 'Max tasks')}
            {text('maxCpuPercent', 'Max CPU', {
              slotProps: {
                htmlInput: { 'data-testid': 'edit-worker-maxCpuPercent' },
                input: { endAdornment: <InputAdornment position="end">%</InputAdornment> },
              },
            })}
            {text('minFreeMemoryMiB', 'Min free memory', {
              slotProps: {
                htmlInput: { 'data-testid': 'edit-worker-minFreeMemoryMiB' },
                input: { endAdornment: <InputAdornment position="end">MiB</InputAdornment> },
              },
            })}
          </Stack>
          {error && (
            <Alert severity="error" data-testid="edit-worker-error">
              {error}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          variant="contained"
          onClick={() => void save()}
          disabled={busy || unchanged}
          data-testid="edit-worker-save"
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
