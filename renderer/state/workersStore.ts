import type { WorkerRow } from '../../master-core/protocol/api';

function byName(a: WorkerRow, b: WorkerRow): number {
  return (
    a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.workerId.localeCompare(b.workerId)
  );
}

/** Workers sorted by name (then id, since two machines may share a display name). */
export function sortWorkers(workers: readonly WorkerRow[]): WorkerRow[] {
  return [...workers].sort(byName);
}

/** Inserts or replaces one worker, matched by workerId; returns a new sorted array. */
export function upsertWorker(workers: readonly WorkerRow[], worker: WorkerRow): WorkerRow[] {
  return sortWorkers([...workers.filter((w) => w.workerId !== worker.workerId), worker]);
}
