/**
 * IPC between an execution host and the script host it forks for one Script task
 * (docs/script-task.md). Every value is JSON (Dates travel as ISO strings).
 *
 * script.ready (script host) -> script.start (execution host) -> script.log*, script.progress*,
 * query.run* (each answered by one query.result) -> script.done | script.failed, then the process
 * ends. The script host runs untrusted code, so the execution host validates every message it
 * gets and fails the task on the first one that does not parse.
 */
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini, not zod: the script host loads this file on every Script task, and zod's classic API
// cannot be tree-shaken (it would triple the bundle and its start-up time). Messages in English.
z.config(en());

const JsonRecord = z.record(z.string(), z.json());

// Execution host -> script host.

export const ScriptStart = z.strictObject({
  type: z.literal('script.start'),
  /** The body of an async function. */
  code: z.string(),
  /** Shown in stack traces. */
  fileName: z.string().check(z.minLength(1)),
  /** User variables by name (without "User::"). */
  variables: JsonRecord,
  parameters: z.strictObject({ project: JsonRecord, package: JsonRecord }),
  /** System variables by name (without "System::"). */
  system: JsonRecord,
  /** The execution host enforces it too; the script host uses it to stop a synchronous loop early. */
  timeoutMs: z.nullable(z.number().check(z.int(), z.positive())),
});
export type ScriptStart = z.infer<typeof ScriptStart>;

export const QueryResult = z.strictObject({
  type: z.literal('query.result'),
  id: z.number().check(z.int(), z.nonnegative()),
  result: z.discriminatedUnion('ok', [
    z.strictObject({ ok: z.literal(true), rows: z.array(JsonRecord) }),
    z.strictObject({ ok: z.literal(false), error: z.string() }),
  ]),
});
export type QueryResult = z.infer<typeof QueryResult>;

export const ScriptInbound = z.discriminatedUnion('type', [ScriptStart, QueryResult]);
export type ScriptInbound = z.infer<typeof ScriptInbound>;

// Script host -> execution host.

export const ScriptReady = z.strictObject({ type: z.literal('script.ready') });
export const ScriptLog = z.strictObject({
  type: z.literal('script.log'),
  level: z.enum(['information', 'warning', 'error']),
  message: z.string(),
});
export const ScriptProgress = z.strictObject({
  type: z.literal('script.progress'),
  percent: z.number().check(z.gte(0), z.lte(100)),
  message: z.string(),
});
export const QueryRun = z.strictObject({
  type: z.literal('query.run'),
  id: z.number().check(z.int(), z.nonnegative()),
  connection: z.string().check(z.minLength(1)),
  sql: z.string().check(z.minLength(1)),
  parameters: z.array(z.json()),
});
export const ScriptDone = z.strictObject({
  type: z.literal('script.done'),
  /** The user variables the script changed, by name (without "User::"). */
  variables: JsonRecord,
});
export const ScriptFailed = z.strictObject({ type: z.literal('script.failed'), error: z.string() });
export const ScriptOutbound = z.discriminatedUnion('type', [
  ScriptReady,
  ScriptLog,
  ScriptProgress,
  QueryRun,
  ScriptDone,
  ScriptFailed,
]);
export type ScriptOutbound = z.infer<typeof ScriptOutbound>;
export type ScriptLogLevel = z.infer<typeof ScriptLog>['level'];

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses one received message; the error names the field and the problem. */
export function parseMessage<T>(schema: z.ZodMiniType<T>, raw: unknown): Parsed<T> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid'}` };
}

export type Json = z.infer<ReturnType<typeof z.json>>;

/**
 * The JSON form of a value, for IPC: Dates become ISO strings, bigints numbers (strings past
 * 2^53), byte arrays base64 text, undefined null. Works on values of another V8 context (no
 * instanceof). Throws on cycles.
 */
export function toJson(value: unknown): Json {
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key, converted: unknown) {
    const original = this[key];
    if (typeof original === 'bigint') {
      return Number.isSafeInteger(Number(original)) ? Number(original) : original.toString();
    }
    if (ArrayBuffer.isView(original)) {
      return Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64');
    }
    return converted;
  });
  return text === undefined ? null : (JSON.parse(text) as Json);
}
