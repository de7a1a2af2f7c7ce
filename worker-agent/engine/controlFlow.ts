/**
 * The control flow engine: runs a package's executables (tasks and containers) as a graph of
 * precedence constraints, with SSIS's events, error counting and event handlers.
 *
 * - In a container (the package is one), an executable with no constraints into it starts at once;
 *   independent branches run in parallel, at most MaxConcurrentExecutables tasks at a time.
 * - A constraint holds when its `from` ended with its value (Success, Failure, Completion) and/or
 *   its expression is true (evalOp). Several constraints into one executable combine with AND
 *   (logicalAnd) or OR. An executable whose constraints can no longer hold is not run.
 * - Every error (OnError) counts against the executable that raised it and every container above
 *   it. A container fails when its count reaches its MaximumErrorCount (0: no limit) or when a
 *   child with FailParentOnFailure fails; a child with FailPackageOnFailure that fails fails the
 *   package and nothing new starts. A disabled executable is skipped and counts as succeeded.
 * - Events run the event handlers of the executable that raised them and of every container above
 *   it (SSIS propagation). An event raised inside an event handler does not start handlers for the
 *   same event again, so a failing OnError handler cannot loop.
 */
import { MessageSourceType, MessageType } from '../../master-core/protocol/codes';
import { EVENT_SYSTEM_VARIABLES, SYSTEM_VARIABLES } from '../../master-core/protocol/expressionLanguage';
import { ExecutableDef, isContainer, settableProperties } from '../../master-core/protocol/packageFormat';
import type {
  ContainerDef,
  ControlFlowDef,
  EventHandlerName,
  EventHandlers,
  ExecutePackageTask,
  ForLoopContainer,
  ForeachLoopContainer,
  PackageDef,
  PrecedenceConstraintDef,
  TaskDef,
} from '../../master-core/protocol/packageFormat';
import { MAX_STATISTICS } from '../../master-core/protocol/wire';
import type { DataStatistic, TaskStatistic } from '../../master-core/protocol/wire';
import type { ConnectionHandle, ConnectionType } from './connections/types';
import { enumerate, mapItem } from './enumerators';
import type { EmitEvent } from './events';
import { textOf } from './expressions';
import type { TaskContext, TaskRunner, Value } from './taskApi';
import { runDataFlow } from './dataFlow/pipeline';
import type { DataFlowStatistics } from './dataFlow/pipeline';
import { TASK_RUNNERS } from './tasks';
import type { Scope } from './variables';
import type { Semaphore } from './slots';

/** SSIS execution_result codes of executable statistics. */
export const RESULT_CODE = { success: 0, failure: 1, completion: 2, cancelled: 3 } as const;
export type ExecutableResult = 'success' | 'failure' | 'cancelled';

/** One executable while it runs: where it sits, its scope, its errors. */
interface Frame {
  name: string;
  description: string;
  /** SSIS package path, e.g. \Package\Load\Import. */
  path: string;
  sourceType: number;
  handlers: EventHandlers;
  parent: Frame | null;
  scope: Scope;
  errorCount: number;
  /** Events whose handlers are running around this frame: they do not start again. */
  handling: ReadonlySet<EventHandlerName>;
  /** Handler runs for OnInformation/OnWarning raised synchronously by a task, awaited at its end. */
  pending: Promise<void>;
}

/** What one package run shares: its sink, statistics, limits, connections and stop state. */
export interface RunShared {
  emit: (packagePath: string) => EmitEvent;
  statistics: TaskStatistic[];
  dataStatistics: DataStatistic[];
  /** Statistics rows not kept because the report holds MAX_STATISTICS at most. */
  droppedStatistics: number;
  signal: AbortSignal;
  workDir: string;
  nodePath: string;
  slots: Semaphore;
  addSecret(value: string): void;
  /** Runs another package of the project (Execute Package task). */
  runChild(task: ExecutePackageTask, context: TaskContext, frame: unknown): Promise<void>;
}

export interface PackageRunOptions {
  shared: RunShared;
  scope: Scope;
  /** The Execute Package task's frame when this package is a child, so events propagate up. */
  parentFrame: Frame | null;
  pathPrefix: string;
  /** "$Project::X" and "$Package::X" names the package can read. */
  parameterNames: readonly string[];
  connection: <T extends ConnectionType>(
    name: string,
    type: T | readonly T[],
  ) => Promise<ConnectionHandle<T>>;
}

