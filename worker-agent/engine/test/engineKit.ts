// Runs packages through the real engine in this process: real tasks, real processes, real files.
// (The hosts.* tests run the same engine inside a real execution host process.)
import { TaskAssignment } from '../../../master-core/protocol/wire';
import type { EngineEvent } from '../events';
import { runPackage } from '../runPackage';

export interface EngineRun {
  outcome: 'succeeded' | 'failed';
  error: string | null;
  events: EngineEvent[];
  /** "path|type|message" lines, for readable assertions. */
  lines: string[];
  statistics: { path: string; result: number }[];
  dataStatistics: { taskPath: string; name: string; rowsSent: number | null; elapsedMs: number | null }[];
  messages(type: number): string[];
}

export async function runTestPackage(
  pkg: Record<string, unknown>,
  options: {
    parameterValues?: Record<string, string | number | boolean>;
    sensitiveReferences?: string[];
    loggingLevel?: number;
    childPackages?: Record<string, unknown>[];
    projectConnections?: Record<string, unknown>[];
    signal?: AbortSignal;
    attemptNumber?: number;
  } = {},
): Promise<EngineRun> {
  const assignment = TaskAssignment.parse({
    attemptId: 'a1',
    executionId: 42,
    attemptNumber: options.attemptNumber ?? 1,
    folderName: 'Tests',
    projectName: 'Engine',
    packageName: String(pkg.name ?? 'Pkg'),
    package: { name: 'Pkg', ...pkg },
    projectConnections: options.projectConnections ?? [],
    childPackages: options.childPackages ?? [],
    parameterValues: options.parameterValues ?? {},
    sensitiveReferences: options.sensitiveReferences ?? [],
    loggingLevel: options.loggingLevel ?? 1,
    timeoutMs: null,
  });
  const events: EngineEvent[] = [];
  const result = await runPackage(
    assignment,
    'test-machine',
    (e) => events.push(e),
    options.signal ?? new AbortController().signal,
  );
  return {
    outcome: result.outcome,
    error: result.error,
    events,
    lines: events.map((e) => `${e.packagePath}|${e.messageType}|${e.message}`),
    statistics: result.statistics.map((s) => ({ path: s.executionPath, result: s.result })),
    dataStatistics: result.dataStatistics,
    messages: (type) => events.filter((e) => e.messageType === type).map((e) => e.message),
  };
}

/** An Expression task. */
export const expr = (name: string, expression: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'expression',
  expression,
  ...extra,
});

/** An Expression task that fails (divides by zero). */
export const failing = (name: string, extra: Record<string, unknown> = {}) =>
  expr(name, '@[User::Trace] = @[User::Trace] + (DT_WSTR, 5)(1 / 0)', extra);

/** Appends a name to User::Trace, so a test sees what ran and in which order. */
export const mark = (name: string, extra: Record<string, unknown> = {}) =>
  expr(name, `@[User::Trace] = @[User::Trace] + "${name};"`, extra);

export const traceVariable = { name: 'Trace', dataType: 'String', value: '' };
export const constraint = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
  from,
  to,
  ...extra,
});

/** The last value an Expression task gave User::Trace ("a;b;"), read from its messages. */
export function trace(run: EngineRun): string {
  const values = run.events
    .map((e) => /User::Trace = (.*)$/.exec(e.message)?.[1])
    .filter((v): v is string => v !== undefined);
  return values.at(-1) ?? '';
}
