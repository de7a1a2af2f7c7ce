/**
 * Lookup (full cache): the reference (a query on a SQLite or PostgreSQL connection, or a flat
 * file read exactly as the Flat File Source reads one) is read once, at the first buffer,
 * converted to its declared columns and kept in memory by its join key. Each input row's key is converted to the reference columns' types and looked up:
 * - a match goes to the Match output with the reference's output columns added;
 * - no match follows `noMatch`: RedirectRow -> the No Match output, IgnoreFailure -> Match with
 *   NULLs, FailComponent -> the component fails naming the key;
 * - a key value that cannot take the reference column's type follows `errorDisposition`
 *   (RedirectRow -> Error output, IgnoreFailure -> treated as no match, FailComponent -> fail).
 * A NULL key never matches (SQL join semantics); reference rows with a NULL key are not cached.
 * When several reference rows share a key the first one wins, with one warning.
 */
import { basename } from 'node:path';
import type { ColumnDef, ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { ERROR_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import { convertCell } from '../convert';
import type { CellValue, ComponentContext, ComponentFactory, Row } from '../types';
import { RowError } from '../types';
import type { FlatFileConnection } from '../../connections/types';
import { valueKey } from './compare';
import { createCsvRecordReader } from './csvRecords';
import type { CsvRecord } from './csvRecords';
import { fileSize, readTextChunks } from './fileSource';
import { mapColumns } from './flatFileSource';
import { createRowErrors, errorRow } from './rowErrors';

type LookupDef = ComponentOf<'lookup'>;
const MATCH = 'Match';
const NO_MATCH = 'No Match';

const findIndex = (names: readonly string[], name: string) => {
  const exact = names.indexOf(name);
  return exact >= 0 ? exact : names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
};

/** The key of values (null when one is NULL: such a key matches nothing). */
export function keyOf(values: readonly CellValue[]): string | null {
  if (values.some((v) => v === null)) return null;
  return values.length === 1 ? valueKey(values[0]!) : JSON.stringify(values.map(valueKey));
}

function shown(value: CellValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `0x${value.subarray(0, 16).toString('hex')}`;
  return String(value);
}

/** Where each declared column is in a query's result: by name (or sourceColumn) or position. */
function positions(columns: readonly ColumnDef[], names: readonly string[], where: string): number[] {
  return columns.map((c) => {
    const source = c.sourceColumn ?? c.name;
    const at = typeof source === 'number' ? source : findIndex(names, source);
    if (at < 0 || at >= names.length)
      throw new Error(`${where} has no column ${String(source)} (it has ${names.join(', ')})`);
    return at;
  });
}

/** Every record of a flat file, parsed exactly as the Flat File Source parses it. */
async function readRecords(file: FlatFileConnection): Promise<CsvRecord[]> {
  await fileSize(file.path); // a clear error when the file is missing
  const reader = createCsvRecordReader({ delimiter: file.delimiter, qualifier: file.textQualifier });
  const records: CsvRecord[] = [];
  const drain = () => {
    for (let record = reader.next(); record; record = reader.next()) records.push(record);
  };
  for await (const chunk of readTextChunks(file.path, file.encoding)) {
    reader.push(chunk.text, chunk.invalidAt);
    drain();
  }
  reader.end();
  drain();
  return records;
}

/** The reference's rows as raw values, laid out by its declared columns. */
async function readReference(
  reference: LookupDef['reference'],
  context: ComponentContext,
): Promise<unknown[][]> {
  if (reference.type === 'query') {
    const connection = await context.task.connection(reference.connection, ['sqlite', 'postgresql']);
    const result = await connection.query(reference.query, [], { signal: context.signal });
    if (result.rows.length === 0) return [];
    const at = positions(reference.columns, result.columns, 'the reference query');
    return result.rows.map((row) => at.map((i) => row[result.columns[i]!]));
  }
  const file = await context.task.connection(reference.connection, 'flatFile');
  const label = `the reference file ${basename(file.path)}`;
  const records = await readRecords(file);
  const header = file.columnNamesInFirstDataRow ? records.shift() : null;
  if (header?.problem) throw new Error(`${label} line ${header.line}: ${header.problem.message}`);
  const at = mapColumns(reference.columns, header ? header.fields : null, label);
  return records.map((record) => {
    if (record.problem) throw new Error(`${label} line ${record.line}: ${record.problem.message}`);
    return at.map((i, c) => {
      if (i >= record.fields.length)
        throw new Error(
          `${label} line ${record.line}: column ${reference.columns[c]!.name} reads field ${i} (0-based) of ${record.fields.length}`,
        );
      return record.fields[i];
    });
  });
}

/** The cache: key -> reference row (declared columns, converted). Throws naming what is wrong. */
async function loadCache(definition: LookupDef, context: ComponentContext): Promise<Map<string, Row>> {
  const columns = definition.reference.columns;
  const names = columns.map((c) => c.name);
  const keyIndexes = definition.joins.map((j) => findIndex(names, j.reference));
  const cache = new Map<string, Row>();
  let duplicates = 0;
  let firstDuplicate = '';
  const raw = await readReference(definition.reference, context);
  raw.forEach((values, n) => {
    let row: Row;
    try {
      row = values.map((v, i) => convertCell(v, columns[i]!.dataType, columns[i]!.name, columns[i]!.format));
    } catch (error) {
      if (!(error instanceof RowError)) throw error;
      throw new Error(`reference row ${n + 1}: ${error.message}`, { cause: error });
    }
    const key = keyOf(keyIndexes.map((i) => row[i]!));
    if (key === null) return;
    if (!cache.has(key)) cache.set(key, row);
    else if (duplicates++ === 0) firstDuplicate = keyIndexes.map((i) => shown(row[i]!)).join(', ');
  });
  if (duplicates > 0)
    context.task.log.warning(
      `${context.name}: ${duplicates} reference row(s) repeat an earlier key (first: ${firstDuplicate}); the first row of each key is used`,
    );
  return cache;
}

export const createLookup: ComponentFactory<LookupDef> = (definition, context) => {
  const input = context.inputs.get('Input') ?? [];
  const refNames = definition.reference.columns.map((c) => c.name);
  const inputNames = input.map((c) => c.name);
  const joins = definition.joins.map((j) => {
    const from = findIndex(inputNames, j.input);
    const ref = definition.reference.columns[findIndex(refNames, j.reference)];
    if (from < 0 || !ref) throw new Error(`${context.name}: cannot join ${j.input} to ${j.reference}`);
    return { from, name: input[from]!.name, dataType: ref.dataType };
  });
  const added = definition.outputColumns.map((o) => findIndex(refNames, o.reference));
  const nulls: Row = added.map(() => null);
  let cache: Promise<Map<string, Row>> | null = null;
  const warned = new Set<string>();
  const errors = createRowErrors(context, definition.errorDisposition);

  /** The key of an input row, null for a NULL key; throws RowError when a value cannot convert. */
  function inputKey(row: Row): string | null {
    return keyOf(joins.map((j) => convertCell(row[j.from] ?? null, j.dataType, j.name)));
  }

  const describeKey = (row: Row) => joins.map((j) => `${j.name} = ${shown(row[j.from] ?? null)}`).join(', ');

  async function send(output: string, rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (context.isConnected(output)) return context.emit(output, rows);
    if (output === MATCH || warned.has(output)) return;
    warned.add(output);
    context.task.log.warning(
      `${context.name}: rows sent to its ${output} output are dropped: the output is not connected`,
    );
  }

  return {
    async receive(_input, rows) {
      const table = await (cache ??= loadCache(definition, context).catch((error: unknown) => {
        if (context.signal.aborted) throw error;
        throw new Error(`${context.name}: ${(error as Error).message}`, { cause: error });
      }));
      const match: Row[] = [];
      const noMatch: Row[] = [];
      const bad: Row[] = [];
      for (const row of rows) {
        let key: string | null = null;
        try {
          key = inputKey(row);
        } catch (error) {
          if (!(error instanceof RowError)) throw error;
          const redirected = errors.handle(error);
          if (redirected) {
            bad.push(errorRow(row, redirected));
            continue;
          }
        }
        const found = key === null ? undefined : table.get(key);
        if (found) match.push([...row, ...added.map((i) => found[i]!)]);
        else if (definition.noMatch === 'RedirectRow') noMatch.push(row);
        else if (definition.noMatch === 'IgnoreFailure') match.push([...row, ...nulls]);
        else throw new Error(`${context.name}: no reference row matches ${describeKey(row)}`);
      }
      await send(MATCH, match);
      await send(NO_MATCH, noMatch);
      await send(ERROR_OUTPUT, bad);
    },
  };
};
