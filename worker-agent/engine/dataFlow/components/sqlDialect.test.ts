import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ROW_ERROR_CODES, RowError } from '../types';
import { createTableSql, planMappings, rejectionError, rowMapper, rowRange, truncateSql } from './sqlDialect';

const input: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
  { name: 'When', dataType: 'DateTime' },
];

describe('mappings', () => {
  it('maps every input column to the column of its name by default', () => {
    expect(planMappings([], input).map((m) => [m.inputIndex, m.column, m.dataType])).toEqual([
      [0, 'Id', 'Int32'],
      [1, 'Name', 'String'],
      [2, 'When', 'DateTime'],
    ]);
  });

  it('follows the mappings given (input names case-insensitive), only those columns', () => {
    const plan = planMappings(
      [
        { input: 'when', column: 'created_at' },
        { input: 'ID', column: 'customer_id' },
      ],
      input,
    );
    expect(plan.map((m) => [m.inputIndex, m.input, m.column])).toEqual([
      [2, 'When', 'created_at'],
      [0, 'Id', 'customer_id'],
    ]);
  });

  it('refuses a missing input column and a table column written twice', () => {
    expect(() => planMappings([{ input: 'Nope', column: 'x' }], input)).toThrow(
      'the mapping of Nope names no input column (the input has Id, Name, When)',
    );
    expect(() =>
      planMappings(
        [
          { input: 'Id', column: 'x' },
          { input: 'Name', column: 'X' },
        ],
        input,
      ),
    ).toThrow('two mappings write table column X');
  });
});

describe('row values', () => {
  const plan = planMappings(
    [
      { input: 'Name', column: 'n' },
      { input: 'Id', column: 'i' },
    ],
    input,
  );

  it('picks the mapped values in table column order, passing typed values through', () => {
    const map = rowMapper(plan, 3);
    expect(map([7, 'seven', null])).toEqual(['seven', 7]);
    expect(map([null, null, null])).toEqual([null, null]);
  });

  it('converts a value of another type, and names the column but not the value when it cannot', () => {
    const map = rowMapper(plan, 3);
    expect(map(['12', 3, null])).toEqual(['3', 12]);
    const refuse = (row: unknown[]) => {
      try {
        map(row as never);
      } catch (error) {
        return error as RowError;
      }
      throw new Error('no error');
    };
    const bad = refuse(['s3cret', 'x', null]);
    expect(bad).toBeInstanceOf(RowError);
    expect(bad.message).toBe('the value of column Id does not convert to Int32');
    expect(bad.message).not.toContain('s3cret');
    expect([bad.code, bad.column]).toEqual([ROW_ERROR_CODES.conversion, 'Id']);
    const big = refuse([2 ** 40, 'x', null]);
    expect([big.message, big.code]).toEqual([
      'the value of column Id does not fit Int32',
      ROW_ERROR_CODES.truncation,
    ]);
  });
});

it('returns the input row itself when it goes whole and in order into the table', () => {
  const map = rowMapper(planMappings([], input), 3);
  const row = [1, 'one', new Date(0)];
  expect(map(row)).toBe(row);
  const converted = map(['2', 'two', null]);
  expect(converted).toEqual([2, 'two', null]);
  expect(map([1, 'one', null])).toEqual([1, 'one', null]);
});

describe('statements', () => {
  const columns = planMappings(
    [],
    [...input, { name: 'Price', dataType: 'Decimal' }, { name: 'Raw', dataType: 'Bytes' }],
  );

  it('creates tables with each database types, quoting names', () => {
    expect(createTableSql('sqlite', ['main', 'Sales "2024"'], columns)).toBe(
      'CREATE TABLE IF NOT EXISTS "main"."Sales ""2024""" ("Id" INTEGER, "Name" TEXT, "When" TEXT, "Price" NUMERIC, "Raw" BLOB)',
    );
    expect(createTableSql('postgresql', ['sales'], columns)).toBe(
      'CREATE TABLE IF NOT EXISTS "sales" ("Id" integer, "Name" text, "When" timestamptz, "Price" numeric, "Raw" bytea)',
    );
  });

  it('truncates with DELETE in SQLite and TRUNCATE in PostgreSQL', () => {
    expect(truncateSql('sqlite', ['t'])).toBe('DELETE FROM "t"');
    expect(truncateSql('postgresql', ['s', 't'])).toBe('TRUNCATE TABLE "s"."t"');
  });
});

describe('refusals', () => {
  const plan = planMappings([{ input: 'Id', column: 'customer_id' }], input);

  it('names the input column of the table column the database names', () => {
    const error = rejectionError(
      {
        kind: 'constraint',
        message: 'duplicate key value violates unique constraint "c_pkey"',
        column: 'customer_id',
      },
      plan,
    );
    expect([error.message, error.code, error.column]).toEqual([
      'duplicate key value violates unique constraint "c_pkey" (column Id)',
      ROW_ERROR_CODES.constraint,
      'Id',
    ]);
    const named = rejectionError(
      { kind: 'constraint', message: 'UNIQUE constraint failed: t.customer_id', column: 'customer_id' },
      plan,
    );
    expect(named.message).toBe('UNIQUE constraint failed: t.customer_id');
    expect(rejectionError({ kind: 'truncation', message: 'too long', column: '' }, plan).code).toBe(
      ROW_ERROR_CODES.truncation,
    );
  });

  it('says which rows', () => {
    expect(rowRange(7, 1)).toBe('row 7');
    expect(rowRange(501, 500)).toBe('rows 501-1000');
  });
});
