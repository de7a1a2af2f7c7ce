/**
 * SQL Source: the rows of a query on a SQLite or PostgreSQL connection (docs/data-flow.md).
 * Parameters are expressions evaluated once when the source starts. The query is read through a
 * cursor (connections/sqliteData.ts, postgresData.ts) one buffer (bufferRows) at a time, and the
 * next buffer is read only once the previous one was processed downstream, so memory stays
 * bounded whatever the result's size. Values are converted to the declared columns' types by
 * position (the query's column names do not matter); a value that does not convert fails the
 * source (it has no error output), naming the row and column but not the value.
 */
import type { ColumnDef, ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { SqlCursor } from '../../connections/types';
import { convertCell } from '../convert';
import type { CellValue, ComponentFactory, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';

/** Throws unless the query returns one column per declared column. */
export function checkQueryColumns(returned: readonly string[], declared: readonly ColumnDef[]): void {
  if (returned.length === declared.length) return;
  throw new Error(
    `the query returns ${returned.length} column${returned.length === 1 ? '' : 's'} ` +
      `(${returned.join(', ') || 'none'}) but the source declares ${declared.length} ` +
      `(${declared.map((c) => c.name).join(', ')}): declare one column per query column, in order`,
  );
}

function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return 'a binary value';
  if (value instanceof Date) return 'a date';
  return typeof value === 'string' ? 'a text value' : `a ${typeof value} value`;
}

/** Converts a query row (by position) to the declared types; `rowNumber` is 1-based. */
export function queryRowConverter(columns: readonly ColumnDef[]): (raw: unknown[], rowNumber: number) => Row {
  return (raw, rowNumber) => {
    const row = new Array<CellValue>(columns.length);
    for (let i = 0; i < columns.length; i += 1) {
      const column = columns[i]!;
      try {
        row[i] = convertCell(raw[i], column.dataType, column.name, column.format);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        const what = error.code === ROW_ERROR_CODES.truncation ? 'does not fit' : 'does not convert to';
        throw new RowError(
          `row ${rowNumber} of the query: ${describe(raw[i])} in column ${column.name} ${what} ${column.dataType}`,
          error.code,
          column.name,
        );
      }
    }
    return row;
  };
}

export const createSqlSource: ComponentFactory<ComponentOf<'sqlSource'>> = (definition, context) => {
  let cursor: SqlCursor | null = null;
  const signal = context.signal;
  return {
    async run() {
      const connection = await context.task.connection(definition.connection, ['sqlite', 'postgresql']);
      const parameters = definition.parameters.map((expression, i) => {
        try {
          return context.task.evaluate(expression);
        } catch (error) {
          throw new Error(`parameter ${i + 1}: ${(error as Error).message}`, { cause: error });
        }
      });
      cursor = await connection.openCursor(definition.query, parameters, { signal });
      checkQueryColumns(cursor.columns, definition.columns);
      const convert = queryRowConverter(definition.columns);
      let rowNumber = 0;
      for (;;) {
        const raw = await cursor.read(context.bufferRows, { signal });
        if (raw.length > 0)
          await context.emit(
            DEFAULT_OUTPUT,
            raw.map((r) => convert(r, (rowNumber += 1))),
          );
        // A cursor returns fewer rows than asked only at the end.
        if (raw.length < context.bufferRows) break;
      }
      await cursor.close();
    },
    async close() {
      await cursor?.close();
    },
  };
};
