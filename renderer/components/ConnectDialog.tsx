import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { createApiClient } from '../../master-core/protocol/apiClient';
import { coerceError } from '../../master-core/protocol/errors';
import { isSameOrigin, normalizeBaseUrl, remoteConsoleUrl } from '../state/connectionParams';
import type { Connection } from '../state/connectionParams';

interface ConnectDialogProps {
  initialUrl: string;
  /** Masters this user connected to before, most recent first. */
  recentMasters?: string[];
  /** The origin this console was served from: a master elsewhere opens its own console. */
  currentOrigin?: string;
  /** Opens another master's console (navigates away); given the base URL and the URL with the token. */
  onOpenRemote?: (baseUrl: string, url: string) => Promise<void>;
  /** Why the user is asked again (a refused token, say). */
  notice: string | null;
  onConnected: (connection: Connection) => void;
}

/** Like SSMS's "Connect to Server": the master's URL and its console token, checked before use. */
export function ConnectDialog({
  initialUrl,
  recentMasters = [],
  currentOrigin,
  onConnected,
  onOpenRemote,
  notice,
}: ConnectDialogProps) {
  const [url, setUrl] = useState(initialUrl);
  const [token, setToken] = useState('');
  const [error, setError] = useState<{ field: 'url' | 'token' | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function connect(event: FormEvent) {
    event.preventDefault();
    const baseUrl = normalizeBaseUrl(url);
    if (!baseUrl)
      return setError({ field: 'url', message: 'Master URL must be an http:// or https:// address' });
    if (token.trim() === '') return setError({ field: 'token', message: 'Token is required' });
    const connection = { baseUrl, token: token.trim() };
    setBusy(true);
    setError(null);
    try {
      if (currentOrigin && onOpenRemote && !isSameOrigin(baseUrl, currentOrigin)) {
        // Another master answers only its own console: open it there; it checks the token itself.
        await onOpenRemote(baseUrl, remoteConsoleUrl(baseUrl, connection.token));
        return;
      }
      // master.info proves both the address and the token before the console opens.
      await createApiClient(connection).call('master.info', {});
      onConnected(connection);
    } catch (e) {
      setError({ field: null, message: coerceError(e).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open maxWidth="xs" fullWidth data-testid="connect-dialog">
      <form onSubmit={(e) => void connect(e)} noValidate>
        <DialogTitle>Connect to Master</DialogTitle>
        <DialogContent>
          {notice && (
            <Alert severity="warning" sx={{ mb: 1 }}>
              {notice}
            </Alert>
          )}
          <Typography variant="body2" color="text.secondary">
            The master prints the console address with its token when it starts.
          </Typography>
          <Autocomplete
            freeSolo
            options={recentMasters}
            inputValue={url}
            onInputChange={(_e, value) => setUrl(value)}
            renderInput={(params) => (
              <TextField
                {...params}
                label="Master URL"
                fullWidth
                autoFocus
                required
                error={error?.field === 'url'}
                helperText={
                  error?.field === 'url'
                    ? error.message
                    : 'e.g. http://127.0.0.1:8390; another master’s console opens in this window'
                }
                slotProps={{
                  ...params.slotProps,
                  htmlInput: { ...params.slotProps.htmlInput, 'data-testid': 'connect-url' },
                }}
              />
            )}
          />
          <TextField
            label="Token"
            type="password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            fullWidth
            required
            autoComplete="off"
            error={error?.field === 'token'}
            helperText={error?.field === 'token' ? error.message : ' '}
            slotProps={{ htmlInput: { 'data-testid': 'connect-token' } }}
          />
          {error && error.field === null && (
            <Alert severity="error" data-testid="connect-error">
              {error.message}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button type="submit" variant="contained" disabled={busy} data-testid="connect-ok">
            {busy ? 'Connecting...' : 'Connect'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
