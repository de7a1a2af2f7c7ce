/**
 * The one ordering of cell values that Sort and Merge Join share, so that a Sort feeding a Merge
 * Join produces exactly the order the join checks for. A total order over every CellValue:
 *
 *   NULL < numbers < strings < booleans < dates < bytes
 *
 * Within a type: numbers numerically (-0 equals 0, NaN after every other number); strings by
 * Unicode code point (SSIS uses the column's collation: we have none, so "B" < "a" and "é" > "z");
 * false < true; dates by instant (an invalid date after every valid one); bytes unsigned, byte by
 * byte, a prefix first. Columns hold one type, so the order between types only makes the
 * comparator total (a sort never throws on odd data).
 */
import type { CellValue, Row } from '../types';

const RANK_NULL = 0;
const RANK_NUMBER = 1;
const RANK_STRING = 2;
const RANK_BOOLEAN = 3;
const RANK_DATE = 4;
const RANK_BYTES = 5;

function rankOf(value: CellValue): number {
  if (value === null) return RANK_NULL;
  switch (typeof value) {
    case 'number':
      return RANK_NUMBER;
    case 'string':
      return RANK_STRING;
    case 'boolean':
      return RANK_BOOLEAN;
    default:
      return value instanceof Date ? RANK_DATE : RANK_BYTES;
  }
}

/** Numbers with NaN last (NaN equals NaN, so sorting and dedupe stay consistent). */
function compareNumbers(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const aNaN = Number.isNaN(a);
  return aNaN === Number.isNaN(b) ? 0 : aNaN ? 1 : -1;
}

/**
 * Strings by code point. JavaScript's < compares UTF-16 code units, which puts a character above
 * U+FFFF (a surrogate pair, 0xD800-0xDFFF) before U+E000-U+FFFF; only the first differing unit
 * matters, so that one unit is corrected.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  if (i === n) return a.length - b.length < 0 ? -1 : 1;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    // Surrogates move above U+E000-U+FFFF; the rest keep their relative order.
    x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
  }
  return x < y ? -1 : 1;
}

/** Compares two cell values in the order described above: negative, 0 or positive. */
export function compareValues(a: CellValue, b: CellValue): number {
  if (a === b) return 0;
  const rank = rankOf(a);
  const other = rankOf(b);
  if (rank !== other) return rank < other ? -1 : 1;
  switch (rank) {
    case RANK_NULL:
      return 0;
    case RANK_NUMBER:
      return compareNumbers(a as number, b as number);
    case RANK_STRING:
      return compareStrings(a as string, b as string);
    case RANK_BOOLEAN:
      return a ? 1 : -1; // a !== b, so one is true
    case RANK_DATE:
      return compareNumbers((a as Date).getTime(), (b as Date).getTime());
    default:
      return Buffer.compare(a as Buffer, b as Buffer);
  }
}

/**
 * A text for a non-NULL value that is the same for two values exactly when compareValues counts
 * them equal: what Aggregate's groups and distinct counts and Lookup's cache are keyed by.
 */
export function valueKey(value: CellValue): string {
  if (typeof value === 'number') return `n${value === 0 ? 0 : value}`;
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'boolean') return value ? 'b1' : 'b0';
  if (value instanceof Date) return `d${value.getTime()}`;
  return `x${(value as Buffer).toString('hex')}`;
}

/** One key column: where it sits in the row and its direction. */
export interface SortKey {
  index: number;
  descending: boolean;
}

export type RowComparator = (a: Row, b: Row) => number;

/**
 * A comparator of rows on key columns, in key order. Descending reverses a column's whole order,
 * so its NULLs come last (as in SSIS, where NULL is the smallest value).
 */
export function compareRowsBy(keys: readonly SortKey[]): RowComparator {
  if (keys.length === 1) {
    const { index, descending } = keys[0]!;
    return descending
      ? (a, b) => compareValues(b[index]!, a[index]!)
      : (a, b) => compareValues(a[index]!, b[index]!);
  }
  return (a, b) => {
    for (const { index, descending } of keys) {
      const c = descending ? compareValues(b[index]!, a[index]!) : compareValues(a[index]!, b[index]!);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/**
 * Compares the key of a row of one input with the key of a row of another (Merge Join): both
 * ascending, column i of `leftIndexes` against column i of `rightIndexes`.
 */
export function compareKeysAcross(
  left: Row,
  leftIndexes: readonly number[],
  right: Row,
  rightIndexes: readonly number[],
): number {
  for (let i = 0; i < leftIndexes.length; i += 1) {
    const c = compareValues(left[leftIndexes[i]!]!, right[rightIndexes[i]!]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Shows a key in messages: (3, "b", NULL). */
export function formatKey(row: Row, indexes: readonly number[]): string {
  const shown = indexes.map((i) => {
    const v = row[i] ?? null;
    if (v === null) return 'NULL';
    if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString();
    if (Buffer.isBuffer(v)) return `0x${v.subarray(0, 16).toString('hex')}${v.length > 16 ? '…' : ''}`;
    return String(v);
  });
  return `(${shown.join(', ')})`;
}
