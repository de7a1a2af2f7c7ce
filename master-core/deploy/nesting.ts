import { MAX_NESTING } from '../protocol/validate';

export { MAX_NESTING };

/** The problem reported for a file nested too deep (an attack on recursive parsers, or a broken file). */
export const TOO_DEEP = `nested more than ${MAX_NESTING} levels deep`;

/**
 * The offset of the first [ or { that opens level `max + 1` of a JSON text, or -1 when none does.
 * Strings are skipped (with their escapes); one pass, no recursion, so a parser that recurses is
 * only ever given text it can finish.
 */
export function jsonTooDeepOffset(text: string, max = MAX_NESTING): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i += 1; // backslash: the next character is escaped
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth += 1;
      if (depth > max) return i;
    } else if (ch === 0x5d || ch === 0x7d) depth = Math.max(0, depth - 1);
  }
  return -1;
}

/** True for the error a recursive parser throws when its input nests past what the stack holds. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
