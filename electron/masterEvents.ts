import WebSocket from 'ws';
import { createApiClient } from '../master-core/protocol/apiClient';
import type { ApiClient, EventSocket } from '../master-core/protocol/apiClient';
import type { Logger } from '../master-core/logger';
import { failureNotice } from './failureNotice';
import type { FailureNotice } from './failureNotice';

/** The console API client the desktop shell uses, with the `ws` package for the event stream. */
export function createDesktopClient(consoleUrl: string, token: string): ApiClient {
  return createApiClient({
    baseUrl: consoleUrl,
    token,
    createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as EventSocket,
  });
}

/** How many failed executions we remember, so a repeated event does not notify twice. */
const REMEMBERED_FAILURES = 1_000;

/**
 * Follows the master's live events and calls `onFailure` once per execution that ends Failed (4)
 * or Ended unexpectedly (6). Returns the function that stops following.
 */
export function watchExecutionFailures(
  client: ApiClient,
  log: Logger,
  onFailure: (notice: FailureNotice) => void,
): () => void {
  const notified = new Set<number>();
  return client.subscribe(
    (event) => {
      const notice = failureNotice(event);
      if (!notice || notified.has(notice.executionId)) return;
      notified.add(notice.executionId);
      if (notified.size > REMEMBERED_FAILURES) {
        const oldest = notified.values().next().value;
        if (oldest !== undefined) notified.delete(oldest);
      }
      onFailure(notice);
    },
    (connected) => log.debug(`event stream ${connected ? 'connected' : 'disconnected'}`),
  );
}
