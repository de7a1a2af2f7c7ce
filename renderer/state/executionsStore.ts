import type { ExecutionRow } from '../../master-core/protocol/api';

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
