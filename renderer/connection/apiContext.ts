import { createContext } from 'react';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import type { Connection } from '../state/connectionParams';
import type { EventHub } from '../state/eventHub';

/** What every view reaches through useApi(): the one client, its event hub and the socket state. */
export interface ApiContextValue {
  client: ApiClient;
  hub: EventHub;
  connection: Connection;
  /** True while the live events socket is open. */
  connected: boolean;
}

export const ApiContext = createContext<ApiContextValue | null>(null);
