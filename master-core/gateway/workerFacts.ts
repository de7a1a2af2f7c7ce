import type { WorkerRecord } from '../catalog/workersRepo';
import type { WorkerFacts } from '../execution/workerState';
import type { WorkerSession } from './workerSession';

export interface FactsSettings {
  heartbeatIntervalMs: number;
  offlineAfterMs: number;
  minAgentVersion: string;
}

/** A worker's facts from its catalog record and, when connected, its live session. */
export function factsOf(
  record: WorkerRecord,
  session: WorkerSession | undefined,
  running: number,
  settings: FactsSettings,
  nowMs: number,
): WorkerFacts {
  return {
    name: record.display_name,
    workerId: record.worker_agent_id,
    tags: JSON.parse(record.tags_json) as string[],
    enabled: record.is_enabled === 1,
    draining: record.draining === 1,
    connected: session !== undefined,
    lastSeenMs: session?.lastSeenMs ?? Date.parse(record.last_online_time),
    nowMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    offlineAfterMs: settings.offlineAfterMs,
    running: session ? Math.max(session.assigned.size, running) : running,
    maxTasks: record.max_tasks,
    cpuPercent: session?.health?.cpuPercent ?? null,
    freeMemoryBytes: session?.health?.freeMemoryBytes ?? null,
    maxCpuPercent: session?.limits.maxCpuPercent ?? record.max_cpu_percent,
    minFreeMemoryBytes: session?.limits.minFreeMemoryBytes ?? record.min_free_memory_bytes,
    agentVersion: session?.agentVersion ?? record.agent_version,
    minAgentVersion: settings.minAgentVersion,
  };
}

/** Facts of a connected session alone (the dispatcher's hot path: no catalog read). */
export function sessionFacts(session: WorkerSession, settings: FactsSettings, nowMs: number): WorkerFacts {
  return {
    name: session.name,
    workerId: session.workerId,
    tags: session.tags,
    enabled: session.enabled,
    draining: session.draining,
    connected: true,
    lastSeenMs: session.lastSeenMs,
    nowMs,
    heartbeatIntervalMs: settings.heartbeatIntervalMs,
    offlineAfterMs: settings.offlineAfterMs,
    running: session.assigned.size,
    maxTasks: session.maxTasks,
    cpuPercent: session.health?.cpuPercent ?? null,
    freeMemoryBytes: session.health?.freeMemoryBytes ?? null,
    maxCpuPercent: session.limits.maxCpuPercent,
    minFreeMemoryBytes: session.limits.minFreeMemoryBytes,
    agentVersion: session.agentVersion,
    minAgentVersion: settings.minAgentVersion,
  };
}
