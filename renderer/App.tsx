import { useCallback, useState } from 'react';
import { ConsoleLayout } from './components/ConsoleLayout';
import { ConnectDialog } from './components/ConnectDialog';
import type { ConnectMode } from './components/ConnectDialog';
import { AccessProvider } from './connection/AccessProvider';
import { ApiProvider } from './connection/ApiProvider';
import {
  forgetConnection,
  openRemoteConsole,
  rememberConnectMode,
  rememberedConnectMode,
  rememberedMasters,
  rememberedMasterUrl,
  saveConnection,
} from './connection/browserConnection';
import type { Connection } from './state/connectionParams';
import { refusedCredentialNotice } from './state/connectionParams';

interface AppProps {
  initialConnection: Connection | null;
}

/** Shows Connect until there is a connection, then the console for it. */
export function App({ initialConnection }: AppProps) {
  const [connection, setConnection] = useState<Connection | null>(initialConnection);
  const [notice, setNotice] = useState<string | null>(null);

  const handleConnected = useCallback((next: Connection, mode: ConnectMode) => {
    saveConnection(next);
    rememberConnectMode(mode);
    setNotice(null);
    setConnection(next);
  }, []);

  /** Disconnect, or Sign out (the header ended the session first); `reason` is shown on Connect. */
  const handleDisconnect = useCallback((reason?: string) => {
    forgetConnection();
    setNotice(reason ?? null);
    setConnection(null);
  }, []);

  const handleUnauthorized = useCallback((reason: string) => {
    forgetConnection();
    setNotice(refusedCredentialNotice(reason));
    setConnection(null);
  }, []);

  if (!connection) {
    return (
      <ConnectDialog
        initialUrl={rememberedMasterUrl()}
        initialMode={rememberedConnectMode()}
        recentMasters={rememberedMasters()}
        currentOrigin={window.location.origin}
        notice={notice}
        onConnected={handleConnected}
        onOpenRemote={openRemoteConsole}
      />
    );
  }
  return (
    <ApiProvider connection={connection} onUnauthorized={handleUnauthorized}>
      <AccessProvider>
        <ConsoleLayout onDisconnect={handleDisconnect} />
      </AccessProvider>
    </ApiProvider>
  );
}
