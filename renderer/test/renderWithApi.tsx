import './setup';
import CssBaseline from '@mui/material/CssBaseline';
import { ThemeProvider } from '@mui/material/styles';
import { render } from '@testing-library/react';
import type { RenderResult } from '@testing-library/react';
import { useEffect, useMemo, useState } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { ApiContext } from '../connection/apiContext';
import type { ApiContextValue } from '../connection/apiContext';
import { createEventHub } from '../state/eventHub';
import { theme } from '../theme';
import { createFakeApiClient } from './fakeApiClient';
import type { FakeApiClient, FakeHandlers } from './fakeApiClient';

/** Gives a screen what ApiProvider gives it in the app, backed by a fake client. */
function FakeApiProvider({ client, children }: { client: FakeApiClient; children: ReactNode }) {
  const hub = useMemo(() => createEventHub(), []);
  const [connected, setConnected] = useState(false);
  useEffect(
    () =>
      client.subscribe(
        (event) => hub.emit({ kind: 'event', event }),
        (isConnected) => {
          setConnected(isConnected);
          hub.emit({ kind: 'status', connected: isConnected });
        },
      ),
    [client, hub],
  );
  const value = useMemo<ApiContextValue>(
    () => ({ client, hub, connected, connection: { baseUrl: 'http://127.0.0.1:8390', token: 'test-token' } }),
    [client, hub, connected],
  );
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export interface RenderWithApiResult extends RenderResult {
  api: FakeApiClient;
}

/** Renders `ui` in the console's theme with a fake API client answering from `handlers`. */
export function renderWithApi(
  ui: ReactElement,
  handlers: FakeHandlers | FakeApiClient = {},
): RenderWithApiResult {
  const api =
    'calls' in handlers ? (handlers as FakeApiClient) : createFakeApiClient(handlers as FakeHandlers);
  const result = render(
    <ThemeProvider theme={theme}>
      <CssBaseline />
      <FakeApiProvider client={api}>{ui}</FakeApiProvider>
    </ThemeProvider>,
  );
  return { ...result, api };
}
