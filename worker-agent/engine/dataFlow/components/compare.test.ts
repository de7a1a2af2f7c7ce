import { describe, expect, it } from 'vitest';
import type { CellValue, Row } from '../types';
import {
  compareKeysAcross,
  compareRowsBy,
  compareStrings,
  compareValues,
  formatKey,
  valueKey,
} from './compare';

const sorted = (values: CellValue[]) => [...values].sort(compareValues);

describe('compareValues', () => {
  it('orders NULL first, then numbers, strings, booleans, dates and bytes', () => {
    const date = new Date('2024-01-01T00:00:00Z');
    const bytes = Buffer.from([0]);
    expect(sorted([bytes, date, true, 'a', 1, null])).toEqual([null, 1, 'a', true, date, bytes]);
  });

  it('orders numbers numerically with -0 equal to 0 and NaN after every number', () => {
    expect(sorted([10, NaN, -1, 2.5, Infinity, -Infinity])).toEqual([-Infinity, -1, 2.5, 10, Infinity, NaN]);
    expect(compareValues(-0, 0)).toBe(0);
    expect(compareValues(NaN, NaN)).toBe(0);
  });

  it('orders strings by code point, not by UTF-16 unit or locale', () => {
    expect(sorted(['a', 'B', 'é', 'z', 'ab', ''])).toEqual(['', 'B', 'a', 'ab', 'z', 'é']);
    // U+FFFD is below U+1F600, though its UTF-16 unit is above the surrogate 0xD83D.
    expect('\uFFFD' < '😀').toBe(false);
    expect(compareStrings('\uFFFD', '😀')).toBeLessThan(0);
    expect(compareStrings('😀', '\uFFFD')).toBeGreaterThan(0);
    expect(compareStrings('x😀', 'x😁')).toBeLessThan(0);
    expect(compareStrings('\u00ff', '\ud7ff')).toBeLessThan(0);
  });

  it('orders booleans, dates and bytes within their type', () => {
    expect(sorted([true, false])).toEqual([false, true]);
    const early = new Date(0);
    const late = new Date(1_000);
    const invalid = new Date(Number.NaN);
    expect(sorted([invalid, late, early])).toEqual([early, late, invalid]);
    expect(compareValues(new Date(5), new Date(5))).toBe(0);
    const b = (...bytes: number[]) => Buffer.from(bytes);
    expect(sorted([b(2), b(1, 255), b(1), b()])).toEqual([b(), b(1), b(1, 255), b(2)]);
    expect(compareValues(b(0x80), b(0x7f))).toBeGreaterThan(0);
  });
});

describe('compareRowsBy', () => {
  const rows: Row[] = [
    [2, 'b'],
    [null, 'a'],
    [1, 'b'],
    [2, 'a'],
    [1, null],
  ];

  it('compares key by key, NULLs first when ascending', () => {
    const compare = compareRowsBy([
      { index: 0, descending: false },
      { index: 1, descending: false },
    ]);
    expect([...rows].sort(compare)).toEqual([
      [null, 'a'],
      [1, null],
      [1, 'b'],
      [2, 'a'],
      [2, 'b'],
    ]);
  });

  it('reverses a descending key entirely, so its NULLs come last', () => {
    const compare = compareRowsBy([
      { index: 0, descending: true },
      { index: 1, descending: false },
    ]);
    expect([...rows].sort(compare)).toEqual([
      [2, 'a'],
      [2, 'b'],
      [1, null],
      [1, 'b'],
      [null, 'a'],
    ]);
    const single = compareRowsBy([{ index: 1, descending: true }]);
    expect([...rows].sort(single).map((r) => r[1])).toEqual(['b', 'b', 'a', 'a', null]);
  });
});

describe('compareKeysAcross and formatKey', () => {
  it('compares keys at different positions of two layouts', () => {
    expect(compareKeysAcross(['x', 1, 'k'], [1, 2], [1, 'k'], [0, 1])).toBe(0);
    expect(compareKeysAcross(['x', 1, 'a'], [1, 2], [1, 'k'], [0, 1])).toBeLessThan(0);
  });

  it('shows keys readably', () => {
    const row: Row = [3, 'b', null, new Date(0), Buffer.from([1, 2]), true];
    expect(formatKey(row, [0, 1, 2, 3, 4, 5])).toBe('(3, "b", NULL, 1970-01-01T00:00:00.000Z, 0x0102, true)');
  });
});

describe('valueKey', () => {
  it('is the same for two values exactly when compareValues counts them equal', () => {
    const values: CellValue[] = [
      0,
      -0,
      1,
      NaN,
      NaN,
      '1',
      '',
      'é',
      'e\u0301',
      true,
      false,
      new Date('2024-01-01T00:00:00Z'),
      new Date(Date.UTC(2024, 0, 1)),
      new Date('invalid'),
      new Date('invalid'),
      Buffer.from([1]),
      Buffer.from([1]),
      Buffer.from([1, 0]),
      Buffer.alloc(0),
    ];
    for (const a of values)
      for (const b of values) expect(valueKey(a) === valueKey(b)).toBe(compareValues(a, b) === 0);
    expect(valueKey(1)).not.toBe(valueKey('1'));
    expect(valueKey(true)).not.toBe(valueKey('b1'));
  });
});
