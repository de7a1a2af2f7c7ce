import type { ExecutionRow } from '../../master-core/protocol/api';
import { ExecutionStatus } from '../../master-core/protocol/codes';

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
