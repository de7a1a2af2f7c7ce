import DarkModeIcon from '@mui/icons-material/DarkMode';
import HubIcon from '@mui/icons-material/Hub';
import LightModeIcon from '@mui/icons-material/LightMode';
import LogoutIcon from '@mui/icons-material/Logout';
import MonitorHeartIcon from '@mui/icons-material/MonitorHeart';
import PersonIcon from '@mui/icons-material/Person';
import SecurityIcon from '@mui/icons-material/Security';
import WarningAmberIcon from '@mui/icons-material/WarningAmber';
import ViewQuiltIcon from '@mui/icons-material/ViewQuilt';
import AppBar from '@mui/material/AppBar';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import IconButton from '@mui/material/IconButton';
import { useColorScheme } from '@mui/material/styles';
import Toolbar from '@mui/material/Toolbar';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { useEffect, useState } from 'react';
import { coerceError } from '../../master-core/protocol/errors';
import { useAccessState } from '../hooks/useAccess';
import { useApi, useConnectionState, useConsoleEvents } from '../hooks/useApi';

/** Green while the live events socket is open, red while the console is reconnecting. */
function ConnectionDot({ connected }: { connected: boolean }) {
  const text = connected ? 'Connected: live updates on' : 'Disconnected: reconnecting...';
  return (
    <Tooltip title={text}>
      <Box
        role="status"
        aria-label={text}
        data-testid="connection-status"
        data-connected={String(connected)}
        sx={{
          width: 10,
          height: 10,
          borderRadius: '50%',
          bgcolor: connected ? 'success.light' : 'error.light',
          boxShadow: '0 0 0 2px rgba(255,255,255,0.6)',
        }}
      />
    </Tooltip>
  );
}

/** The master's version, asked again after each reconnect (the master may have been upgraded). */
function useMasterVersion(): string | null {
  const client = useApi();
  const [version, setVersion] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    let current = true;
    client.call('master.info', {}).then(
      (info) => current && setVersion(info.version),
      () => undefined, // the header simply shows no version; views report the error
    );
    return () => {
      current = false;
    };
  }, [client, asked]);
  useConsoleEvents((message) => {
    if (message.kind === 'status' && message.connected) setAsked((n) => n + 1);
  });
  return version;
}

/** Light or dark: the system's choice until the operator picks one (remembered by MUI). */
function ThemeToggle() {
  const { mode, systemMode, setMode } = useColorScheme();
  const current = mode === 'system' ? systemMode : mode;
  const next = current === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip title={`Switch to the ${next} theme`}>
      <IconButton
        color="inherit"
        onClick={() => setMode(next)}
        aria-label={`Switch to the ${next} theme`}
        data-testid="theme-toggle"
      >
        {current === 'dark' ? <LightModeIcon fontSize="small" /> : <DarkModeIcon fontSize="small" />}
      </IconButton>
    </Tooltip>
  );
}

const credentialText = { console: 'the master’s console token', session: 'signed in', api: 'an API token' };

/** Who is calling (auth.whoami): the user and role, or why the master could not say. */
function SignedInUser() {
  const { access, error } = useAccessState();
  if (error)
    return (
      <Tooltip
        title={`Could not ask the master who you are (${error}); every action is offered and the master decides.`}
      >
        <WarningAmberIcon
          fontSize="small"
          data-testid="whoami-error"
          aria-label={`Who am I failed: ${error}`}
        />
      </Tooltip>
    );
  const whoami = access.whoami;
  if (!whoami) return null;
  const { user, credential } = whoami;
  return (
    <Tooltip title={`${user.userName}, ${user.role}, with ${credentialText[credential]}`}>
      <Chip
        icon={<PersonIcon />}
        label={`${user.userName} (${user.role})`}
        size="small"
        variant="outlined"
        data-testid="signed-in-user"
        data-role={user.role}
        data-credential={credential}
        sx={{ color: 'inherit', borderColor: 'currentColor', '& .MuiChip-icon': { color: 'inherit' } }}
      />
    </Tooltip>
  );
}

interface AppHeaderProps {
  /** Back to Connect; `reason` is shown there (after Sign out, say). */
  onDisconnect: (reason?: string) => void;
  onOpenScaleOutManager?: () => void;
  onOpenWorkerHealth?: () => void;
  /** The Security tab (users, tokens, folder permissions, audit; a non-admin sees their own tokens). */
  onOpenSecurity?: () => void;
}

export function AppHeader({
  onDisconnect,
  onOpenScaleOutManager,
  onOpenWorkerHealth,
  onOpenSecurity,
}: AppHeaderProps) {
  const client = useApi();
  const { connected, connection } = useConnectionState();
  const { access } = useAccessState();
  const version = useMasterVersion();
  const [signingOut, setSigningOut] = useState(false);
  const signedIn = access.whoami?.credential === 'session';

  /** Ends the session on the master, then back to Connect (saying so if the master did not confirm). */
  const signOut = () => {
    setSigningOut(true);
    client.call('auth.logout', {}).then(
      () => onDisconnect('Signed out.'),
      (error: unknown) =>
        onDisconnect(
          `Signed out of this console, but the master did not confirm the end of the session (${coerceError(error).message}); it ends when it expires.`,
        ),
    );
  };
  return (
    <AppBar position="static" elevation={0}>
      <Toolbar sx={{ gap: 1.5 }}>
        <HubIcon fontSize="small" />
        <Typography variant="subtitle1" component="h1" sx={{ fontWeight: 600 }}>
          Scale Out Console
        </Typography>
        {onOpenScaleOutManager && (
          <Button
            color="inherit"
            startIcon={<ViewQuiltIcon />}
            onClick={onOpenScaleOutManager}
            data-testid="header-scale-out-manager"
          >
            Scale Out Manager
          </Button>
        )}
        {onOpenWorkerHealth && (
          <Button
            color="inherit"
            startIcon={<MonitorHeartIcon />}
            onClick={onOpenWorkerHealth}
            data-testid="header-worker-health"
          >
            Worker Health
          </Button>
        )}
        {onOpenSecurity && access.whoami && (
          <Button
            color="inherit"
            startIcon={<SecurityIcon />}
            onClick={onOpenSecurity}
            data-testid="header-security"
          >
            Security
          </Button>
        )}
        <Box sx={{ flex: 1 }} />
        <Typography variant="body2" sx={{ opacity: 0.85 }} data-testid="master-address">
          {connection.baseUrl}
          {version ? ` (master ${version})` : ''}
        </Typography>
        <SignedInUser />
        <ConnectionDot connected={connected} />
        <ThemeToggle />
        {signedIn ? (
          <Button
            color="inherit"
            startIcon={<LogoutIcon />}
            onClick={signOut}
            disabled={signingOut}
            data-testid="sign-out"
          >
            Sign out
          </Button>
        ) : (
          <Button
            color="inherit"
            startIcon={<LogoutIcon />}
            onClick={() => onDisconnect()}
            data-testid="disconnect"
          >
            Disconnect
          </Button>
        )}
      </Toolbar>
    </AppBar>
  );
}
