import { describe, expect, it } from 'vitest';
import { encoderFor, isoText, splitDouble, unpackList } from './sqliteEncoding';
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
    { name: 'at', dataType: 'DateTime' },
    { name: 'ok', dataType: 'Boolean' },
    { name: 'raw', dataType: 'Bytes' },
  ];

  it('gives doubles two slots, dates ISO text, booleans 1/0 and bytes hex', () => {
    const encode = encoderFor(columns)!;
    expect(encode([1, 0.5, new Date(0), true, Buffer.from([1, 255])])).toEqual([
      1,
      2 ** 52,
      -53,
      '1970-01-01T00:00:00.000Z',
      1,
      '01ff',
    ]);
    expect(encode([null, null, null, null, null])).toEqual([null, null, null, null, null, null]);
    expect(() => encode([1, 'x', null, null, null])).toThrow('column x (Double) was given a string value');
  });

  it('leaves rows of strings and integers as they are', () => {
    expect(encoderFor([{ name: 's', dataType: 'String' }])).toBeNull();
  });

  it('unpacks each slot with the matching SQL', () => {
    expect(unpackList(columns)).toBe(
      "json_extract(value, '$[0]'), json_extract(value, '$[1]') * power(2, json_extract(value, '$[2]')), " +
        "json_extract(value, '$[3]'), json_extract(value, '$[4]'), unhex(json_extract(value, '$[5]'))",
    );
  });
});
