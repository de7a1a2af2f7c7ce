/**
 * Code tables operators know from SSISDB (catalog.executions.status, message_type, ...).
 * The numbers are SSIS's own; see docs/protocol.md.
 */

export const ExecutionStatus = {
  created: 1,
  running: 2,
  canceled: 3,
  failed: 4,
  pending: 5,
  endedUnexpectedly: 6,
  succeeded: 7,
  stopping: 8,
  completed: 9,
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export const executionStatusNames: Record<ExecutionStatus, string> = {
  1: 'Created',
  2: 'Running',
  3: 'Canceled',
  4: 'Failed',
  5: 'Pending',
  6: 'Ended unexpectedly',
  7: 'Succeeded',
  8: 'Stopping',
  9: 'Completed',
};

/** Statuses after which an execution never changes again. */
export const terminalStatuses: ReadonlySet<number> = new Set([3, 4, 6, 7, 9]);

export const MessageType = {
  unknown: -1,
  preValidate: 10,
  postValidate: 20,
  preExecute: 30,
  postExecute: 40,
  statusChange: 50,
  progress: 60,
  information: 70,
  variableValueChanged: 80,
  diagnostic: 90,
  queryCancel: 100,
  warning: 110,
  error: 120,
  taskFailed: 130,
  diagnosticEx: 140,
  custom: 200,
  nonDiagnostic: 400,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const messageTypeNames: Record<number, string> = Object.fromEntries(
  Object.entries(MessageType).map(([name, code]) => [code, name[0]!.toUpperCase() + name.slice(1)]),
);

export const MessageSourceType = {
  entryApi: 10,
  externalProcess: 20,
  packageObject: 30,
  controlFlowTask: 40,
  controlFlowContainer: 50,
  dataFlowTask: 60,
} as const;
export type MessageSourceType = (typeof MessageSourceType)[keyof typeof MessageSourceType];

export const LoggingLevel = {
  none: 0,
  basic: 1,
  performance: 2,
  verbose: 3,
  runtimeLineage: 4,
  custom: 100,
} as const;
export type LoggingLevel = (typeof LoggingLevel)[keyof typeof LoggingLevel];

/** Message types kept at each logging level (SSIS: Basic logs all but custom and diagnostic). */
export function isLoggedAt(level: number, messageType: number): boolean {
  if (messageType === MessageType.error || messageType === MessageType.taskFailed) return level >= 0;
  if (level === LoggingLevel.none) return false;
  if (level === LoggingLevel.performance) return messageType === MessageType.warning;
  if (level === LoggingLevel.basic) {
    return (
      messageType !== MessageType.custom &&
      messageType !== MessageType.diagnostic &&
      messageType !== MessageType.diagnosticEx
    );
  }
  return true;
}

/** SSIS operation types (catalog.operations.operation_type). */
export const OperationType = {
  deployProject: 101,
  restoreProject: 106,
  execution: 200,
  stopOperation: 202,
} as const;
