import WebSocket from 'ws';
import { createApiClient } from '../../master-core/protocol/apiClient';
import type { ApiClient, EventSocket } from '../../master-core/protocol/apiClient';
import type { ExecutionRow } from '../../master-core/protocol/api';

/** The console API client as a Node program uses it (Node 20 has no global WebSocket). */
export function nodeClient(baseUrl: string, token: string): ApiClient {
  return createApiClient({
    baseUrl,
    token,
    createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as EventSocket,
  });
}

/**
 * Resolves with the first state of an execution that satisfies the predicate: checked once the
 * event stream is connected and again on each of the execution's events. Never sleeps.
 */
export function waitForExecution(
  client: ApiClient,
  executionId: number,
  predicate: (execution: ExecutionRow) => boolean,
): Promise<ExecutionRow> {
  return new Promise((resolve, reject) => {
    let done = false;
    const check = () =>
      client.call('execution.get', { executionId }).then(({ execution }) => {
        if (!done && predicate(execution)) {
          done = true;
          stop();
          resolve(execution);
        }
      }, reject);
    const stop = client.subscribe(
      (event) => {
        if (event.type === 'execution:changed' && event.execution.executionId === executionId) void check();
      },
      (connected) => {
        if (connected) void check();
      },
    );
  });
}
