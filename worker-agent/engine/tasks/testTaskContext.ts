/**
 * A small real TaskContext for task unit tests, until package-level tests run tasks through the
 * engine: variables in a Map, @[User::X] substitution from it, http connections built from their
 * definitions, and log messages and secrets collected in arrays. Messages are kept unmasked so a
 * test can prove a task never logs a secret itself.
 */
import { HttpConnection } from '../../../master-core/protocol/packageFormat';
import { httpSecrets, openHttp } from '../connections/http';
import type { ConnectionHandle, ConnectionType } from '../connections/types';
import type { TaskContext, Value } from '../taskApi';

export interface LoggedMessage {
  level: 'information' | 'warning' | 'error' | 'progress';
  message: string;
}

export interface TestTaskContextOptions {
  workDir: string;
  /** Declared user variables ("User::X" -> initial value); setting any other name throws. */
  variables?: Record<string, Value>;
  /** http connection managers by name, opened as the engine's registry opens them. */
  connections?: Record<
    string,
    { connectionString: string; headers?: Record<string, string>; timeoutMs?: number }
  >;
  signal?: AbortSignal;
  nodePath?: string;
}

export interface TestTaskContext extends TaskContext {
  readonly variables: Map<string, Value>;
  readonly messages: LoggedMessage[];
  readonly secrets: string[];
  /** Every logged message text, for `toContain` checks. */
  texts(level?: LoggedMessage['level']): string[];
  /** Resolves at the first message (already logged or to come) that contains `text`. */
  waitForMessage(text: string): Promise<LoggedMessage>;
}

export function createTestTaskContext(options: TestTaskContextOptions): TestTaskContext {
  const variables = new Map<string, Value>(Object.entries(options.variables ?? {}));
  const messages: LoggedMessage[] = [];
  const waiters = new Set<(m: LoggedMessage) => void>();
  const record = (message: LoggedMessage) => {
    messages.push(message);
    for (const waiter of waiters) waiter(message);
  };
  const secrets: string[] = [];
  const getVariable = (reference: string): Value => {
    if (!variables.has(reference)) throw new Error(`unknown variable ${reference}`);
    return variables.get(reference) ?? null;
  };
  return {
    name: 'Test task',
    packagePath: '\\Package\\Test task',
    signal: options.signal ?? new AbortController().signal,
    workDir: options.workDir,
    nodePath: options.nodePath ?? process.execPath,
    log: {
      information: (message) => record({ level: 'information', message }),
      warning: (message) => record({ level: 'warning', message }),
      error: (message) => record({ level: 'error', message }),
      progress: (percent, message = '') =>
        record({ level: 'progress', message: `${percent}% ${message}`.trim() }),
    },
    evaluate: () => {
      throw new Error('evaluate is not supported in task unit tests');
    },
    substitute: (text) =>
      text.replace(/@\[([^\]]+)\]/g, (_match, reference: string) => {
        const value = getVariable(reference.trim());
        return value === null ? '' : String(value);
      }),
    getVariable,
    setVariable: (reference, value) => {
      getVariable(reference);
      variables.set(reference, value as Value);
    },
    connection: async <T extends ConnectionType>(name: string, type: T | readonly T[]) => {
      const def = options.connections?.[name];
      if (!def) throw new Error(`unknown connection manager ${name}`);
      const wanted: readonly ConnectionType[] = Array.isArray(type) ? type : [type];
      if (!wanted.includes('http'))
        throw new Error(`connection manager ${name} is not of type ${String(type)}`);
      const parsed = HttpConnection.parse({ type: 'http', name, ...def });
      // The registry registers a connection's secrets when it opens it.
      for (const secret of httpSecrets(parsed)) secrets.push(secret);
      const handle: ConnectionHandle<'http'> = openHttp(parsed);
      return handle as ConnectionHandle<T>;
    },
    addSecret: (value) => {
      secrets.push(value);
    },
    variables,
    messages,
    secrets,
    texts: (level) => messages.filter((m) => !level || m.level === level).map((m) => m.message),
    waitForMessage: (text) =>
      new Promise((resolve) => {
        const found = messages.find((m) => m.message.includes(text));
        if (found) return resolve(found);
        const waiter = (m: LoggedMessage) => {
          if (!m.message.includes(text)) return;
          waiters.delete(waiter);
          resolve(m);
        };
        waiters.add(waiter);
      }),
  };
}
