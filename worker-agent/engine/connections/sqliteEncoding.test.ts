import { describe, expect, it } from 'vitest';
import { encodeRows, isoText, scalesOf, splitDouble, unpackList } from './sqliteEncoding';
import type { InsertColumn } from './types';

describe('splitDouble', () => {
  it('gives an integer mantissa and a power of 2 that multiply back exactly', () => {
    const samples = [0.1, -2.5e-300, 5e-324, 1.7976931348623157e308, 123456.789, -0.000123, 2 ** 60, 7];
    for (const x of samples) {
      const [m, e] = splitDouble(x);
      expect(Number.isInteger(m) && Math.abs(m) <= 2 ** 53).toBe(true);
      expect(m * 2 ** e).toBe(x);
    }
    expect(splitDouble(42)).toEqual([42, 0]);
  });
});

describe('scales', () => {
  const price: InsertColumn[] = [
    { name: 'label', dataType: 'String' },
    { name: 'price', dataType: 'Double' },
  ];
  const scale = (...values: unknown[]) =>
    scalesOf(
      price,
      values.map((v) => ['x', v]),
    )[1];

  it('takes the most decimals any value of the batch needs, so each is n / 10^d exactly', () => {
    expect(scale(12.34, 0.5, 7, null)).toBe(2);
    expect(scale(1, 2, 3)).toBe(0);
    expect(scale(0.1, -0.001)).toBe(3);
    expect(scale()).toBe(0);
  });

  it('splits the values of a batch that no power of ten fits', () => {
    expect(scale(1 / 3)).toBe('split');
    expect(scale(12.34, 6.127525701183165e-192)).toBe('split');
    expect(scale(2 ** 60)).toBe('split');
    // Each fits alone, but not at the scale of the other.
    expect(scale(123456789012.5, 0.000001)).toBe('split');
  });
});

describe('isoText', () => {
  it('writes what toISOString writes, for years 0 to 9999 and beyond', () => {
    const min = -62_167_219_200_000;
    const max = 253_402_300_799_999;
    const dates = [min, max, 0, -1, 951_782_400_000, 1_709_164_800_999, min - 1, max + 1, 8.64e15];
    for (let i = 0; i < 20_000; i += 1) dates.push(min + Math.floor(Math.random() * (max - min)));
    for (const t of dates) expect(isoText(new Date(t))).toBe(new Date(t).toISOString());
  });
});

describe('row encoding', () => {
  const columns: InsertColumn[] = [
    { name: 'n', dataType: 'Int32' },
    { name: 'x', dataType: 'Double' },
    { name: 'y', dataType: 'Decimal' },
    { name: 'at', dataType: 'DateTime' },
    { name: 'ok', dataType: 'Boolean' },
    { name: 'raw', dataType: 'Bytes' },
  ];

  it('sends scaled doubles as integers, split ones in two slots, dates ISO, booleans 1/0, bytes hex', () => {
    const rows = [
      [1, 0.5, 1.25, new Date(0), true, Buffer.from([1, 255])],
      [null, null, null, null, null, null],
    ];
    expect(JSON.parse(encodeRows(columns, rows, [0, 'split', 2, 0, 0, 0]))).toEqual([
      [1, 2 ** 52, -53, 125, '1970-01-01T00:00:00.000Z', 1, '01ff'],
      [null, null, null, null, null, null, null],
    ]);
    expect(() => encodeRows(columns, [[1, 'x', 1, null, null, null]], [0, 0, 0, 0, 0, 0])).toThrow(
      'column x (Double) was given a string value',
    );
  });

  it('leaves rows of strings and integers as they are', () => {
    expect(encodeRows([{ name: 's', dataType: 'String' }], [['a']], [0])).toBe('[["a"]]');
  });

  it('unpacks each slot with the matching SQL', () => {
    expect(unpackList(columns, [0, 'split', 2, 0, 0, 0])).toBe(
      "json_extract(value, '$[0]'), json_extract(value, '$[1]') * power(2, json_extract(value, '$[2]')), " +
        "CAST(json_extract(value, '$[3]') AS REAL) / 100, json_extract(value, '$[4]'), " +
        "json_extract(value, '$[5]'), unhex(json_extract(value, '$[6]'))",
    );
  });
});
