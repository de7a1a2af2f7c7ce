import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ColumnDef } from '../../../../master-core/protocol/dataFlowFormat';
import { JsonLinesDestination, JsonLinesSource } from '../../../../master-core/protocol/dataFlowFormat';
import type { Row } from '../types';
import { createFileTestContext, runDestination, runFileSource, useTempFolder } from './fileTestKit';
import { createJsonLinesDestination } from './jsonLinesDestination';
import { createJsonLinesSource } from './jsonLinesSource';

const folder = useTempFolder();

const COLUMNS: ColumnDef[] = [
  { name: 'Id', dataType: 'Int64' },
  { name: 'Name', dataType: 'String' },
  { name: 'Price', dataType: 'Double' },
  { name: 'Active', dataType: 'Boolean' },
  { name: 'When', dataType: 'DateTime' },
  { name: 'Data', dataType: 'Bytes' },
];

function destination(
  file: string,
  { overwrite = true, encoding = 'utf8' as 'utf8' | 'utf16le' | 'ascii' } = {},
  columns: ColumnDef[] = COLUMNS,
) {
  const def = JsonLinesDestination.parse({
    name: 'Out',
    type: 'jsonLinesDestination',
    connection: 'Out file',
    overwrite,
  });
  const context = createFileTestContext({
    workDir: folder.path,
    connections: [{ name: 'Out file', connectionString: file, encoding }],
    inputs: { Input: columns },
  });
  return createJsonLinesDestination(def, context);
}

describe('JSON lines destination', () => {
  it('writes one object per row in column order: null, ISO dates, base64 bytes, non-finite as null', async () => {
    await runDestination(destination('out.jsonl'), [
      [1, 'Alice "A"\n', 1.5, true, new Date('2024-03-15T10:20:30Z'), Buffer.from('hi')],
      [2, null, Number.NaN, false, null, null],
    ]);
    expect(await readFile(join(folder.path, 'out.jsonl'), 'utf8')).toBe(
      '{"Id":1,"Name":"Alice \\"A\\"\\n","Price":1.5,"Active":true,"When":"2024-03-15T10:20:30.000Z","Data":"aGk="}\n' +
        '{"Id":2,"Name":null,"Price":null,"Active":false,"When":null,"Data":null}\n',
    );
  });

  it('ascii: characters beyond it are written as JSON escapes and read back the same', async () => {
    const rows: Row[] = [[1, 'Zoë € 😀', null, null, null, null]];
    await runDestination(destination('ascii.jsonl', { encoding: 'ascii' }), rows);
    const text = await readFile(join(folder.path, 'ascii.jsonl'), 'latin1');
    expect(text).toBe(
      '{"Id":1,"Name":"Zo\\u00eb \\u20ac \\ud83d\\ude00","Price":null,"Active":null,"When":null,"Data":null}\n',
    );
    expect(JSON.parse(text).Name).toBe('Zoë € 😀');
  });

  it('overwrite false refuses an existing file; close before the end leaves no temp file', async () => {
    await writeFile(join(folder.path, 'keep.jsonl'), 'old');
    await expect(runDestination(destination('keep.jsonl', { overwrite: false }), [])).rejects.toThrow(
      'already exists and overwrite is false',
    );
    const unfinished = destination('keep.jsonl');
    await unfinished.receive!('Input', [[1, 'x', 1, true, null, null]]);
    await unfinished.close!();
    expect(await readFile(join(folder.path, 'keep.jsonl'), 'utf8')).toBe('old');
    expect((await readdir(folder.path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('round trip: the JSON lines source reads back what the destination wrote', async () => {
    const rows: Row[] = Array.from({ length: 2100 }, (_, i) => [
      i,
      i % 9 === 0 ? null : `name ${i} "q" ✓\n${i}`,
      i % 4 === 0 ? null : i / 7,
      i % 3 === 0,
      i % 5 === 0 ? null : new Date(Date.UTC(2020, 1, 29) + i * 3_600_001),
      i % 6 === 0 ? null : Buffer.from([i % 256, 1, 2]),
    ]);
    await runDestination(destination('trip.jsonl', { encoding: 'utf16le' }), rows, 1000);
    const def = JsonLinesSource.parse({
      name: 'Back',
      type: 'jsonLinesSource',
      connection: 'Out file',
      columns: COLUMNS,
    });
    const context = await runFileSource(createJsonLinesSource, def, {
      workDir: folder.path,
      file: 'trip.jsonl',
      connection: { encoding: 'utf16le' },
    });
    expect(context.rowsOf('Output')).toEqual(rows);
  });
});
