import type { ConsoleEvent } from '../master-core/protocol/api';
import { ExecutionStatus, executionStatusNames } from '../master-core/protocol/codes';

/** Which live events deserve a desktop notification, and what it says. Pure, unit-tested. */

export interface FailureNotice {
  executionId: number;
  title: string;
  body: string;
}

const NOTICE_ERROR_MAX_LENGTH = 200;
const failedStatuses: ReadonlySet<number> = new Set([
  ExecutionStatus.failed,
  ExecutionStatus.endedUnexpectedly,
]);

function shorten(text: string, maxLength: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxLength ? oneLine : `${oneLine.slice(0, maxLength - 1)}…`;
}

/** A notice for an execution that ended in Failed (4) or Ended unexpectedly (6); null for anything else. */
export function failureNotice(event: ConsoleEvent): FailureNotice | null {
  if (event.type !== 'execution:changed') return null;
  const { execution } = event;
  if (!failedStatuses.has(execution.status)) return null;
  const statusName = executionStatusNames[execution.status as ExecutionStatus];
  const where = execution.workerName ? ` on ${execution.workerName}` : '';
  const lines = [`${execution.folderName}/${execution.projectName}/${execution.packageName}${where}`];
  if (execution.lastError) lines.push(shorten(execution.lastError, NOTICE_ERROR_MAX_LENGTH));
  return {
    executionId: execution.executionId,
    title: `Execution ${execution.executionId}: ${statusName}`,
    body: lines.join('\n'),
  };
}
