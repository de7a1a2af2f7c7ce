import { runInNewContext } from 'node:vm';
import { MessageSourceType, MessageType } from '../../../master-core/protocol/codes';
import type { ScriptTask } from '../../../master-core/protocol/packageFormat';
import type { PackageContext, Value } from '../context';
import { capMessage } from '../events';
import type { EmitEvent } from '../events';

function scopeObject(parameters: Readonly<Record<string, Value>>, prefix: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.startsWith(prefix)) out[key.slice(prefix.length)] = value;
  }
  return Object.freeze(out);
}

/**
 * Script task: runs a JavaScript snippet as the body of an async function. In scope: $Project and
 * $Package (parameters, read-only), User (variables, writable), System, and log. The snippet runs
 * in its own V8 context inside the per-attempt execution host process; the process is the isolation
 * boundary, not the context.
 */
export async function runScriptTask(
  task: ScriptTask,
  context: PackageContext,
  emit: EmitEvent,
): Promise<void> {
  const say =
    (messageType: number) =>
    (...parts: unknown[]) =>
      emit({
        messageType,
        sourceType: MessageSourceType.controlFlowTask,
        sourceName: task.name,
        message: capMessage(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')),
      });
  const sandbox = {
    $Project: scopeObject(context.parameters, '$Project::'),
    $Package: scopeObject(context.parameters, '$Package::'),
    User: context.variables,
    System: Object.freeze({ ...context.system }),
    log: Object.freeze({
      info: say(MessageType.information),
      warning: say(MessageType.warning),
      error: say(MessageType.error),
      progress: (percent: number, text = '') =>
        say(MessageType.progress)(`${Math.round(percent)}% ${text}`.trim()),
    }),
    setTimeout,
    clearTimeout,
    console: Object.freeze({ log: say(MessageType.information), error: say(MessageType.error) }),
  };
  const timeoutMs = task.timeoutMs ?? 0;
  const promise = runInNewContext(`(async () => {\n${task.code}\n})()`, sandbox, {
    filename: `${task.name}.js`,
    ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}),
  }) as Promise<unknown>;
  const guards: Promise<never>[] = [
    new Promise((_, reject) => {
      if (context.signal.aborted) reject(new Error('cancelled'));
      context.signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
    }),
  ];
  let timer: NodeJS.Timeout | undefined;
  if (timeoutMs > 0) {
    guards.push(
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`script timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    );
  }
  try {
    await Promise.race([promise, ...guards]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}
