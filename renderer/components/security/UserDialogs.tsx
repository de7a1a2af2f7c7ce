import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import type { UserRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { initialNewUserForm, newUserInput, passwordErrors, ROLES } from '../../state/securityForms';
import type { NewUserErrors, NewUserForm } from '../../state/securityForms';

/** A master error naming one of the form's fields goes under that field; any other in the alert. */
function splitError(e: unknown, fields: readonly string[]): { field: string | null; message: string } {
  const error = coerceError(e) as Error & { field?: string };
  return { field: error.field && fields.includes(error.field) ? error.field : null, message: error.message };
}

interface CreateUserDialogProps {
  onClose: () => void;
  onCreated: (user: UserRow) => void;
}

/** New user: name, password (typed twice), role and description. */
export function CreateUserDialog({ onClose, onCreated }: CreateUserDialogProps) {
  const client = useApi();
  const [form, setForm] = useState<NewUserForm>(initialNewUserForm);
  const [errors, setErrors] = useState<NewUserErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<NewUserForm>) => setForm((f) => ({ ...f, ...patch }));

  async function create() {
    const built = newUserInput(form);
    if (!built.ok) return setErrors(built.errors);
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      const { user } = await client.call('user.create', built.input);
      onCreated(user);
    } catch (e) {
      const { field, message } = splitError(e, ['userName', 'password', 'role', 'description']);
      if (field) setErrors({ [field]: message });
      else setError(message);
      setBusy(false);
    }
  }

  const field = (key: keyof NewUserForm, label: string, extra: object = {}, help = ' ') => (
    <TextField
      label={label}
      value={form[key]}
      onChange={(e) => set({ [key]: e.target.value } as Partial<NewUserForm>)}
      error={Boolean(errors[key])}
      helperText={errors[key] ?? help}
      slotProps={{ htmlInput: { 'data-testid': `user-create-${key}` } }}
      {...extra}
    />
  );

  return (
    <Dialog open onClose={onClose} maxWidth="xs" fullWidth data-testid="user-create-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <DialogTitle>New user</DialogTitle>
        <DialogContent>
          <Stack spacing={0.5} sx={{ pt: 1 }}>
            {field('userName', 'User name', { autoFocus: true, required: true, autoComplete: 'off' })}
            {field(
              'password',
              'Password',
              { type: 'password', required: true, autoComplete: 'new-password' },
              'At least 12 characters',
            )}
            {field('confirm', 'Confirm password', {
              type: 'password',
              required: true,
              autoComplete: 'new-password',
            })}
            <TextField
              select
              label="Role"
              value={form.role}
              onChange={(e) => set({ role: e.target.value as NewUserForm['role'] })}
              helperText={ROLES.find((r) => r.value === form.role)?.description}
              slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'user-create-role' } as object } }}
            >
              {ROLES.map((r) => (
                <MenuItem key={r.value} value={r.value} data-testid={`role-option-${r.value}`}>
                  {r.label}
                </MenuItem>
              ))}
            </TextField>
            {field('description', 'Description (optional)')}
            {error && (
              <Alert severity="error" data-testid="user-create-error">
                {error}
              </Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy} data-testid="user-create-ok">
            Create
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}

interface ResetPasswordDialogProps {
  userName: string;
  onClose: () => void;
  onDone: () => void;
}

/** Sets a new password for a user (typed twice); their sign-ins use it from now on. */
export function ResetPasswordDialog({ userName, onClose, onDone }: ResetPasswordDialogProps) {
  const client = useApi();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    const found = passwordErrors(password, confirm);
    if (Object.keys(found).length > 0) return setErrors(found);
    setErrors({});
    setError(null);
    setBusy(true);
    try {
      await client.call('user.update', { userName, password });
      onDone();
    } catch (e) {
      const { field, message } = splitError(e, ['password']);
      if (field) setErrors({ password: message });
      else setError(message);
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} maxWidth="xs" fullWidth data-testid="user-password-dialog">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <DialogTitle>{`Reset password - ${userName}`}</DialogTitle>
        <DialogContent>
          <Stack spacing={0.5} sx={{ pt: 1 }}>
            <TextField
              label="New password"
              type="password"
              autoFocus
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={Boolean(errors.password)}
              helperText={errors.password ?? 'At least 12 characters'}
              slotProps={{ htmlInput: { 'data-testid': 'user-password-new' } }}
            />
            <TextField
              label="Confirm password"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              error={Boolean(errors.confirm)}
              helperText={errors.confirm ?? ' '}
              slotProps={{ htmlInput: { 'data-testid': 'user-password-confirm' } }}
            />
            {error && (
              <Alert severity="error" data-testid="user-password-error">
                {error}
              </Alert>
            )}
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy} data-testid="user-password-ok">
            Set password
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
