import type { z } from 'zod';
import { ScaleOutError } from './errors';

/** Formats zod issues as "field: problem" lines so the user sees which field is wrong. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return `${path || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses untrusted data against a schema; throws VALIDATION_FAILED naming the first bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  const field = first ? first.path.map(String).join('.') : undefined;
  throw new ScaleOutError('VALIDATION_FAILED', `invalid ${what}: ${describeIssues(result.error.issues)}`, {
    ...(field ? { field } : {}),
  });
}
