import { useCallback, useState } from 'react';
import { ConsoleLayout } from './components/ConsoleLayout';
import { ConnectDialog } from './components/ConnectDialog';
import { ApiProvider } from './connection/ApiProvider';
import {
  forgetConnection,
  openRemoteConsole,
  rememberedMasters,
  rememberedMasterUrl,
  saveConnection,
} from './connection/browserConnection';
import type { Connection } from './state/connectionParams';

interface AppProps {
  initialConnection: Connection | null;
}

/** Shows Connect until there is a connection, then the console for it. */
export function App({ initialConnection }: AppProps) {
  const [connection, setConnection] = useState<Connection | null>(initialConnection);
  const [notice, setNotice] = useState<string | null>(null);

  const handleConnected = useCallback((next: Connection) => {
    saveConnection(next);
    setNotice(null);
    setConnection(next);
  }, []);

  const handleDisconnect = useCallback(() => {
    forgetConnection();
    setConnection(null);
  }, []);

  const handleUnauthorized = useCallback(() => {
    forgetConnection();
    setNotice('The master refused the token. It may have restarted with a new one: connect again.');
    setConnection(null);
  }, []);

  if (!connection) {
    return (
      <ConnectDialog
        initialUrl={rememberedMasterUrl()}
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
      <ConsoleLayout onDisconnect={handleDisconnect} />
    </ApiProvider>
  );
}
