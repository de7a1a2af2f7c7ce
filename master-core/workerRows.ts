import type { WorkerRow } from './protocol/api';
import type { WorkersRepo } from './catalog/workersRepo';
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
  return records.map((r) => {
    const live = sessions.get(r.worker_agent_id);
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
  });
}