const MESSAGE_OF_EVENT: Record<EventHandlerName, number> = {
  OnError: MessageType.error,
  OnWarning: MessageType.warning,
  OnInformation: MessageType.information,
  OnPreExecute: MessageType.preExecute,
  OnPostExecute: MessageType.postExecute,
  OnTaskFailed: MessageType.taskFailed,
};

function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error)
    return String((error as { message: unknown }).message);
  return String(error);
}

export class PackageRun {
  /** Set by a FailPackageOnFailure failure: nothing new starts. */
  private packageFailed = false;
  private readonly root: Frame;

  constructor(
    private readonly pkg: PackageDef,
    private readonly options: PackageRunOptions,
  ) {
    const path = `${options.pathPrefix}\\Package`;
    this.root = {
      name: pkg.name,
      description: pkg.description,
      path,
      sourceType: MessageSourceType.packageObject,
      handlers: pkg.eventHandlers,
      parent: options.parentFrame,
      scope: options.scope,
      errorCount: 0,
      handling: options.parentFrame?.handling ?? new Set(),
      pending: Promise.resolve(),
    };
  }

  private get shared(): RunShared {
    return this.options.shared;
  }

  private stopped(): boolean {
    return this.shared.signal.aborted || this.packageFailed;
  }

  /** Sends one message from a frame (the logging level filters it in the sink). */
  private message(frame: Frame, messageType: number, message: string): void {
    this.shared.emit(frame.path)({
      messageType,
      sourceType: frame.sourceType,
      sourceName: frame.name,
      message,
    });
  }

  /**
   * Raises an event from `source`: its message, its error count, then the handlers of `source`
   * and of every container above it, one after another.
   */
  private async raise(
    source: Frame,
    event: EventHandlerName,
    message: string,
    system: Record<string, Value> = {},
  ): Promise<void> {
    this.message(source, MESSAGE_OF_EVENT[event], message);
    if (event === 'OnError') for (let f: Frame | null = source; f; f = f.parent) f.errorCount += 1;
    if (source.handling.has(event)) return;
    for (let owner: Frame | null = source; owner; owner = owner.parent) {
      const handler = owner.handlers[event];
      if (!handler) continue;
      await this.runHandler(owner, event, handler, {
        SourceName: source.name,
        SourceDescription: source.description,
        ErrorCode: 0,
        ErrorDescription: '',
        ...system,
      });
    }
  }

  private async runHandler(
    owner: Frame,
    event: EventHandlerName,
    handler: ControlFlowDef,
    system: Record<string, Value>,
  ): Promise<void> {
    const frame: Frame = {
      name: event,
      description: `${event} event handler of ${owner.name}`,
      path: `${owner.path}.EventHandlers[${event}]`,
      sourceType: MessageSourceType.controlFlowContainer,
      handlers: {},
      parent: owner,
      scope: owner.scope.child(handler.variables, system),
      errorCount: 0,
      handling: new Set([...owner.handling, event]),
      pending: Promise.resolve(),
    };
    // A handler's failure is reported by its own events and counted; it does not stop the run.
    await this.runFlow(handler, frame);
  }

  /** Runs the package: its control flow under the package frame. */
  async run(): Promise<ExecutableResult> {
    const frame = this.root;
    const start = Date.now();
    await this.raise(frame, 'OnPreExecute', `${this.pkg.name}: validation has started; package starting.`);
    let result = await this.runFlow(this.pkg, frame);
    if (result === 'success' && this.overErrorLimit(frame, this.pkg.maximumErrorCount)) result = 'failure';
    if (this.packageFailed && result !== 'cancelled') result = 'failure';
    this.record(frame, start, result);
    await this.raise(frame, 'OnPostExecute', `${this.pkg.name}: finished with ${describe(result)}.`);
    return result;
  }

  private overErrorLimit(frame: Frame, maximum: number): boolean {
    return maximum > 0 && frame.errorCount >= maximum;
  }

  private record(frame: Frame, startMs: number, result: ExecutableResult): void {
    if (this.shared.statistics.length >= MAX_STATISTICS) {
      this.shared.droppedStatistics += 1;
      if (this.shared.droppedStatistics === 1)
        this.message(
          frame,
          MessageType.warning,
          `more than ${MAX_STATISTICS} executable runs: statistics after the first ${MAX_STATISTICS} are not kept`,
        );
      return;
    }
    this.shared.statistics.push({
      executionPath: frame.path,
      taskName: frame.name,
      startMs,
      endMs: Date.now(),
      result: RESULT_CODE[result],
    });
  }

