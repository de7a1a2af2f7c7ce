import type { ApiOutput } from '../../master-core/protocol/api';

export type MachinePreview = ApiOutput<'execution.preview'>;

/** "3 of 5 workers eligible now", or why none could ever take the executions. */
export function previewSummary(preview: MachinePreview): string {
  const total = preview.workers.length;
  if (total === 0) return 'No workers have enrolled yet: the executions will wait for one.';
  if (preview.neverRunnable)
    return `0 of ${total} worker${total === 1 ? '' : 's'} eligible: no enabled worker could ever take these executions.`;
  return `${preview.eligibleWorkers} of ${total} worker${total === 1 ? '' : 's'} eligible now${
    preview.eligibleWorkers === 0 ? ': the executions will wait in the queue' : ''
  }`;
}

/** Workers that cannot take the executions now, with why; eligible ones first in the list. */
export function previewRows(preview: MachinePreview) {
  return [...preview.workers].sort(
    (a, b) => Number(b.eligible) - Number(a.eligible) || a.name.localeCompare(b.name),
  );
}
