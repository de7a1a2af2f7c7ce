/**
 * Script task: runs a JavaScript snippet, the body of an async function, in a script host process
 * of its own (script/scriptHost.ts) that Node's permission model confines: it reads nothing but its
 * own bundle, writes nothing, starts nothing and holds no token. What the script may do travels
 * over IPC and is done here, in the execution host, on its behalf: logs, progress, queries on the
 * package's connections, and at the end the user variables it changed (docs/script-task.md).
 */
import type { ChildProcess, SendHandle } from 'node:child_process';
import type { ScriptTask } from '../../../master-core/protocol/packageFormat';
import { capMessage } from '../events';
import { ScriptErrorCode, ScriptTaskError, errorText } from '../script/scriptError';
import { STDERR_TAIL_CHARS, launchScriptHost, stopScriptHost } from '../script/scriptLauncher';
import type {
  Json,
  QueryResult,
  ScriptLogLevel,
  ScriptOutbound,
  ScriptStart,
} from '../script/scriptProtocol';
import { ScriptOutbound as ScriptOutboundSchema, parseMessage, toJson } from '../script/scriptProtocol';
import type { TaskContext, TaskLog, TaskRunner } from '../taskApi';
import { inheritedHeapFlags } from '../../executionLimits';

/** Log messages one script may send; past this they are counted, not logged. */
export const MAX_SCRIPT_LOG_MESSAGES = 10_000;
const SQL_CONNECTION_TYPES = ['sqlite', 'postgresql'] as const;

type Outcome = { ok: true; variables: Record<string, Json> } | { ok: false; error: ScriptTaskError };

/** The script's snapshot of the scope: user and system variables and parameters, as JSON. */
export function scriptStart(task: ScriptTask & { code: string }, context: TaskContext): ScriptStart {
  const scopes = {
    'User::': {} as Record<string, Json>,
    'System::': {} as Record<string, Json>,
    '$Project::': {} as Record<string, Json>,
    '$Package::': {} as Record<string, Json>,
  };
  for (const reference of context.variableNames?.() ?? []) {
    const prefix = (Object.keys(scopes) as (keyof typeof scopes)[]).find((p) => reference.startsWith(p));
    if (prefix) scopes[prefix][reference.slice(prefix.length)] = toJson(context.getVariable(reference));
  }
  return {
    type: 'script.start',
    code: task.code,
    fileName: task.file ?? `${task.name}.js`,
    variables: scopes['User::'],
    parameters: { project: scopes['$Project::'], package: scopes['$Package::'] },
    system: scopes['System::'],
    timeoutMs: task.timeoutMs ?? null,
  };
}

/** Applies what the script changed; a value that does not convert fails the task naming it. */
export function applyVariables(variables: Record<string, Json>, context: TaskContext): void {
  for (const [name, value] of Object.entries(variables)) {
    try {
      context.setVariable(`User::${name}`, value);
    } catch (error) {
      throw new ScriptTaskError(ScriptErrorCode.variable, `cannot set User::${name}: ${errorText(error)}`, {
        cause: error,
      });
    }
  }
}

