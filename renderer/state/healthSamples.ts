import type { HealthSample, WorkerRow } from '../../master-core/protocol/api';

/** Bounded per-worker health history: samples from worker.health plus live worker:changed rows. */

/** How far back the sparklines look. */
export const HEALTH_WINDOW_MS = 10 * 60_000;
/** Most samples kept per worker (a heartbeat every 5 s fills 10 minutes with 120). */
export const MAX_SAMPLES_PER_WORKER = 180;
/** How many samples worker.health is asked for when a worker first scrolls into view. */
export const HISTORY_FETCH_LIMIT = 150;
/**
 * A live row and the stored sample of the same heartbeat carry times a few milliseconds apart (the
 * session and the catalog each read the clock); samples closer than this are one heartbeat.
 */
export const SAME_HEARTBEAT_MS = 1000;

/** The health sample a live worker row carries, or null when it carries none (offline, no report yet). */
export function sampleFromWorker(worker: WorkerRow): HealthSample | null {
  if (worker.cpuPercent === null || worker.freeMemoryBytes === null) return null;
  const timeMs = Date.parse(worker.lastSeenAt);
  if (Number.isNaN(timeMs)) return null;
  return {
    timeMs,
    cpuPercent: worker.cpuPercent,
    freeMemoryBytes: worker.freeMemoryBytes,
    freeDiskBytes: worker.freeDiskBytes,
    runningTasks: worker.runningTasks,
  };
}

export interface MergeOptions {
  nowMs: number;
  windowMs?: number;
  cap?: number;
}

/**
 * Adds samples to a buffer: oldest first, one sample per heartbeat (the later-added one wins), only
 * those inside the window, at most `cap`. Returns the same array when nothing changed, so React
 * memoization holds.
 */
export function mergeSamples(
  buffer: readonly HealthSample[],
  incoming: readonly HealthSample[],
  { nowMs, windowMs = HEALTH_WINDOW_MS, cap = MAX_SAMPLES_PER_WORKER }: MergeOptions,
): readonly HealthSample[] {
  if (incoming.length === 0) return buffer;
  const sorted = [...buffer, ...incoming].sort((a, b) => a.timeMs - b.timeMs);
  const merged: HealthSample[] = [];
  for (const sample of sorted) {
    const last = merged[merged.length - 1];
    if (last && sample.timeMs - last.timeMs < SAME_HEARTBEAT_MS) merged[merged.length - 1] = sample;
    else merged.push(sample);
  }
  const oldest = nowMs - windowMs;
  const kept = merged.filter((s) => s.timeMs >= oldest).slice(-cap);
  const unchanged = kept.length === buffer.length && kept.every((s, i) => s === buffer[i]);
  return unchanged ? buffer : kept;
}

/** Share of memory in use, 0-100, or null when the worker did not report its total. */
export function memoryUsedPercent(freeMemoryBytes: number | null, totalMemoryBytes: number): number | null {
  if (freeMemoryBytes === null || totalMemoryBytes <= 0) return null;
  return Math.min(100, Math.max(0, (1 - freeMemoryBytes / totalMemoryBytes) * 100));
}

export interface HealthSeries {
  cpu: { timeMs: number; value: number | null }[];
  /** Percent used when the total is known, else free bytes. */
  memory: { timeMs: number; value: number | null }[];
  disk: { timeMs: number; value: number | null }[];
  /** Top of each line's scale: 100 for percentages, the largest value for bytes. */
  memoryMax: number;
  diskMax: number;
}

const largest = (points: { value: number | null }[]) =>
  Math.max(1, ...points.map((p) => p.value).filter((v): v is number => v !== null));

/** The three sparkline series of one worker. */
export function healthSeries(samples: readonly HealthSample[], totalMemoryBytes: number): HealthSeries {
  const percent = totalMemoryBytes > 0;
  const memory = samples.map((s) => ({
    timeMs: s.timeMs,
    value: percent ? memoryUsedPercent(s.freeMemoryBytes, totalMemoryBytes) : s.freeMemoryBytes,
  }));
  const disk = samples.map((s) => ({ timeMs: s.timeMs, value: s.freeDiskBytes }));
  return {
    cpu: samples.map((s) => ({ timeMs: s.timeMs, value: s.cpuPercent })),
    memory,
    disk,
    memoryMax: percent ? 100 : largest(memory),
    diskMax: largest(disk),
  };
}
