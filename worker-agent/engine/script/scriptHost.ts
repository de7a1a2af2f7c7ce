/**
 * Entry of a script host process (dist/scriptHost.mjs): runs one Script task's code and exits.
 *
 * The execution host forks it under Node's permission model (scriptLauncher.ts): it may read its
 * own bundle and nothing else, write nothing, start no process, thread or addon. Its environment
 * is allow-listed and its one channel is IPC to the execution host (scriptProtocol.ts). The code
 * runs in a vm context that holds only the script API; a vm context is no security boundary, so
 * everything here assumes the code can reach this process's `process` object anyway.
 */
import { syncBuiltinESMExports } from 'node:module';
import traceEvents from 'node:trace_events';
import v8 from 'node:v8';
import { Script, createContext } from 'node:vm';
import { errorText } from './scriptError';
import { createScriptScope } from './scriptGlobals';
import type { Json, ScriptOutbound, ScriptStart } from './scriptProtocol';
import { ScriptInbound, parseMessage } from './scriptProtocol';

type Pending = { resolve: (rows: Record<string, Json>[]) => void; reject: (error: Error) => void };
const pending = new Map<number, Pending>();
let nextQueryId = 0;
let started = false;
let finished = false;

function send(message: ScriptOutbound): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Says done or failed once, then ends the process (timers the script left behind included). */
async function finish(message: Extract<ScriptOutbound, { type: 'script.done' | 'script.failed' }>) {
  if (finished) return;
  finished = true;
  await send(message);
  process.exit(0);
}

const fail = (error: string) => void finish({ type: 'script.failed', error });

/**
 * Takes away what the permission model leaves open but a script must not have. Signals: SIGUSR1
 * to a Node process (the execution host, the agent: same OS user) opens its inspector, which would
 * run any code there. V8 flags and trace files: they change or write outside the runtime's checks.
 * The originals stay reachable only from this module, never from the script.
 */
function harden(): void {
  const denied = (what: string) => () => {
    throw Object.assign(new Error(`${what} is not available to scripts`), { code: 'ERR_ACCESS_DENIED' });
  };
  for (const name of ['kill', '_kill', '_debugProcess', '_debugEnd']) {
    Object.defineProperty(process, name, {
      value: denied(`process.${name}`),
      writable: false,
      configurable: false,
    });
  }
  v8.setFlagsFromString = denied('v8.setFlagsFromString');
  traceEvents.createTracing = denied('trace_events.createTracing');
  syncBuiltinESMExports();
}

/** The error's message, with the script line it came from when its stack says so. */
function failureText(error: unknown, fileName: string): string {
  const stack = error && typeof error === 'object' && 'stack' in error ? String(error.stack) : '';
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const line = new RegExp(`${escaped}:(\\d+)`).exec(stack)?.[1];
  return line ? `${errorText(error)} (${fileName}:${line})` : errorText(error);
}

async function run(start: ScriptStart): Promise<void> {
  const scope = createScriptScope(start, {
    log: (level, message) => void send({ type: 'script.log', level, message }),
    progress: (percent, message) => void send({ type: 'script.progress', percent, message }),
    query: (connection, sql, parameters) => {
      const id = nextQueryId++;
      void send({ type: 'query.run', id, connection, sql, parameters });
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    fail: (message) => {
      fail(message);
      // Stops the code that called fail(); the task fails even if the script catches this.
      throw new Error(message);
    },
  });
  try {
    const script = new Script(`(async () => {\n${start.code}\n})()`, {
      filename: start.fileName,
      lineOffset: -1,
    });
    const body = script.runInContext(createContext(scope.globals), {
      ...(start.timeoutMs ? { timeout: start.timeoutMs } : {}),
    }) as Promise<unknown>;
    await body;
    await finish({ type: 'script.done', variables: scope.changedVariables() });
  } catch (error) {
    const timedOut = (error as { code?: unknown })?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    fail(timedOut ? `the script timed out after ${start.timeoutMs} ms` : failureText(error, start.fileName));
  }
}

function onMessage(raw: unknown): void {
  const parsed = parseMessage(ScriptInbound, raw);
  if (!parsed.ok) return fail(`the script host got an invalid message: ${parsed.error}`);
  const message = parsed.value;
  if (message.type === 'script.start') {
    if (started) return;
    started = true;
    void run(message);
    return;
  }
  const waiter = pending.get(message.id);
  pending.delete(message.id);
  if (!waiter) return;
  if (message.result.ok) waiter.resolve(message.result.rows);
  else waiter.reject(new Error(message.result.error));
}

if (!process.send) {
  process.stderr.write('script host: start me from an execution host (no IPC channel)\n');
  process.exit(2);
}
harden();
process.on('message', onMessage);
// The execution host is gone: nobody would take the result.
process.on('disconnect', () => process.exit(1));
process.on('uncaughtException', (error) => fail(errorText(error)));
process.on('unhandledRejection', (reason) => fail(errorText(reason)));
void send({ type: 'script.ready' });
