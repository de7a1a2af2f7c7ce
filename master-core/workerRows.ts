import type { WorkerRow } from './protocol/api';
import type { WorkersRepo } from './catalog/workersRepo';
import type { WorkerSession } from './gateway/workerSession';

/** Joins the catalog's worker records with the live sessions into what the console shows. */
export async function listWorkerRows(
  workers: WorkersRepo,
  sessions: ReadonlyMap<string, WorkerSession>,
  offlineAfterMs: number,
): Promise<WorkerRow[]> {
  const [records, running] = await Promise.all([workers.list(), workers.runningCounts()]);
  const now = Date.now();
  return records.map((r) => {
    const live = sessions.get(r.worker_agent_id);
    return {
      workerId: r.worker_agent_id,
      name: r.display_name,
      description: r.description,
      machineName: r.machine_name,
      tags: JSON.parse(r.tags_json) as string[],
      enabled: r.is_enabled === 1,
      online: live !== undefined && now - live.lastSeenMs <= offlineAfterMs,
      maxTasks: r.max_tasks,
      runningTasks: running.get(r.worker_agent_id) ?? 0,
      cpuPercent: live?.health?.cpuPercent ?? null,
      freeMemoryBytes: live?.health?.freeMemoryBytes ?? null,
      totalMemoryBytes: r.total_memory_bytes,
      cpuCount: r.cpu_count,
      os: r.os,
      agentVersion: r.agent_version,
      lastSeenAt: live ? new Date(live.lastSeenMs).toISOString() : r.last_online_time,
    };
  });
}
