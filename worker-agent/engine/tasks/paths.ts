/** Paths in task properties: references substituted, relative paths against the work directory. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { TaskContext } from '../taskApi';

/**
 * Substitutes the @[...] references of a path property and resolves it against the attempt's work
 * directory. `property` names the property in the error when nothing is left.
 */
export function resolveTaskPath(
  context: Pick<TaskContext, 'substitute' | 'workDir'>,
  text: string,
  property: string,
): string {
  const substituted = context.substitute(text);
  if (substituted === '') throw new Error(`${property} is empty once its references are substituted`);
  return resolve(context.workDir, substituted);
}

/** Whether `child` is `parent` itself or lies anywhere below it (both absolute). */
export function isSameOrInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Throws when the execution was stopped; tasks call it before they start changing anything. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('the execution was cancelled before the task started');
}
