import type { Targeting } from '../protocol/api';
import { isTargetAllowed } from './eligibility';

export type WorkerStateName =
  'online' | 'busy' | 'draining' | 'disabled' | 'suspect' | 'offline' | 'outdated';

/** What the master knows of one worker at one moment. */
export interface WorkerFacts {
  name: string;
  workerId: string;
  tags: readonly string[];
  enabled: boolean;
  draining: boolean;
  connected: boolean;
  lastSeenMs: number;
  nowMs: number;
  heartbeatIntervalMs: number;
  offlineAfterMs: number;
  running: number;
  maxTasks: number;
  cpuPercent: number | null;
  freeMemoryBytes: number | null;
  maxCpuPercent: number;
  minFreeMemoryBytes: number;
  agentVersion: string;
  minAgentVersion: string;
}

/** Compares dotted versions numerically ("0.10.0" > "0.9.3"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/**
 * The worker's state, with the reason an operator reads in the health view. Only `online` takes
 * new work; `busy` is online but full or over its CPU/memory limits.
 */
export function workerState(f: WorkerFacts): { state: WorkerStateName; reason: string } {
  const silentMs = f.nowMs - f.lastSeenMs;
  if (!f.connected || silentMs > f.offlineAfterMs) {
    return { state: 'offline', reason: `not connected; last seen ${seconds(Math.max(0, silentMs))} ago` };
  }
  if (compareVersions(f.agentVersion, f.minAgentVersion) < 0) {
    return {
      state: 'outdated',
      reason: `agent ${f.agentVersion} is older than the ${f.minAgentVersion} this master requires`,
    };
  }
  if (!f.enabled) return { state: 'disabled', reason: 'disabled: enable it to let it take work' };
  if (f.draining) return { state: 'draining', reason: `draining: ${f.running} running, taking no new work` };
  if (silentMs > 2 * f.heartbeatIntervalMs) {
    return {
      state: 'suspect',
      reason: `no heartbeat for ${seconds(silentMs)} (expected every ${seconds(f.heartbeatIntervalMs)})`,
    };
  }
  if (f.running >= f.maxTasks) return { state: 'busy', reason: `busy ${f.running}/${f.maxTasks}` };
  if (f.cpuPercent !== null && f.cpuPercent > f.maxCpuPercent) {
    return { state: 'busy', reason: `CPU ${Math.round(f.cpuPercent)}% > ${f.maxCpuPercent}%` };
  }
  if (f.freeMemoryBytes !== null && f.freeMemoryBytes < f.minFreeMemoryBytes) {
    return { state: 'busy', reason: `free memory ${mib(f.freeMemoryBytes)} < ${mib(f.minFreeMemoryBytes)}` };
  }
  return { state: 'online', reason: f.running > 0 ? `running ${f.running}/${f.maxTasks}` : 'idle' };
}

/** Why this worker cannot run this execution now, or null when it can. */
export function whyNotEligible(f: WorkerFacts, targeting: Targeting): string | null {
  if (!isTargetAllowed(targeting, f)) {
    if (targeting.kind === 'workers')
      return `not in the execution's worker list (${targeting.names.join(', ')})`;
    if (targeting.kind === 'tags') {
      return `tags do not match (needs ${targeting.tags.join(', ')}; has ${f.tags.length ? f.tags.join(', ') : 'none'})`;
    }
  }
  const { state, reason } = workerState(f);
  return state === 'online' ? null : reason;
}

/**
 * Whether any registered worker could ever take the execution: it must allow it by targeting and be
 * enabled and recent enough. Load, connection and draining pass; configuration does not.
 */
export function couldEverRun(workers: readonly WorkerFacts[], targeting: Targeting): boolean {
  return workers.some(
    (w) =>
      isTargetAllowed(targeting, w) && w.enabled && compareVersions(w.agentVersion, w.minAgentVersion) >= 0,
  );
}
