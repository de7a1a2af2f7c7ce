import { WORKER_STATES } from '../../protocol/api';
import type { HandlerDeps, HandlerGroup } from './context';

const MINUTE_MS = 60_000;
/** The dashboard's throughput window, in minutes. */
export const DASHBOARD_MINUTES = 60;

/** Scale Out Manager's dashboard: this master's uptime, the fleet by state, the queue and throughput. */
export function dashboardHandlers(deps: HandlerDeps): HandlerGroup<'master.dashboard'> {
  return {
    'master.dashboard': async () => {
      const nowMs = Date.now();
      const currentMinute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
      const firstMinute = currentMinute - (DASHBOARD_MINUTES - 1) * MINUTE_MS;
      const [workers, activity] = await Promise.all([
        deps.listWorkers(),
        deps.repos.executionQueries.activity(firstMinute),
      ]);
      // Counted from the same rows worker.list returns, so both views always agree.
      const workersByState = Object.fromEntries(WORKER_STATES.map((state) => [state, 0])) as Record<
        (typeof WORKER_STATES)[number],
        number
      >;
      for (const worker of workers) workersByState[worker.state] += 1;
      const executionsPerMinute = Array.from({ length: DASHBOARD_MINUTES }, (_, i) => {
        const minute = new Date(firstMinute + i * MINUTE_MS).toISOString();
        return { minute, ...(activity.perMinute.get(minute) ?? { started: 0, succeeded: 0, failed: 0 }) };
      });
      return {
        startedAt: new Date(deps.startedAtMs).toISOString(),
        uptimeSeconds: Math.max(0, Math.floor((nowMs - deps.startedAtMs) / 1000)),
        workersByState,
        queueDepth: activity.queueDepth,
        running: activity.running,
        executionsPerMinute,
      };
    },
  };
}
