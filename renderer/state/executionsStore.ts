import type { ExecutionRow } from '../../master-core/protocol/api';
import { ExecutionStatus } from '../../master-core/protocol/codes';

/** How many executions the All Executions view asks for and keeps. */
export const EXECUTION_LIST_LIMIT = 200;

/** Newest first: a higher executionId is a later execution. */
function byNewest(a: ExecutionRow, b: ExecutionRow): number {
  return b.executionId - a.executionId;
}

/**
 * Inserts or replaces one execution (matched by executionId), keeps the list newest first and
 * at most `maxRows` long. Returns a new array; the input is never changed.
 */
export function upsertExecution(
  rows: readonly ExecutionRow[],
  row: ExecutionRow,
  maxRows = EXECUTION_LIST_LIMIT,
): ExecutionRow[] {
  const index = rows.findIndex((r) => r.executionId === row.executionId);
  let next: ExecutionRow[];
  if (index >= 0) {
    next = rows.slice();
    next[index] = row;
    // An existing row keeps its place: ids never change, so order is already right.
    return next;
  }
  next = [...rows, row].sort(byNewest);
  return next.length > maxRows ? next.slice(0, maxRows) : next;
}

/**
 * Combines a freshly loaded list with the events that arrived while it was loading. Events are
 * replayed in arrival order over the snapshot, so a change the snapshot missed is not lost and
 * the last event for an execution wins.
 */
export function applySnapshot(
  snapshot: readonly ExecutionRow[],
  eventsSinceRequest: readonly ExecutionRow[],
  maxRows = EXECUTION_LIST_LIMIT,
): ExecutionRow[] {
  const base = [...snapshot].sort(byNewest).slice(0, maxRows);
  return eventsSinceRequest.reduce((rows, row) => upsertExecution(rows, row, maxRows), base);
}

/**
 * A page of the All Executions report after an execution:changed event: the changed execution
 * replaces its row in place when it is on the page (the same array comes back when it is not;
 * a refetch of the page then brings in new executions and the new total).
 */
export function patchPage(rows: readonly ExecutionRow[], changed: ExecutionRow): readonly ExecutionRow[] {
  const index = rows.findIndex((r) => r.executionId === changed.executionId);
  if (index < 0) return rows;
  const next = rows.slice();
  next[index] = changed;
  return next;
}

/** Stop applies to queued (Pending) and Running executions. */
export function isStoppable(row: Pick<ExecutionRow, 'status'>): boolean {
  return row.status === ExecutionStatus.pending || row.status === ExecutionStatus.running;
}

/** The selected executions Stop acts on, in the page's order. */
export function stoppableSelection(
  rows: readonly ExecutionRow[],
  selectedIds: ReadonlySet<number>,
): number[] {
  return rows.filter((r) => selectedIds.has(r.executionId) && isStoppable(r)).map((r) => r.executionId);
}

export interface StopFailure {
  executionId: number;
  message: string;
}

/** What Stop of several says: how many stopped, and each refusal with the master's reason. */
export function stopSummary(stopped: number, failures: readonly StopFailure[]): string {
  const done = `${stopped} execution${stopped === 1 ? '' : 's'} stopped`;
  if (failures.length === 0) return `${done}.`;
  return `${done}; ${failures.length} could not be stopped.`;
}

/**
 * The grid's selection as ids of the shown page. MUI X's "select all" gives an exclude model
 * (everything but `ids`); only rows of the page count, since the others are not loaded.
 */
export function selectedOnPage(
  model: { type: 'include' | 'exclude'; ids: ReadonlySet<unknown> },
  rows: readonly ExecutionRow[],
): Set<number> {
  return new Set(
    rows
      .filter((r) =>
        model.type === 'include' ? model.ids.has(r.executionId) : !model.ids.has(r.executionId),
      )
      .map((r) => r.executionId),
  );
}
