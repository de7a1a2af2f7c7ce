import type { z } from 'zod';
import { ScaleOutError } from './errors';

/**
 * How deep a request or a project file may nest arrays and objects. A project nests containers
 * a few dozen levels at most; JSON nested thousands deep is an attack on recursive code (a
 * stack overflow in a schema check, JSON.stringify or a position finder), refused up front.
 */
export const MAX_NESTING = 128;

/**
 * The path of the first value nested deeper than `max` (arrays and objects count a level each),
 * or undefined when none is. Iterative, so it cannot overflow the stack itself.
 */
export function tooDeepAt(value: unknown, max = MAX_NESTING): (string | number)[] | undefined {
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [
    { value, depth: 0, path: [] },
  ];
  while (stack.length > 0) {
    const { value: node, depth, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= max) return path;
    if (Array.isArray(node))
      node.forEach((item, i) => stack.push({ value: item, depth: depth + 1, path: [...path, i] }));
    else {
      for (const key of Object.keys(node)) {
        stack.push({ value: (node as Record<string, unknown>)[key], depth: depth + 1, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/** Formats zod issues as "field: problem" lines so the user sees which field is wrong. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Parses untrusted data against a schema; throws VALIDATION_FAILED naming the first bad field.
 * Data nested deeper than MAX_NESTING is refused before the schema sees it.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const deep = tooDeepAt(value);
  if (deep) {
    const shown = deep.slice(0, 8).map(String).join('.') + (deep.length > 8 ? '...' : '');
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `invalid ${what}: ${shown || '(root)'}: nested more than ${MAX_NESTING} levels deep`,
      deep.length > 0 ? { field: String(deep[0]) } : {},
    );
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first ? first.path.map(String).join('.') : undefined;
  throw new ScaleOutError('VALIDATION_FAILED', `invalid ${what}: ${describeIssues(result.error.issues)}`, {
    ...(field ? { field } : {}),
  });
}
