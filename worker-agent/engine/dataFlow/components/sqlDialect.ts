/**
 * What the SQL destination writes differently for SQLite and PostgreSQL, and its pure decisions:
 * which input column goes into which table column, how a value is made to fit its column's type,
 * and what a refused row says. Unit-tested without a database (sqlDialect.test.ts).
 */
import type { ColumnType } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { quoteIdentifier, quoteTableName } from '../../connections/sqlText';
import type { RowRejection } from '../../connections/types';
import { convertCell } from '../convert';
import type { CellValue } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';

export type SqlDialect = 'sqlite' | 'postgresql';

/**
 * Column types of created tables. SQLite: dates as ISO 8601 text, booleans as 1/0, Decimal as
 * NUMERIC (SQLite has no exact decimal). PostgreSQL: dates as timestamptz (instants).
 */
const TABLE_TYPES: Record<SqlDialect, Record<ColumnType, string>> = {
  sqlite: {
    String: 'TEXT',
    Int32: 'INTEGER',
    Int64: 'INTEGER',
    Double: 'REAL',
    Decimal: 'NUMERIC',
    Boolean: 'INTEGER',
    DateTime: 'TEXT',
    Bytes: 'BLOB',
  },
  postgresql: {
    String: 'text',
    Int32: 'integer',
    Int64: 'bigint',
    Double: 'double precision',
    Decimal: 'numeric',
    Boolean: 'boolean',
    DateTime: 'timestamptz',
    Bytes: 'bytea',
  },
};

export function createTableSql(
  dialect: SqlDialect,
  table: readonly string[],
  columns: readonly { column: string; dataType: ColumnType }[],
): string {
  const list = columns.map((c) => `${quoteIdentifier(c.column)} ${TABLE_TYPES[dialect][c.dataType]}`);
  return `CREATE TABLE IF NOT EXISTS ${quoteTableName(table)} (${list.join(', ')})`;
}

/** SQLite has no TRUNCATE (DELETE without WHERE is its fast truncate). */
export function truncateSql(dialect: SqlDialect, table: readonly string[]): string {
  return dialect === 'sqlite'
    ? `DELETE FROM ${quoteTableName(table)}`
    : `TRUNCATE TABLE ${quoteTableName(table)}`;
}

/** SQLite takes the write lock at BEGIN IMMEDIATE, so a busy file fails at the start, not midway. */
export function beginSql(dialect: SqlDialect): string {
  return dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN';
}

/** One table column the destination writes: from which input column, with which type. */
export interface ColumnMapping {
  inputIndex: number;
  input: string;
  column: string;
  dataType: ColumnType;
}

/**
 * The destination's columns: its mappings, or every input column into the column of its name.
 * Throws when a mapping names a column the input lacks or two mappings write one column.
 */
export function planMappings(
  mappings: readonly { input: string; column: string }[],
  input: readonly ColumnMeta[],
): ColumnMapping[] {
  const pairs = mappings.length > 0 ? mappings : input.map((c) => ({ input: c.name, column: c.name }));
  const seen = new Set<string>();
  return pairs.map((pair) => {
    const inputIndex = input.findIndex((c) => c.name.toLowerCase() === pair.input.toLowerCase());
    if (inputIndex < 0)
      throw new Error(
        `the mapping of ${pair.input} names no input column (the input has ${input.map((c) => c.name).join(', ')})`,
      );
    if (seen.has(pair.column.toLowerCase()))
      throw new Error(`two mappings write table column ${pair.column}`);
    seen.add(pair.column.toLowerCase());
    const meta = input[inputIndex]!;
    return { inputIndex, input: meta.name, column: pair.column, dataType: meta.dataType };
  });
}

/** Whether a value already has its column's type (a switch: this runs for every cell). */
function fits(value: unknown, type: ColumnType): boolean {
  switch (type) {
    case 'String':
      return typeof value === 'string';
    case 'Int32':
      return typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
    case 'Int64':
      return Number.isSafeInteger(value);
    case 'Double':
    case 'Decimal':
      return typeof value === 'number' && Number.isFinite(value);
    case 'Boolean':
      return typeof value === 'boolean';
    case 'DateTime':
      return value instanceof Date && !Number.isNaN(value.getTime());
    case 'Bytes':
      return Buffer.isBuffer(value);
  }
}

/**
 * Builds a row of table column values from an input row. A value not of its column's type (the
 * runner's contract says it should be) goes through convertCell; one that does not convert throws
 * a RowError naming the column but not the value. When every input column goes, in order, into the
 * table and every value fits, the input row itself is returned (components never change rows).
 */
export function rowMapper(
  plan: readonly ColumnMapping[],
  inputWidth: number,
): (row: readonly CellValue[]) => readonly CellValue[] {
  const indexes = plan.map((p) => p.inputIndex);
  const types = plan.map((p) => p.dataType);
  const convert = (row: readonly CellValue[]) => {
    const out = new Array<CellValue>(indexes.length);
    for (let i = 0; i < indexes.length; i += 1) {
      const value = row[indexes[i]!] ?? null;
      out[i] = value === null || fits(value, types[i]!) ? value : convertSafely(value, plan[i]!);
    }
    return out;
  };
  const identity = plan.length === inputWidth && indexes.every((index, i) => index === i);
  if (!identity) return convert;
  return (row) => {
    for (let i = 0; i < types.length; i += 1) {
      const value = row[i];
      if (value !== null && value !== undefined && !fits(value, types[i]!)) return convert(row);
    }
    return row;
  };
}

function convertSafely(value: CellValue, mapping: ColumnMapping): CellValue {
  try {
    return convertCell(value, mapping.dataType, mapping.input);
  } catch (error) {
    const code = error instanceof RowError ? error.code : ROW_ERROR_CODES.conversion;
    const what = code === ROW_ERROR_CODES.truncation ? 'does not fit' : 'does not convert to';
    throw new RowError(
      `the value of column ${mapping.input} ${what} ${mapping.dataType}`,
      code,
      mapping.input,
    );
  }
}

const REJECTION_CODES: Record<RowRejection['kind'], number> = {
  constraint: ROW_ERROR_CODES.constraint,
  conversion: ROW_ERROR_CODES.conversion,
  truncation: ROW_ERROR_CODES.truncation,
};

/** A database's refusal as a RowError: its code, and the input column of the table column it names. */
export function rejectionError(rejection: RowRejection, plan: readonly ColumnMapping[]): RowError {
  const mapped = plan.find((p) => p.column.toLowerCase() === rejection.column.toLowerCase());
  const column = mapped?.input ?? rejection.column;
  const named = column && !rejection.message.includes(rejection.column) ? ` (column ${column})` : '';
  return new RowError(`${rejection.message}${named}`, REJECTION_CODES[rejection.kind], column);
}

/** "row 7" or "rows 501-1000": which rows of the input a failure is about. */
export function rowRange(first: number, count: number): string {
  return count === 1 ? `row ${first}` : `rows ${first}-${first + count - 1}`;
}
