import type { ApiOutput } from '../master-core/protocol/api';
import type { ApiClient } from '../master-core/protocol/apiClient';

/** What the tray icon says about the fleet: workers online, executions running, failures in the last hour. */

export type Dashboard = ApiOutput<'master.dashboard'>;

export interface TrayStatus {
  workersOnline: number;
  workersTotal: number;
  running: number;
  queued: number;
  failedLastHour: number;
  /** One line for the tooltip (Linux trays show only this). */
  tooltip: string;
  /** The tray menu's read-only status lines. */
  lines: string[];
  /** 'attention' when something failed in the last hour or no worker is online. */
  severity: 'ok' | 'attention';
}

/** States in which a worker is connected and counted as online in the tray. */
const CONNECTED_STATES = ['online', 'busy', 'draining', 'disabled', 'suspect', 'outdated'] as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summarizeTray(dashboard: Dashboard, productName = 'Scale Out Console'): TrayStatus {
  const byState = dashboard.workersByState;
  const workersTotal = Object.values(byState).reduce((a, b) => a + b, 0);
  const workersOnline = CONNECTED_STATES.reduce((sum, state) => sum + (byState[state] ?? 0), 0);
  const failedLastHour = dashboard.executionsPerMinute.reduce((sum, m) => sum + m.failed, 0);
  const running = dashboard.running;
  const queued = dashboard.queueDepth;
  const lines = [
    `Workers: ${workersOnline} of ${workersTotal} online`,
    `Executions: ${running} running, ${queued} queued`,
    `Failed in the last hour: ${failedLastHour}`,
  ];
  const severity = failedLastHour > 0 || workersOnline === 0 ? 'attention' : 'ok';
  const tooltip = `${productName}: ${plural(workersOnline, 'worker')} online, ${running} running, ${failedLastHour} failed in the last hour`;
  return { workersOnline, workersTotal, running, queued, failedLastHour, tooltip, lines, severity };
}

export async function readTrayStatus(client: ApiClient): Promise<TrayStatus> {
  return summarizeTray(await client.call('master.dashboard', {}));
}