async function runQuery(
  message: Extract<ScriptOutbound, { type: 'query.run' }>,
  context: TaskContext,
): Promise<QueryResult['result']> {
  try {
    const connection = await context.connection(message.connection, SQL_CONNECTION_TYPES);
    const result = await connection.query(message.sql, message.parameters, { signal: context.signal });
    return { ok: true, rows: result.rows.map((row) => toJson(row) as Record<string, Json>) };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

/** A socket or server the script host attached to a message: never used, closed at once. */
function discardHandle(handle: SendHandle | undefined): void {
  if (!handle) return;
  if ('destroy' in handle) handle.destroy();
  else handle.close();
}

function failure(code: keyof typeof ScriptErrorCode, message: string): Outcome {
  return { ok: false, error: new ScriptTaskError(ScriptErrorCode[code], message) };
}

/** Logs up to MAX_SCRIPT_LOG_MESSAGES, each capped; counts the rest and says so once at the end. */
function createLogBudget(log: TaskLog) {
  let logged = 0;
  let dropped = 0;
  const writers: Record<ScriptLogLevel, (message: string) => void> = {
    information: (m) => log.information(m),
    warning: (m) => log.warning(m),
    error: (m) => log.error(m),
  };
  return {
    write(level: ScriptLogLevel, message: string): void {
      if (logged >= MAX_SCRIPT_LOG_MESSAGES) dropped += 1;
      else {
        logged += 1;
        writers[level](capMessage(message));
      }
    },
    close(): void {
      if (dropped > 0) {
        log.warning(`${dropped} more script log messages were not logged (limit ${MAX_SCRIPT_LOG_MESSAGES})`);
      }
    },
  };
}

interface Session {
  readonly child: ChildProcess;
  readonly start: ScriptStart;
  readonly context: TaskContext;
  readonly logs: ReturnType<typeof createLogBudget>;
  started: boolean;
  settled: boolean;
  end(outcome: Outcome): void;
}

/** One valid message of the script host. */
function handleMessage(session: Session, message: ScriptOutbound): void {
  const { child, context } = session;
  switch (message.type) {
    case 'script.ready':
      if (session.started) {
        return session.end(failure('protocolViolation', 'the script host said ready twice; it was stopped'));
      }
      session.started = true;
      child.send(session.start, () => undefined);
      return;
    case 'script.log':
      return session.logs.write(message.level, message.message);
    case 'script.progress':
      return context.log.progress(message.percent, capMessage(message.message));
    case 'query.run':
      void runQuery(message, context).then((result) => {
        const reply: QueryResult = { type: 'query.result', id: message.id, result };
        if (!session.settled && child.connected) child.send(reply, () => undefined);
      });
      return;
    case 'script.done':
      return session.end({ ok: true, variables: message.variables });
    case 'script.failed':
      return session.end(failure('scriptFailed', capMessage(message.error)));
  }
}

/** Follows one script host from fork to its end; resolves with the changed variables or the failure. */
function supervise(child: ChildProcess, start: ScriptStart, context: TaskContext): Promise<Outcome> {
  return new Promise((resolve) => {
    let stderrTail = '';
    const timer = start.timeoutMs
      ? setTimeout(() => {
          session.end(
            failure('timedOut', `the script timed out after ${start.timeoutMs} ms and was stopped`),
          );
        }, start.timeoutMs)
      : null;
    const onAbort = () => session.end(failure('cancelled', 'the script task was cancelled'));
    const session: Session = {
      child,
      start,
      context,
      logs: createLogBudget(context.log),
      started: false,
      settled: false,
      end(outcome) {
        if (session.settled) return;
        session.settled = true;
        if (timer) clearTimeout(timer);
        context.signal.removeEventListener('abort', onAbort);
        stopScriptHost(child);
        session.logs.close();
        resolve(outcome);
      },
    };
    context.signal.addEventListener('abort', onAbort, { once: true });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('message', (raw: unknown, sendHandle?: SendHandle) => {
      discardHandle(sendHandle);
      if (session.settled) return;
      const parsed = parseMessage(ScriptOutboundSchema, raw);
      if (parsed.ok) return handleMessage(session, parsed.value);
      const problem = `the script host sent an invalid message (${parsed.error}); it was stopped`;
      session.end(failure('protocolViolation', problem));
    });
    child.once('error', (error) =>
      session.end(failure('hostUnavailable', `cannot run the script host: ${error.message}`)),
    );
    // 'close', not 'exit': it comes after the last IPC message and the last stderr bytes.
    child.once('close', (code, signal) => {
      const how = signal ? `by signal ${signal}` : `with exit code ${code}`;
      // V8's own words and native stack, which say less to an operator than this does.
      if (/JavaScript heap out of memory/.test(stderrTail)) {
        const heap = inheritedHeapFlags(process.execArgv)[0]?.split('=')[1];
        const limit = heap ? ` (the worker's limit: ${heap} MB)` : '';
        return session.end(
          failure(
            'hostExited',
            `the script ran out of memory: it reached its heap limit${limit} and was stopped`,
          ),
        );
      }
      const detail = stderrTail.trim() ? `: ${stderrTail.trim()}` : '';
      session.end(failure('hostExited', `the script host ended ${how} before the script finished${detail}`));
    });
  });
}

export const runScriptTask: TaskRunner<ScriptTask> = async (task, context) => {
  const code = task.code;
  if (code === undefined || code.trim() === '') {
    throw new ScriptTaskError(ScriptErrorCode.noCode, 'the script task has no code');
  }
  if (context.signal.aborted)
    throw new ScriptTaskError(ScriptErrorCode.cancelled, 'the script task was cancelled');
  const start = scriptStart({ ...task, code }, context);
  const child = launchScriptHost({ cwd: context.workDir, moduleUrl: import.meta.url });
  const outcome = await supervise(child, start, context);
  if (!outcome.ok) throw outcome.error;
  applyVariables(outcome.variables, context);
};
