/**
 * Data Conversion: copies input columns into new columns of another type ("Copy of <input>" by
 * default), after the input columns. `format` reads DateTime text ("yyyy-MM-dd"), and writes a
 * DateTime converted to String the same way. A value that does not convert follows the error
 * disposition: FailComponent fails the component, IgnoreFailure makes the new column NULL,
 * RedirectRow sends the input row to the Error output (ErrorColumn is the input column).
 */
import type { ColumnType, ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { convertCell } from '../convert';
import type { CellValue, ComponentFactory, Row } from '../types';
import { RowError } from '../types';
import { createRowErrors } from './rowErrors';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Writes a date with the tokens parseDateWithFormat reads (yyyy MM dd HH mm ss fff), in UTC. */
export function formatDate(date: Date, format: string): string {
  const tokens: Record<string, string> = {
    yyyy: pad(date.getUTCFullYear(), 4),
    fff: pad(date.getUTCMilliseconds(), 3),
    MM: pad(date.getUTCMonth() + 1, 2),
    dd: pad(date.getUTCDate(), 2),
    HH: pad(date.getUTCHours(), 2),
    mm: pad(date.getUTCMinutes(), 2),
    ss: pad(date.getUTCSeconds(), 2),
  };
  return format.replace(/yyyy|fff|MM|dd|HH|mm|ss/g, (token) => tokens[token]!);
}

/** One conversion; throws RowError naming the input column when the value does not convert. */
export function convertValue(value: CellValue, type: ColumnType, column: string, format?: string): CellValue {
  if (format && type === 'String' && value instanceof Date) return formatDate(value, format);
  return convertCell(value, type, column, format);
}

export const createDataConversion: ComponentFactory<ComponentOf<'dataConversion'>> = (
  definition,
  context,
) => {
  const input = context.inputs.get('Input') ?? [];
  const conversions = definition.conversions.map((c) => {
    const from = input.findIndex((col) => col.name.toLowerCase() === c.input.toLowerCase());
    if (from < 0) throw new Error(`${context.name}: no input column ${c.input}`);
    return { from, column: input[from]!.name, dataType: c.dataType, format: c.format };
  });
  const errors = createRowErrors(context, definition.errorDisposition);

  function convertRow(row: Row): Row | RowError {
    const out: Row = [...row];
    for (const c of conversions) {
      try {
        out.push(convertValue(row[c.from] ?? null, c.dataType, c.column, c.format));
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        const redirected = errors.handle(error, `column ${c.column}`);
        if (redirected) return redirected;
        out.push(null);
      }
    }
    return out;
  }

  return {
    receive: (_input, rows) => errors.mapRows(rows, convertRow),
  };
};