  /**
   * Runs a control flow (a package's, a container's or a handler's) to its end: the result is
   * failure when a child with FailParentOnFailure failed, cancelled when the run was stopped.
   * Error counts (MaximumErrorCount) are judged by the caller, which owns the limit.
   */
  private async runFlow(flow: ControlFlowDef, frame: Frame): Promise<ExecutableResult> {
    const byName = new Map(flow.tasks.map((t) => [t.name.toLowerCase(), t]));
    const incoming = new Map<string, PrecedenceConstraintDef[]>();
    for (const c of flow.precedenceConstraints) {
      const key = c.to.toLowerCase();
      incoming.set(key, [...(incoming.get(key) ?? []), c]);
    }
    const results = new Map<string, ExecutableResult | 'skipped'>();
    const running = new Map<string, Promise<void>>();
    let failParent = false;

    /** true: run; false: never; null: not decided yet. */
    const decide = (name: string): boolean | null => {
      const constraints = incoming.get(name) ?? [];
      if (constraints.length === 0) return true;
      const outcomes = constraints.map((c) =>
        this.constraintHolds(c, results.get(c.from.toLowerCase()), frame),
      );
      const and = constraints.every((c) => c.logicalAnd);
      if (and) {
        if (outcomes.includes(false)) return false;
        return outcomes.every((o) => o === true) ? true : null;
      }
      if (outcomes.includes(true)) return true;
      return outcomes.every((o) => o === false) ? false : null;
    };

    const start = (name: string) => {
      const executable = byName.get(name)!;
      running.set(
        name,
        this.runExecutable(executable, frame).then(({ result, effective }) => {
          results.set(name, result);
          running.delete(name);
          if (result === 'failure' && effective.failParentOnFailure) failParent = true;
          if (result === 'failure' && effective.failPackageOnFailure) this.packageFailed = true;
        }),
      );
    };

    for (;;) {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (const name of byName.keys()) {
          if (results.has(name) || running.has(name)) continue;
          if (this.stopped()) {
            results.set(name, 'skipped');
            continue;
          }
          let verdict: boolean | null;
          try {
            verdict = decide(name);
          } catch (error) {
            // A constraint expression that cannot be evaluated is an error of the container.
            await this.raise(
              frame,
              'OnError',
              `precedence constraint into ${byName.get(name)!.name}: ${errorMessage(error)}`,
              {
                ErrorDescription: errorMessage(error),
              },
            );
            verdict = false;
          }
          if (verdict === null) continue;
          progressed = true;
          if (verdict) start(name);
          else results.set(name, 'skipped');
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (this.shared.signal.aborted) return 'cancelled';
    return failParent ? 'failure' : 'success';
  }

  /** true, false, or null while `from` has not ended. */
  private constraintHolds(
    constraint: PrecedenceConstraintDef,
    fromResult: ExecutableResult | 'skipped' | undefined,
    frame: Frame,
  ): boolean | null {
    if (fromResult === undefined) return null;
    if (fromResult === 'skipped' || fromResult === 'cancelled') return false;
    const valueHolds =
      constraint.value === 'Completion' ||
      (constraint.value === 'Success' ? fromResult === 'success' : fromResult === 'failure');
    const expressionHolds = () => {
      const value = frame.scope.evaluate(constraint.expression!);
      if (typeof value !== 'boolean')
        throw new Error(
          `expression ${JSON.stringify(constraint.expression)} must give a Boolean, gave ${textOf(value)}`,
        );
      return value;
    };
    switch (constraint.evalOp) {
      case 'Constraint':
        return valueHolds;
      case 'Expression':
        return expressionHolds();
      case 'ExpressionAndConstraint':
        return valueHolds && expressionHolds();
      case 'ExpressionOrConstraint':
        return valueHolds || expressionHolds();
    }
  }

  /** Applies property expressions; the result is validated against the executable's schema. */
  private applyPropertyExpressions(executable: ExecutableDef, scope: Scope): ExecutableDef {
    const entries = Object.entries(executable.propertyExpressions);
    if (entries.length === 0) return executable;
    const copy: Record<string, unknown> = { ...executable };
    for (const [property, expression] of entries) {
      if (!settableProperties(executable.type).includes(property))
        throw new Error(`property ${property} of a ${executable.type} task cannot be set by an expression`);
      const value = scope.evaluate(expression);
      copy[property] = value instanceof Date ? value.toISOString() : value;
    }
    const parsed = ExecutableDef.safeParse(copy);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`property expression for ${issue.path.join('.')}: ${issue.message}`);
    }
    return parsed.data;
  }

