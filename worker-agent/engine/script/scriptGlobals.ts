/**
 * The script API (docs/script-task.md), as the globals of the vm context a Script task's code runs
 * in inside the script host. Everything here talks to the execution host through `ScriptPort`;
 * nothing reaches the process itself.
 */
import type { Json, ScriptLogLevel, ScriptStart } from './scriptProtocol';
import { toJson } from './scriptProtocol';

type JsonRow = Record<string, Json>;

/** What the globals may ask of the script host. */
export interface ScriptPort {
  log(level: ScriptLogLevel, message: string): void;
  progress(percent: number, message: string): void;
  query(connection: string, sql: string, parameters: Json[]): Promise<JsonRow[]>;
  /** Ends the task as failed with the message; never returns. */
  fail(message: string): never;
}

export interface ScriptScope {
  readonly globals: Record<string, unknown>;
  /** User variables whose JSON form differs from the snapshot; throws naming one that is not JSON. */
  changedVariables(): Record<string, Json>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** One log part as text: strings as they are, errors by message, the rest as JSON. */
export function formatPart(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part === undefined) return 'undefined';
  if (part instanceof Error || (part && typeof part === 'object' && 'stack' in part && 'message' in part)) {
    return String((part as { message: unknown }).message);
  }
  try {
    return JSON.stringify(toJson(part));
  } catch {
    return String(part);
  }
}

/** User: reading gives values, assigning changes them; unknown names are refused at once. */
function userVariables(values: Record<string, unknown>): Record<string, unknown> {
  const refuse = (name: string | symbol): never => {
    throw new TypeError(`User::${String(name)} is not a variable of this package`);
  };
  return new Proxy(values, {
    set(target, name, value) {
      if (typeof name !== 'string' || !Object.hasOwn(target, name)) return refuse(name);
      target[name] = value;
      return true;
    },
    defineProperty: (_target, name) => refuse(name),
    deleteProperty(_target, name) {
      throw new TypeError(`User::${String(name)} cannot be deleted`);
    },
  });
}

export function createScriptScope(start: ScriptStart, port: ScriptPort): ScriptScope {
  const snapshot = new Map(Object.entries(start.variables).map(([name, v]) => [name, JSON.stringify(v)]));
  const values: Record<string, unknown> = structuredClone(start.variables);
  const say =
    (level: ScriptLogLevel) =>
    (...parts: unknown[]) =>
      port.log(level, parts.map(formatPart).join(' '));
  const log = Object.freeze({
    info: say('information'),
    information: say('information'),
    warning: say('warning'),
    error: say('error'),
    progress: (percent: unknown, text: unknown = '') => {
      const value = Number(percent);
      port.progress(Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0, formatPart(text));
    },
  });
  const globals: Record<string, unknown> = {
    $Project: deepFreeze(structuredClone(start.parameters.project)),
    $Package: deepFreeze(structuredClone(start.parameters.package)),
    System: deepFreeze(structuredClone(start.system)),
    User: userVariables(values),
    log,
    fail: (message: unknown) => port.fail(formatPart(message ?? 'the script called fail()')),
    connections: Object.freeze({
      query: async (name: unknown, sql: unknown, parameters: unknown = []) =>
        port.query(String(name), String(sql), Array.isArray(parameters) ? parameters.map(toJson) : []),
    }),
    setTimeout,
    clearTimeout,
    console: Object.freeze({
      log: say('information'),
      info: say('information'),
      warn: say('warning'),
      error: say('error'),
    }),
  };
  return {
    globals,
    changedVariables() {
      const changed: Record<string, Json> = {};
      for (const [name, value] of Object.entries(values)) {
        let json: Json;
        try {
          json = toJson(value);
        } catch (error) {
          throw new Error(`User::${name} holds a value that is not JSON (${String(error)})`, {
            cause: error,
          });
        }
        if (JSON.stringify(json) !== snapshot.get(name)) changed[name] = json;
      }
      return changed;
    },
  };
}
