import Alert from '@mui/material/Alert';
import Autocomplete from '@mui/material/Autocomplete';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { FormEvent } from 'react';
import { createApiClient } from '../../master-core/protocol/apiClient';
import { coerceError } from '../../master-core/protocol/errors';
import { isSameOrigin, normalizeBaseUrl, remoteConsoleUrl, remoteSignInUrl } from '../state/connectionParams';
import type { Connection } from '../state/connectionParams';

/** The two ways in: the master's token (or an API token), or a user's name and password. */
export type ConnectMode = 'token' | 'password';
type Field = 'url' | 'token' | 'userName' | 'password';

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
  /** Which way in is shown first (the one used last). */
  initialMode?: ConnectMode;
  onConnected: (connection: Connection, mode: ConnectMode) => void;
}

const loginFields: readonly string[] = ['userName', 'password'];

/**
 * Like SSMS's "Connect to Server": the master's URL and either its console token (or an API token),
 * checked before use, or a user name and password (SQL Server Authentication's counterpart) for a
 * session token from auth.login. Either token is kept in the tab's sessionStorage only.
 */
export function ConnectDialog({
  initialUrl,
  recentMasters = [],
  currentOrigin,
  onConnected,
  onOpenRemote,
  notice,
  initialMode = 'token',
}: ConnectDialogProps) {
  const [url, setUrl] = useState(initialUrl);
  const [mode, setMode] = useState<ConnectMode>(initialMode);
  const [token, setToken] = useState('');
  const [userName, setUserName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<{ field: Field | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const remote = (baseUrl: string) =>
    currentOrigin !== undefined && onOpenRemote !== undefined && !isSameOrigin(baseUrl, currentOrigin);

  async function signIn(baseUrl: string) {
    if (userName.trim() === '') return setError({ field: 'userName', message: 'User name is required' });
    if (password === '') return setError({ field: 'password', message: 'Password is required' });
    setBusy(true);
    setError(null);
    try {
      if (remote(baseUrl)) {
        // A password goes only to the master whose console this is: sign in on that one's own page.
        await onOpenRemote?.(baseUrl, remoteSignInUrl(baseUrl));
        return;
      }
      const { token: sessionToken } = await createApiClient({ baseUrl, token: '' }).call('auth.login', {
        userName: userName.trim(),
        password,
      });
      setPassword('');
      onConnected({ baseUrl, token: sessionToken }, 'password');
    } catch (e) {
      const failure = coerceError(e) as Error & { field?: string };
      const field = failure.field && loginFields.includes(failure.field) ? (failure.field as Field) : null;
      setError({ field, message: failure.message });
    } finally {
      setBusy(false);
    }
  }

  async function connect(event: FormEvent) {
    event.preventDefault();
    const baseUrl = normalizeBaseUrl(url);
    if (!baseUrl)
      return setError({ field: 'url', message: 'Master URL must be an http:// or https:// address' });
    if (mode === 'password') return signIn(baseUrl);
    if (token.trim() === '') return setError({ field: 'token', message: 'Token is required' });
    const connection = { baseUrl, token: token.trim() };
    setBusy(true);
    setError(null);
    try {
      if (remote(baseUrl)) {
        // Another master answers only its own console: open it there; it checks the token itself.
        await onOpenRemote?.(baseUrl, remoteConsoleUrl(baseUrl, connection.token));
        return;
      }
      // master.info proves both the address and the token before the console opens.
      await createApiClient(connection).call('master.info', {});
      onConnected(connection, 'token');
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
          <Tabs
            value={mode}
            onChange={(_e, next: ConnectMode) => {
              setMode(next);
              setError(null);
            }}
            variant="fullWidth"
            sx={{ mb: 1 }}
          >
            <Tab value="token" label="Token" data-testid="connect-mode-token" />
            <Tab value="password" label="Sign in" data-testid="connect-mode-password" />
          </Tabs>
          <Typography variant="body2" color="text.secondary">
            {mode === 'token'
              ? 'The master prints the console address with its token when it starts; an API token works too.'
              : 'A user of the master (Security > Users). Signing in to another master continues on its own console.'}
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
          {mode === 'token' ? (
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
          ) : (
            <>
              <TextField
                label="User name"
                value={userName}
                onChange={(e) => setUserName(e.target.value)}
                fullWidth
                required
                autoComplete="username"
                error={error?.field === 'userName'}
                helperText={error?.field === 'userName' ? error.message : ' '}
                slotProps={{ htmlInput: { 'data-testid': 'connect-user' } }}
              />
              <TextField
                label="Password"
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                fullWidth
                required
                autoComplete="current-password"
                error={error?.field === 'password'}
                helperText={error?.field === 'password' ? error.message : ' '}
                slotProps={{ htmlInput: { 'data-testid': 'connect-password' } }}
              />
            </>
          )}
          {error && error.field === null && (
            <Alert severity="error" data-testid="connect-error">
              {error.message}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button type="submit" variant="contained" disabled={busy} data-testid="connect-ok">
            {busy ? 'Connecting...' : mode === 'password' ? 'Sign in' : 'Connect'}
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