  /**
   * Runs one executable; `effective` is its definition after its property expressions, which may
   * also disable it or change how its failure counts.
   */
  private async runExecutable(
    definition: ExecutableDef,
    parent: Frame,
  ): Promise<{ result: ExecutableResult; effective: ExecutableDef }> {
    if (definition.disabled && !('disabled' in definition.propertyExpressions))
      return { result: 'success', effective: definition };
    const container = isContainer(definition);
    const path = `${parent.path}\\${definition.name}`;
    const startedAt = new Date();
    const frame: Frame = {
      name: definition.name,
      description: definition.description,
      path,
      sourceType: container ? MessageSourceType.controlFlowContainer : MessageSourceType.controlFlowTask,
      handlers: definition.eventHandlers,
      parent,
      scope: parent.scope.child(container ? definition.variables : [], {
        TaskName: definition.name,
        ContainerStartTime: startedAt,
      }),
      errorCount: 0,
      handling: parent.handling,
      pending: Promise.resolve(),
    };
    const startMs = startedAt.getTime();
    let effective = definition;
    let failure: string | null = null;
    try {
      effective = this.applyPropertyExpressions(definition, frame.scope);
    } catch (error) {
      failure = errorMessage(error);
    }
    if (effective.disabled) return { result: 'success', effective };
    await this.raise(
      frame,
      'OnPreExecute',
      `${definition.name}: starting (${definition.type} ${container ? 'container' : 'task'}).`,
    );
    let result: ExecutableResult = 'failure';
    try {
      if (failure === null)
        result = isContainer(effective)
          ? await this.runContainer(effective, frame)
          : await this.runTask(effective, frame);
    } catch (error) {
      failure = errorMessage(error);
      result = this.shared.signal.aborted ? 'cancelled' : 'failure';
    }
    await frame.pending;
    if (failure !== null && result === 'failure') {
      await this.raise(frame, 'OnError', `${definition.name}: ${failure}`, {
        ErrorCode: -1,
        ErrorDescription: failure,
      });
    } else if (failure !== null) {
      this.message(frame, MessageType.information, `${definition.name}: stopped (${failure}).`);
    }
    if (result === 'success' && container && this.overErrorLimit(frame, effective.maximumErrorCount)) {
      result = 'failure';
      this.message(
        frame,
        MessageType.information,
        `${definition.name}: ${frame.errorCount} error(s) reached its MaximumErrorCount (${effective.maximumErrorCount}).`,
      );
    }
    if (result === 'failure' && !container) {
      await this.raise(frame, 'OnTaskFailed', `${definition.name} failed.`, {
        ErrorDescription: failure ?? '',
      });
    }
    this.record(frame, startMs, result);
    await this.raise(
      frame,
      'OnPostExecute',
      `${definition.name}: finished with ${describe(result)} in ${Date.now() - startMs} ms.`,
    );
    return { result, effective };
  }

  /** Rows per path and component times of one Data Flow run (at most MAX_STATISTICS rows in all). */
  private recordDataStatistics(taskPath: string, result: DataFlowStatistics): void {
    const rows = [
      ...result.paths.map((p) => ({ taskPath, name: p.path, rowsSent: p.rows, elapsedMs: null })),
      ...Object.entries(result.componentMs).map(([name, ms]) => ({
        taskPath,
        name,
        rowsSent: null,
        elapsedMs: ms,
      })),
    ];
    const room = MAX_STATISTICS - this.shared.dataStatistics.length;
    this.shared.dataStatistics.push(...rows.slice(0, Math.max(0, room)));
  }

  private async runTask(task: TaskDef, frame: Frame): Promise<ExecutableResult> {
    const runner = TASK_RUNNERS[task.type] as TaskRunner<TaskDef> | undefined;
    if (!runner && task.type !== 'executePackage' && task.type !== 'dataFlow')
      throw new Error(`task type ${task.type} cannot run on this worker`);
    const context = this.taskContext(frame);
    if (task.type === 'dataFlow') {
      const release = await this.shared.slots.acquire();
      try {
        await runDataFlow(task, context, (result) => this.recordDataStatistics(frame.path, result));
      } finally {
        release();
      }
      return 'success';
    }
    // The child package's tasks take slots of their own: holding one here could starve them.
    if (task.type === 'executePackage') {
      await this.shared.runChild(task, context, frame);
      return 'success';
    }
    const release = await this.shared.slots.acquire();
    try {
      if (this.shared.signal.aborted) return 'cancelled';
      await runner!(task, context);
    } finally {
      release();
    }
    return 'success';
  }

