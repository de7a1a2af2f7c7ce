import { ExecutionStatus, executionStatusNames } from '../../master-core/protocol/codes';

export type StatusColor = 'default' | 'info' | 'success' | 'error' | 'warning';

/** SSISDB's name for a status code ("Succeeded"); unknown codes still read sensibly. */
export function statusName(status: number): string {
  return (executionStatusNames as Record<number, string | undefined>)[status] ?? `Status ${status}`;
}

const colors = new Map<number, StatusColor>([
  [ExecutionStatus.created, 'default'],
  [ExecutionStatus.pending, 'default'],
  [ExecutionStatus.running, 'info'],
  [ExecutionStatus.stopping, 'warning'],
  [ExecutionStatus.canceled, 'warning'],
  [ExecutionStatus.succeeded, 'success'],
  [ExecutionStatus.completed, 'success'],
  [ExecutionStatus.failed, 'error'],
  [ExecutionStatus.endedUnexpectedly, 'error'],
]);

export function statusColor(status: number): StatusColor {
  return colors.get(status) ?? 'default';
}
