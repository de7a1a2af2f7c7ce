import { MessageSourceType, MessageType, isLoggedAt } from '../../master-core/protocol/codes';
import type { TaskDef } from '../../master-core/protocol/packageFormat';
import type { TaskAssignment, TaskStatistic } from '../../master-core/protocol/wire';
import { createContext } from './context';
import { createMasker } from './mask';
import type { PackageContext } from './context';
import type { EmitEvent, EngineEvent } from './events';
import { runProcessTask } from './tasks/processTask';
import { runScriptTask } from './tasks/scriptTask';

export interface PackageResult {
  outcome: 'succeeded' | 'failed';
  error: string | null;
  statistics: TaskStatistic[];
}

/** Message of anything thrown, including errors from another V8 context. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error)
    return String((error as { message: unknown }).message);
  return String(error);
}

async function runTask(task: TaskDef, context: PackageContext, emit: EmitEvent): Promise<void> {
  switch (task.type) {
    case 'process':
      return runProcessTask(task, context, emit);
    case 'script':
      return runScriptTask(task, context, emit);
  }
}

/** SSIS execution_result codes of executable statistics. */
const RESULT_SUCCESS = 0;
const RESULT_FAILURE = 1;
const RESULT_CANCELLED = 3;

/**
 * Runs a package's tasks in order. Emits SSIS-style PreExecute/PostExecute per package and task,
 * Error and TaskFailed on failure; messages the logging level excludes are not emitted at all.
 * Statistics (one row per task run) are kept whatever the logging level.
 */
export async function runPackage(
  assignment: TaskAssignment,
  machineName: string,
  sink: (event: EngineEvent) => void,
  signal: AbortSignal,
): Promise<PackageResult> {
  const level = assignment.loggingLevel;
  const mask = createMasker(assignment.sensitiveReferences.map((r) => assignment.parameterValues[r]));
  const emitAt =
    (packagePath: string): EmitEvent =>
    (event) => {
      if (isLoggedAt(level, event.messageType))
        sink({ ...event, message: mask(event.message), packagePath, timeMs: Date.now() });
    };
  const pkg = assignment.package;
  const emitPackage = emitAt('\\Package');
  const packageSource = { sourceType: MessageSourceType.packageObject, sourceName: pkg.name };
  const context = createContext(assignment, machineName, signal);
  const statistics: TaskStatistic[] = [];
  emitPackage({
    ...packageSource,
    messageType: MessageType.preExecute,
    message: `${pkg.name}: validation has started; package starting.`,
  });
  for (const task of pkg.tasks) {
    const executionPath = `\\Package\\${task.name}`;
    const emit = emitAt(executionPath);
    const source = { sourceType: MessageSourceType.controlFlowTask, sourceName: task.name };
    emit({
      ...source,
      messageType: MessageType.preExecute,
      message: `${task.name}: starting (${task.type} task).`,
    });
    const startMs = Date.now();
    try {
      await runTask(task, context, emit);
    } catch (error) {
      const text = errorText(error);
      const result = signal.aborted ? RESULT_CANCELLED : RESULT_FAILURE;
      statistics.push({ executionPath, taskName: task.name, startMs, endMs: Date.now(), result });
      emit({ ...source, messageType: MessageType.error, message: `${task.name}: ${text}` });
      emit({ ...source, messageType: MessageType.taskFailed, message: `${task.name} failed.` });
      emitPackage({
        ...packageSource,
        messageType: MessageType.postExecute,
        message: `${pkg.name}: finished with failure.`,
      });
      return { outcome: 'failed', error: mask(`task ${task.name} failed: ${text}`), statistics };
    }
    const endMs = Date.now();
    statistics.push({ executionPath, taskName: task.name, startMs, endMs, result: RESULT_SUCCESS });
    emit({
      ...source,
      messageType: MessageType.postExecute,
      message: `${task.name}: finished in ${endMs - startMs} ms.`,
    });
  }
  emitPackage({
    ...packageSource,
    messageType: MessageType.postExecute,
    message: `${pkg.name}: finished with success.`,
  });
  return { outcome: 'succeeded', error: null, statistics };
}
