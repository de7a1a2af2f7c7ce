import type { WorkerRow } from '../../master-core/protocol/api';
import { memoryUsedPercent } from './healthSamples';
import { workerStateRank } from './workerStateDisplay';
import type { WorkerStateName } from './workerStateDisplay';

/** Sorting, filtering and heartbeat age of the Worker Health view, as plain functions. */

export type HealthSortKey = 'name' | 'state' | 'cpu' | 'memory' | 'heartbeat';
export type SortDirection = 'asc' | 'desc';

export interface HealthSort {
  key: HealthSortKey;
  direction: SortDirection;
}

export interface HealthFilter {
  /** Shown states; empty shows every state. */
  states: readonly WorkerStateName[];
  /** A worker must carry every one of these tags. */
  tags: readonly string[];
  /** Part of the name or machine name, any case. */
  text: string;
}

export const NO_FILTER: HealthFilter = { states: [], tags: [], text: '' };

export function filterWorkers(rows: readonly WorkerRow[], filter: HealthFilter): WorkerRow[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter(
    (w) =>
      (filter.states.length === 0 || filter.states.includes(w.state)) &&
      filter.tags.every((t) => w.tags.includes(t)) &&
      (text === '' || w.name.toLowerCase().includes(text) || w.machineName.toLowerCase().includes(text)),
  );
}

/** Every tag any worker carries, sorted, for the tag filter. */
export function allTags(rows: readonly WorkerRow[]): string[] {
  return [...new Set(rows.flatMap((w) => w.tags))].sort((a, b) => a.localeCompare(b));
}

const byName = (a: WorkerRow, b: WorkerRow) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.workerId.localeCompare(b.workerId);

/** Sort value of a row; null (not reported) always sorts last, whatever the direction. */
function sortValue(w: WorkerRow, key: Exclude<HealthSortKey, 'name'>): number | null {
  switch (key) {
    case 'state':
      return workerStateRank(w.state);
    case 'cpu':
      return w.cpuPercent;
    case 'memory':
      return memoryUsedPercent(w.freeMemoryBytes, w.totalMemoryBytes);
    case 'heartbeat': {
      const ms = Date.parse(w.lastSeenAt);
      // Ascending heartbeat = freshest first, so the age (not the time) is what ascends.
      return Number.isNaN(ms) ? null : -ms;
    }
  }
}

export function sortWorkersBy(rows: readonly WorkerRow[], sort: HealthSort): WorkerRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  if (sort.key === 'name') return [...rows].sort((a, b) => sign * byName(a, b));
  const key = sort.key;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null || vb === null) return va === vb ? byName(a, b) : va === null ? 1 : -1;
    return sign * (va - vb) || byName(a, b);
  });
}

/** "just now", "12 s ago", "3 min 05 s ago", "2 h 04 min ago", "5 d ago". */
export function heartbeatAgeText(lastSeenAt: string, nowMs: number): string {
  const seenMs = Date.parse(lastSeenAt);
  if (Number.isNaN(seenMs)) return 'never';
  const seconds = Math.max(0, Math.floor((nowMs - seenMs) / 1000));
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** Rows [start, end) a fixed-row-height list shows at this scroll position, with overscan. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 4,
): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  return {
    start: Math.max(0, Math.min(count, first - overscan)),
    end: Math.min(count, first + shown + overscan),
  };
}
