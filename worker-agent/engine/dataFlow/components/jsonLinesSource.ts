/**
 * JSON Lines Source: one JSON object per line of a file named by a flatFile connection manager
 * (its encoding is used, its delimiter settings are not). Each column reads the property of its
 * sourceColumn or name (exact first, then case-insensitive); a missing property is NULL. A line
 * that is not a JSON object, or a value that does not convert, goes by errorDisposition.
 */
import { basename } from 'node:path';
import type { ColumnDef, ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import type { FlatFileConnection } from '../../connections/types';
import type { ComponentContext, ComponentFactory, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';
import type { CsvRecord } from './csvRecords';
import { createCsvRecordReader } from './csvRecords';
import { pumpRecords } from './fileSource';
import { addRecordRow, cellOfFile, createSourceRows } from './sourceRows';

type Definition = ComponentOf<'jsonLinesSource'>;

/** A property by exact name, else the first whose name matches case-insensitively. */
function propertyOf(object: Record<string, unknown>, key: string, lower: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  for (const name of Object.keys(object)) if (name.toLowerCase() === lower) return object[name];
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The typed row of one line; throws RowError when the line or a value is not usable. */
export function rowOfJsonLine(
  text: string,
  columns: readonly ColumnDef[],
  keys: readonly string[],
  invalidText = false,
): Row {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RowError(`malformed JSON: ${(error as Error).message}`, ROW_ERROR_CODES.malformedRecord, '');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new RowError(
      `the line holds a JSON ${kindOf(parsed)}, not an object`,
      ROW_ERROR_CODES.malformedRecord,
      '',
    );
  const object = parsed as Record<string, unknown>;
  const row: Row = new Array<Row[number]>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const key = keys[i]!;
    row[i] = cellOfFile(propertyOf(object, key, key.toLowerCase()), columns[i]!, invalidText);
  }
  return row;
}

async function readJsonLines(def: Definition, file: FlatFileConnection, context: ComponentContext) {
  const label = basename(file.path);
  const out = createSourceRows(context, label, def.errorDisposition);
  // A JSON lines file is a one-field delimited file without a qualifier: the reader gives each
  // line with its number and raw text, skips empty lines and bounds a line's length.
  const reader = createCsvRecordReader({ delimiter: '\n', qualifier: '' });
  const keys = def.columns.map((c) => String(c.sourceColumn ?? c.name));

  const take = ({ line, raw, problem, invalidText }: CsvRecord): Promise<void> | undefined => {
    if (problem)
      return out.fail(line, raw, new RowError(problem.message, ROW_ERROR_CODES.malformedRecord, ''));
    if (raw.trim() === '') return undefined;
    return addRecordRow(out, { line, raw }, () => rowOfJsonLine(raw, def.columns, keys, invalidText));
  };

  await pumpRecords(context, file, reader, take, out);
}

export const createJsonLinesSource: ComponentFactory<Definition> = (def, context) => ({
  async run() {
    const file = await context.task.connection(def.connection, 'flatFile');
    await readJsonLines(def, file, context);
  },
});
