/**
 * Flat File Source: reads a delimited text file through a flatFile connection manager (path,
 * delimiter, text qualifier, header row, encoding) and sends typed rows in buffers. Each column
 * reads a field by header name (case-insensitive) or 0-based position. A record that is malformed,
 * ragged, holds invalid UTF-8 in a column it reads, or does not convert goes by errorDisposition.
 */
import { basename } from 'node:path';
import type { ColumnDef, ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { ScaleOutError } from '../../../../master-core/protocol/errors';
import type { FlatFileConnection } from '../../connections/types';
import type { ComponentContext, ComponentFactory, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';
import type { CsvRecord } from './csvRecords';
import { createCsvRecordReader } from './csvRecords';
import { pumpRecords } from './fileSource';
import { addRecordRow, cellOfFile, createSourceRows } from './sourceRows';

type Definition = ComponentOf<'flatFileSource'>;

/**
 * Which field each column reads: its sourceColumn (a header name, or a 0-based position), else
 * its name in the header, else (no header) its own position. Throws naming what is missing.
 */
export function mapColumns(
  columns: readonly ColumnDef[],
  header: readonly string[] | null,
  label: string,
): number[] {
  const names = header?.map((h) => h.trim().toLowerCase());
  return columns.map((column, index) => {
    const wanted = column.sourceColumn ?? (header ? column.name : index);
    if (typeof wanted === 'number') {
      if (header && wanted >= header.length)
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          `${label}: column ${column.name} reads field ${wanted} (0-based) but the header row has ${header.length} fields`,
        );
      return wanted;
    }
    if (!names)
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `${label}: column ${column.name} reads source column "${wanted}" by name, but the connection ` +
          'has no header row (columnNamesInFirstDataRow is false): give its 0-based position instead',
      );
    const at = names.indexOf(wanted.trim().toLowerCase());
    if (at < 0)
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `${label} has no column "${wanted}" for column ${column.name} (its header row has ${header!.join(', ')})`,
      );
    return at;
  });
}

/** The typed row of a well-formed record; throws RowError for the first field that fails. */
function rowOf(record: CsvRecord, columns: readonly ColumnDef[], fieldOf: readonly number[]): Row {
  const row: Row = new Array<Row[number]>(columns.length);
  for (let i = 0; i < columns.length; i++)
    row[i] = cellOfFile(record.fields[fieldOf[i]!], columns[i]!, record.invalidText);
  return row;
}

async function readFlatFile(def: Definition, file: FlatFileConnection, context: ComponentContext) {
  const label = basename(file.path);
  const out = createSourceRows(context, label, def.errorDisposition);
  const reader = createCsvRecordReader({ delimiter: file.delimiter, qualifier: file.textQualifier });
  let needHeader = file.columnNamesInFirstDataRow;
  let skip = def.skipRows;
  let fieldOf: number[] | null = needHeader ? null : mapColumns(def.columns, null, label);
  let width = -1;
  /** No header: the first data record sets how many fields every record has. */
  const firstWidth = (count: number, line: number) => {
    const far = def.columns.findIndex((_, i) => fieldOf![i]! >= count);
    if (far >= 0 && !def.allowRaggedRows)
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `${label}: column ${def.columns[far]!.name} reads field ${fieldOf![far]} (0-based) but line ${line}, ` +
          `the first data row, has ${count} fields`,
      );
    return count;
  };
  const malformed = ({ line, raw }: CsvRecord, message: string, column: string) =>
    out.fail(line, raw, new RowError(message, ROW_ERROR_CODES.malformedRecord, column));
  const columnAt = (field: number) => def.columns[fieldOf?.indexOf(field) ?? -1]?.name ?? '';

  const take = (record: CsvRecord): Promise<void> | undefined => {
    if (needHeader) {
      if (record.problem)
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          `${label} line ${record.line}: the header row is malformed: ${record.problem.message}`,
        );
      needHeader = false;
      fieldOf = mapColumns(def.columns, record.fields, label);
      width = record.fields.length;
      return undefined;
    }
    if (skip > 0) {
      skip -= 1;
      return undefined;
    }
    const { line, problem, fields } = record;
    if (problem) return malformed(record, problem.message, columnAt(problem.field));
    if (width < 0) width = firstWidth(fields.length, line);
    if (fields.length !== width && !def.allowRaggedRows)
      return malformed(record, `expected ${width} fields, found ${fields.length}`, '');
    return addRecordRow(out, record, () => rowOf(record, def.columns, fieldOf!));
  };

  await pumpRecords(context, file, reader, take, out);
}

export const createFlatFileSource: ComponentFactory<Definition> = (def, context) => ({
  async run() {
    const file = await context.task.connection(def.connection, 'flatFile');
    await readFlatFile(def, file, context);
  },
});
