// The console's view of executions, as a user would see them: one live subscription.
import type { ApiClient } from '../master-core/protocol/apiClient';
import { ExecutionStatus, terminalStatuses } from '../master-core/protocol/codes';

/**
 * One live subscription, connected before anything is submitted, that records when each execution
 * was first seen running (assigned to a worker) and finished. No event can be missed.
 */
export async function createTracker(client: ApiClient) {
  const times = new Map<number, { started?: number; ended?: number; attempts: number }>();
  const waiters: {
    id: number;
    kind: 'started' | 'ended';
    attempts: number;
    resolve: (ms: number) => void;
  }[] = [];
  const settle = () => {
    for (const w of [...waiters]) {
      const t = times.get(w.id);
      const ms = t && t.attempts >= w.attempts ? t[w.kind] : undefined;
      if (ms !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(ms);
      }
    }
  };
  let stop: () => void = () => undefined;
  await new Promise<void>((connected) => {
    stop = client.subscribe(
      (event) => {
        if (event.type !== 'execution:changed') return;
        const e = event.execution;
        const now = performance.now();
        const t = times.get(e.executionId) ?? { attempts: 0 };
        if (e.attempts > t.attempts) {
          t.attempts = e.attempts;
          delete t.started;
        }
        if (e.status === ExecutionStatus.running || terminalStatuses.has(e.status)) t.started ??= now;
        if (terminalStatuses.has(e.status)) t.ended ??= now;
        times.set(e.executionId, t);
        settle();
      },
      (up) => up && connected(),
    );
  });
  return {
    /** When the execution's attempt number `attempts` (default 1) started, or it ended. */
    until: (id: number, kind: 'started' | 'ended', attempts = 1) =>
      new Promise<number>((resolve) => {
        waiters.push({ id, kind, attempts, resolve });
        settle();
      }),
    stop: () => stop(),
  };
}
