import type { WorkerRow } from './protocol/api';
import type { WorkerRecord, WorkersRepo } from './catalog/workersRepo';
import type { WorkerSession } from './gateway/workerSession';
import { factsOf } from './gateway/workerFacts';
import type { FactsSettings } from './gateway/workerFacts';
import { workerState } from './execution/workerState';

/** Joins the catalog's worker records with the live sessions into what the console shows. */
export async function listWorkerRows(
  workers: WorkersRepo,
  sessions: ReadonlyMap<string, WorkerSession>,
  settings: FactsSettings,
): Promise<WorkerRow[]> {
  const [records, running] = await Promise.all([workers.list(), workers.runningCounts()]);
  const now = Date.now();
  return records.map((r) => workerRow(r, sessions.get(r.worker_agent_id), running, settings, now));
}

/**
 * One worker's row, as worker.list shows it, or undefined when the catalog has no such worker.
 * What a heartbeat publishes: reading every worker per heartbeat made the fleet's cost quadratic.
 */
export async function getWorkerRow(
  workers: WorkersRepo,
  sessions: ReadonlyMap<string, WorkerSession>,
  settings: FactsSettings,
  workerId: string,
): Promise<WorkerRow | undefined> {
  const [record, running] = await Promise.all([workers.get(workerId), workers.runningCount(workerId)]);
  if (!record) return undefined;
  return workerRow(record, sessions.get(workerId), new Map([[workerId, running]]), settings, Date.now());
}

function workerRow(
  r: WorkerRecord,
  live: WorkerSession | undefined,
  running: ReadonlyMap<string, number>,
  settings: FactsSettings,
  now: number,
): WorkerRow {
  const facts = factsOf(r, live, running.get(r.worker_agent_id) ?? 0, settings, now);
  const { state, reason } = workerState(facts);
  return {
    workerId: r.worker_agent_id,
    name: r.display_name,
    description: r.description,
    machineName: r.machine_name,
    tags: facts.tags as string[],
    enabled: facts.enabled,
    draining: facts.draining,
    state,
    stateReason: r.revoked_time && !live ? `revoked at ${r.revoked_time}` : reason,
    online: state !== 'offline',
    maxTasks: r.max_tasks,
    runningTasks: running.get(r.worker_agent_id) ?? 0,
    cpuPercent: facts.cpuPercent,
    freeMemoryBytes: facts.freeMemoryBytes,
    totalMemoryBytes: live?.health?.totalMemoryBytes ?? r.total_memory_bytes,
    freeDiskBytes: live?.health?.freeDiskBytes ?? null,
    loadAverage: live?.health?.loadAverage ?? null,
    cpuCount: r.cpu_count,
    os: r.os,
    agentVersion: facts.agentVersion,
    maxCpuPercent: facts.maxCpuPercent,
    minFreeMemoryBytes: facts.minFreeMemoryBytes,
    lastSeenAt: live ? new Date(live.lastSeenMs).toISOString() : r.last_online_time,
    revokedAt: r.revoked_time ?? null,
  };
}