  private async runContainer(container: ContainerDef, frame: Frame): Promise<ExecutableResult> {
    switch (container.type) {
      case 'sequence':
        return this.runFlow(container, frame);
      case 'forLoop':
        return this.runForLoop(container, frame);
      case 'foreachLoop':
        return this.runForeachLoop(container, frame);
    }
  }

  /** One pass of a loop's body; false ends the loop (failure, error limit or stop). */
  private async iterate(container: ContainerDef, frame: Frame): Promise<ExecutableResult> {
    const result = await this.runFlow(container, frame);
    if (result === 'success' && this.overErrorLimit(frame, container.maximumErrorCount)) return 'failure';
    return result;
  }

  private async runForLoop(loop: ForLoopContainer, frame: Frame): Promise<ExecutableResult> {
    const scope = frame.scope;
    if (loop.initExpression) scope.assign(loop.initExpression);
    let iterations = 0;
    for (;;) {
      const test = scope.evaluate(loop.evalExpression);
      if (typeof test !== 'boolean')
        throw new Error(
          `EvalExpression ${JSON.stringify(loop.evalExpression)} must give a Boolean, gave ${textOf(test)}`,
        );
      if (!test) break;
      if (iterations >= loop.maxIterations)
        throw new Error(
          `stopped after ${loop.maxIterations} iterations (maxIterations): EvalExpression is still true`,
        );
      iterations += 1;
      const result = await this.iterate(loop, frame);
      if (result !== 'success') return result;
      if (this.stopped()) return this.shared.signal.aborted ? 'cancelled' : 'success';
      if (loop.assignExpression) scope.assign(loop.assignExpression);
    }
    this.message(frame, MessageType.information, `${loop.name}: ${iterations} iteration(s).`);
    return 'success';
  }

  private async runForeachLoop(loop: ForeachLoopContainer, frame: Frame): Promise<ExecutableResult> {
    const items = await enumerate(loop.enumerator, {
      scope: frame.scope,
      workDir: this.shared.workDir,
      connection: this.options.connection,
      substitute: (text) => frame.scope.substitute(text),
    });
    let count = 0;
    for (const item of items) {
      for (const mapping of loop.variableMappings) {
        frame.scope.set(mapping.variable, mapItem(item, mapping.index, mapping.variable));
      }
      count += 1;
      const result = await this.iterate(loop, frame);
      if (result !== 'success') return result;
      if (this.stopped()) return this.shared.signal.aborted ? 'cancelled' : 'success';
    }
    this.message(frame, MessageType.information, `${loop.name}: ${count} item(s).`);
    return 'success';
  }

  private taskContext(frame: Frame): TaskContext {
    const log = (event: EventHandlerName) => (message: string) => {
      const next = frame.pending.then(() => this.raise(frame, event, message));
      frame.pending = next.catch(() => undefined);
    };
    return {
      name: frame.name,
      packagePath: frame.path,
      signal: this.shared.signal,
      workDir: this.shared.workDir,
      nodePath: this.shared.nodePath,
      log: {
        information: log('OnInformation'),
        warning: log('OnWarning'),
        error: log('OnError'),
        progress: (percent, message = '') =>
          this.message(frame, MessageType.progress, `${Math.round(percent)}% ${message}`.trim()),
      },
      evaluate: (expression) => frame.scope.evaluate(expression),
      substitute: (text) => frame.scope.substitute(text),
      getVariable: (reference) => frame.scope.get(reference),
      setVariable: (reference, value) => frame.scope.set(reference, value),
      variableNames: () => [
        ...frame.scope.names(),
        ...this.options.parameterNames,
        ...[...SYSTEM_VARIABLES, ...EVENT_SYSTEM_VARIABLES]
          .map((name) => `System::${name}`)
          .filter((reference) => frame.scope.lookup(reference) !== undefined),
      ],
      connection: this.options.connection,
      addSecret: (value) => this.shared.addSecret(value),
    };
  }
}

function describe(result: ExecutableResult): string {
  return result === 'cancelled' ? 'cancellation' : result;
}
