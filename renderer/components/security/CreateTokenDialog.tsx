import Alert from '@mui/material/Alert';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiOutput } from '../../../master-core/protocol/api';
import { useApi, useConnectionState } from '../../hooks/useApi';
import { formatTime } from '../../state/displayFormat';
import { newTokenInput, TOKEN_EXPIRY_CHOICES, tokenUsageHint } from '../../state/securityForms';
import type { NewTokenForm } from '../../state/securityForms';
import { CreateError, CreateOnceActions, Secret, useCreateOnce } from '../ShownOnce';

type Created = ApiOutput<'token.create'>;

interface CreateTokenDialogProps {
  /** Whose token (an admin making one for another user); undefined: the caller's own. */
  userName: string | undefined;
  onClose: () => void;
  onCreated: (created: Created) => void;
}

/** A new API token for the CLI and automation: named, with an expiry; shown once with its use. */
export function CreateTokenDialog({ userName, onClose, onCreated }: CreateTokenDialogProps) {
  const client = useApi();
  const { connection } = useConnectionState();
  const [form, setForm] = useState<NewTokenForm>({ name: '', expiresInDays: 90 });
  const [nameError, setNameError] = useState<string | null>(null);
  const { error, busy, created, create: run } = useCreateOnce<Created>(onCreated);

  async function create() {
    const built = newTokenInput(form, userName);
    if (!built.ok) return setNameError(built.errors.name ?? null);
    setNameError(null);
    await run(() => client.call('token.create', built.input));
  }

  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth data-testid="token-create-dialog">
      <DialogTitle>{`New API token${userName ? ` for ${userName}` : ''}`}</DialogTitle>
      <DialogContent>
        {created ? (
          <Stack spacing={1} data-testid="token-created">
            <Alert severity="info">
              {`The token is shown only now: copy it. ${
                created.tokenRow.expiresAt
                  ? `It expires at ${formatTime(created.tokenRow.expiresAt)}.`
                  : 'It never expires.'
              } Revoke it here when it is no longer needed.`}
            </Alert>
            <Secret label="Token" text={created.token} testId="token-created-value" />
            <Secret
              label="Use it with the CLI"
              text={tokenUsageHint(connection.baseUrl, created.token)}
              testId="token-created-hint"
            />
          </Stack>
        ) : (
          <Stack spacing={0.5} sx={{ pt: 1 }}>
            <Typography variant="body2" color="text.secondary">
              An API token acts as its user, with their role and folder permissions, for the CLI
              (SCALEOUT_TOKEN) and automation.
            </Typography>
            <TextField
              label="Name"
              autoFocus
              value={form.name}
              onChange={(e) => setForm((f) => ({ ...f, name: e.target.value }))}
              error={nameError !== null}
              helperText={nameError ?? 'What it is for, e.g. nightly-deploy'}
              slotProps={{ htmlInput: { 'data-testid': 'token-create-name' } }}
            />
            <TextField
              select
              label="Expires in"
              value={form.expiresInDays === null ? 'never' : String(form.expiresInDays)}
              onChange={(e) =>
                setForm((f) => ({
                  ...f,
                  expiresInDays: e.target.value === 'never' ? null : Number(e.target.value),
                }))
              }
              slotProps={{
                select: { SelectDisplayProps: { 'data-testid': 'token-create-expiry' } as object },
              }}
            >
              {TOKEN_EXPIRY_CHOICES.map((c) => (
                <MenuItem
                  key={c.label}
                  value={c.days === null ? 'never' : String(c.days)}
                  data-testid={`token-expiry-${c.days ?? 'never'}`}
                >
                  {c.label}
                </MenuItem>
              ))}
            </TextField>
            <CreateError error={error} testId="token-create-error" />
          </Stack>
        )}
      </DialogContent>
      <CreateOnceActions
        created={created !== null}
        busy={busy}
        createLabel="Create token"
        onCreate={() => void create()}
        onClose={onClose}
        testIds={{ create: 'token-create-ok', done: 'token-create-done' }}
      />
    </Dialog>
  );
}
