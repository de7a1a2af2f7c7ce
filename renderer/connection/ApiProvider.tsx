import { useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { createApiClient } from '../../master-core/protocol/apiClient';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { ScaleOutError } from '../../master-core/protocol/errors';
import type { Connection } from '../state/connectionParams';
import { createEventHub } from '../state/eventHub';
import { ApiContext } from './apiContext';
import type { ApiContextValue } from './apiContext';

const PROBE_INTERVAL_MS = 5000;

interface ApiProviderProps {
  connection: Connection;
  /**
   * Called when the master refuses the credential (it restarted with a new token, a session expired
   * or was signed out, an admin revoked the token or disabled the user), with the master's reason.
   */
  onUnauthorized: (reason: string) => void;
  children: ReactNode;
}

/** Wraps the client so a refused token sends the user back to Connect, wherever it happens. */
function withUnauthorizedHandler(client: ApiClient, onUnauthorized: (reason: string) => void): ApiClient {
  return {
    async call(method, input) {
      try {
        return await client.call(method, input);
      } catch (error) {
        if (error instanceof ScaleOutError && error.code === 'UNAUTHORIZED') onUnauthorized(error.message);
        throw error;
      }
    },
    subscribe: (onEvent, onStatus) => client.subscribe(onEvent, onStatus),
  };
}

/** Owns the one ApiClient and the one events socket of the console. */
export function ApiProvider({ connection, onUnauthorized, children }: ApiProviderProps) {
  const [connected, setConnected] = useState(false);
  const client = useMemo(
    () => withUnauthorizedHandler(createApiClient(connection), onUnauthorized),
    [connection, onUnauthorized],
  );
  const hub = useMemo(() => createEventHub(), []);

  useEffect(() => {
    const stop = client.subscribe(
      (event) => hub.emit({ kind: 'event', event }),
      (isConnected) => {
        setConnected(isConnected);
        hub.emit({ kind: 'status', connected: isConnected });
      },
    );
    return () => {
      stop();
      setConnected(false);
    };
  }, [client, hub]);

  // While the socket is down, ask the master now and then: a master that restarted with a new
  // token answers UNAUTHORIZED, which sends the user to Connect instead of retrying forever.
  useEffect(() => {
    if (connected) return;
    const timer = setInterval(() => client.call('master.info', {}).catch(() => undefined), PROBE_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [client, connected]);

  const value = useMemo<ApiContextValue>(
    () => ({ client, hub, connection, connected }),
    [client, hub, connection, connected],
  );
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}
