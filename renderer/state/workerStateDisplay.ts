import { WORKER_STATES } from '../../master-core/protocol/api';
import type { WorkerRow } from '../../master-core/protocol/api';

/** How a worker's state reads and is coloured in Scale Out Manager and the health view. */

export type WorkerStateName = WorkerRow['state'];
export type WorkerStateColor = 'success' | 'info' | 'warning' | 'error' | 'default';

export const ALL_WORKER_STATES: readonly WorkerStateName[] = WORKER_STATES;

/** "Online", "Draining". */
export function workerStateLabel(state: WorkerStateName): string {
  return state[0]!.toUpperCase() + state.slice(1);
}

const colors: Record<WorkerStateName, WorkerStateColor> = {
  online: 'success',
  busy: 'info',
  draining: 'warning',
  disabled: 'default',
  suspect: 'warning',
  offline: 'default',
  outdated: 'error',
};

export function workerStateColor(state: WorkerStateName): WorkerStateColor {
  return colors[state];
}

/** Sorting by state puts what needs the operator first: outdated, offline, suspect, then the rest. */
const attentionRank: Record<WorkerStateName, number> = {
  outdated: 0,
  offline: 1,
  suspect: 2,
  busy: 3,
  draining: 4,
  disabled: 5,
  online: 6,
};

export function workerStateRank(state: WorkerStateName): number {
  return attentionRank[state];
}
