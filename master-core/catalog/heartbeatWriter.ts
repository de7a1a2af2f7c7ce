import type { Db } from './db';
import type { WorkerHealth } from '../protocol/wire';
import type { HealthSample } from '../protocol/api';

/** Health samples kept per worker: an hour at the default 5 s heartbeat. */
export const HEALTH_HISTORY_SAMPLES = 720;

/** Samples a worker may gather beyond the history before its old ones are pruned (one DELETE per 60). */
const PRUNE_EVERY = 60;

export interface HeartbeatWriterOptions {
  /** How long a heartbeat may wait in memory before it is written (default 1 s). */
  flushEveryMs?: number;
  /** A failed write: the samples of that batch are lost (health history only), the next batch goes on. */
  onError?: (error: unknown) => void;
}

interface Pending {
  lastOnlineMs: number;
  samples: HealthSample[];
}

/**
 * Writes heartbeats (a worker's last-online time and its health sample) in one transaction per
 * interval for the whole fleet, instead of a transaction with an fsync per heartbeat: at 1,000
 * agents that was 200 commits a second. What waits in memory is at most one interval of health
 * history, shown by `pendingSamples` meanwhile; no state transition goes through here.
 */
export function createHeartbeatWriter(db: Db, options: HeartbeatWriterOptions = {}) {
  const flushEveryMs = options.flushEveryMs ?? 1_000;
  let pending = new Map<string, Pending>();
  const sincePruned = new Map<string, number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let flushing: Promise<void> = Promise.resolve();

  function record(workerId: string, health: WorkerHealth, nowMs = Date.now()): void {
    const entry = pending.get(workerId) ?? { lastOnlineMs: nowMs, samples: [] };
    entry.lastOnlineMs = Math.max(entry.lastOnlineMs, nowMs);
    entry.samples.push({
      timeMs: nowMs,
      cpuPercent: health.cpuPercent,
      freeMemoryBytes: health.freeMemoryBytes,
      freeDiskBytes: health.freeDiskBytes ?? null,
      runningTasks: health.runningAttemptIds.length,
    });
    pending.set(workerId, entry);
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        void flush();
      }, flushEveryMs);
      timer.unref();
    }
  }

  /** Samples recorded and not yet written, oldest first. */
  function pendingSamples(workerId: string): HealthSample[] {
    return [...(pending.get(workerId)?.samples ?? [])];
  }

  /** Writes what waits now; resolves when it (and any write before it) is in the catalog. */
  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const batch = pending;
    pending = new Map();
    flushing = flushing.then(() => (batch.size > 0 ? write(batch) : undefined));
    return flushing;
  }

  async function write(batch: Map<string, Pending>): Promise<void> {
    try {
      await db.transaction(async (tx) => {
        for (const [workerId, entry] of batch) {
          await tx.run('UPDATE worker_agents SET last_online_time = ? WHERE worker_agent_id = ?', [
            new Date(entry.lastOnlineMs).toISOString(),
            workerId,
          ]);
          await tx.run(
            `INSERT INTO worker_health (worker_agent_id, sample_time_ms, cpu_percent, free_memory_bytes, free_disk_bytes, running_tasks)
             VALUES ${entry.samples.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
            entry.samples.flatMap((s) => [
              workerId,
              s.timeMs,
              s.cpuPercent,
              s.freeMemoryBytes,
              s.freeDiskBytes,
              s.runningTasks,
            ]),
          );
          const since = (sincePruned.get(workerId) ?? PRUNE_EVERY) + entry.samples.length;
          if (since >= PRUNE_EVERY) {
            await tx.run(
              `DELETE FROM worker_health WHERE worker_agent_id = ? AND sample_time_ms <
                 (SELECT sample_time_ms FROM worker_health WHERE worker_agent_id = ? ORDER BY sample_time_ms DESC LIMIT 1 OFFSET ?)`,
              [workerId, workerId, HEALTH_HISTORY_SAMPLES - 1],
            );
            sincePruned.set(workerId, 0);
          } else {
            sincePruned.set(workerId, since);
          }
        }
      });
    } catch (error) {
      options.onError?.(error);
    }
  }

  return { record, pendingSamples, flush };
}

export type HeartbeatWriter = ReturnType<typeof createHeartbeatWriter>;
