import { describe, expect, it } from 'vitest';
import { convertCell } from './convert';
import { RowError } from './types';

describe('convertCell', () => {
  it('reads ISO dates in UTC, with or without time, T or space, milliseconds and Z', () => {
    expect(convertCell('2024-02-29', 'DateTime', 'd')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(convertCell('2024-02-29 13:45:01', 'DateTime', 'd')).toEqual(new Date('2024-02-29T13:45:01Z'));
    expect(convertCell('2024-02-29T13:45:01.250Z', 'DateTime', 'd')).toEqual(
      new Date('2024-02-29T13:45:01.250Z'),
    );
    expect(convertCell('2024-02-29T13:45:01+02:00', 'DateTime', 'd')).toEqual(
      new Date('2024-02-29T11:45:01Z'),
    );
    expect(convertCell('31/12/2024', 'DateTime', 'd', 'dd/MM/yyyy')).toEqual(
      new Date('2024-12-31T00:00:00Z'),
    );
    expect(() => convertCell('2023-02-29', 'DateTime', 'd')).toThrow(RowError);
    expect(() => convertCell('2024-13-01', 'DateTime', 'd')).toThrow(
      /cannot convert "2024-13-01" to DateTime for column d/,
    );
    expect(() => convertCell('2a24-01-01', 'DateTime', 'd')).toThrow(RowError);
    expect(() => convertCell('2024-01-01 10:00:00.1x3', 'DateTime', 'd')).toThrow(RowError);
    expect(() => convertCell('10:60', 'DateTime', 'd', 'HH:mm')).toThrow(RowError);
    expect(() => convertCell('not base64!', 'Bytes', 'b')).toThrow(/to Bytes for column b/);
    expect(convertCell('aGk=', 'Bytes', 'b')).toEqual(Buffer.from('hi'));
  });

  it('converts numbers, booleans and text, and names the column when it cannot', () => {
    expect(convertCell(' 42 ', 'Int32', 'n')).toBe(42);
    expect(convertCell('', 'Int32', 'n')).toBeNull();
    expect(convertCell('', 'String', 's')).toBe('');
    expect(convertCell('2.5', 'Double', 'x')).toBe(2.5);
    expect(convertCell('TRUE', 'Boolean', 'b')).toBe(true);
    expect(() => convertCell('3000000000', 'Int32', 'n')).toThrow(/does not fit Int32 for column n/);
    expect(() => convertCell('1.5', 'Int64', 'n')).toThrow(/cannot convert "1.5" to Int64 for column n/);
    expect(() => convertCell('yes', 'Boolean', 'b')).toThrow(/to Boolean for column b/);
  });
});
