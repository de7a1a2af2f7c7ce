import { useContext, useEffect, useRef } from 'react';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { ApiContext } from '../connection/apiContext';
import type { ApiContextValue } from '../connection/apiContext';
import type { HubListener } from '../state/eventHub';

function useApiContext(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi() must be used inside <ApiProvider>');
  return value;
}

/** The console's one ApiClient. */
export function useApi(): ApiClient {
  return useApiContext().client;
}

/** Whether the live events socket is open, and where the master is. */
export function useConnectionState(): Pick<ApiContextValue, 'connected' | 'connection'> {
  const { connected, connection } = useApiContext();
  return { connected, connection };
}

/**
 * Hears every live event and socket state change. The latest `listener` is always the one
 * called, so callers need not memoize it.
 */
export function useConsoleEvents(listener: HubListener): void {
  const { hub } = useApiContext();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => hub.listen((message) => latest.current(message)), [hub]);
}
