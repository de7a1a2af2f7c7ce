import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ColumnDef } from '../../../../master-core/protocol/dataFlowFormat';
import { FlatFileDestination, FlatFileSource } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import type { Row } from '../types';
import { openFileSink } from './fileSink';
import { createFileTestContext, runDestination, runFileSource, useTempFolder } from './fileTestKit';
import { createFlatFileDestination, isoText } from './flatFileDestination';
import { createFlatFileSource } from './flatFileSource';

const folder = useTempFolder();

type Connection = {
  delimiter?: string;
  textQualifier?: string;
  columnNamesInFirstDataRow?: boolean;
  encoding?: 'utf8' | 'utf16le' | 'latin1' | 'ascii';
};

const COLUMNS: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
  { name: 'Price', dataType: 'Double' },
  { name: 'Active', dataType: 'Boolean' },
  { name: 'When', dataType: 'DateTime' },
  { name: 'Data', dataType: 'Bytes' },
];

function destination(file: string, connection: Connection = {}, overwrite = true, columns = COLUMNS) {
  const def = FlatFileDestination.parse({
    name: 'Out',
    type: 'flatFileDestination',
    connection: 'Out file',
    overwrite,
  });
  const context = createFileTestContext({
    workDir: folder.path,
    connections: [{ name: 'Out file', connectionString: file, ...connection }],
    inputs: { Input: columns },
  });
  return createFlatFileDestination(def, context);
}

/** Files in the folder whose name says they are a destination's temporary file. */
const tempFiles = async () => (await readdir(folder.path)).filter((name) => name.endsWith('.tmp'));

const ROWS: Row[] = [
  [1, 'plain', 1.5, true, new Date('2024-03-15T10:20:30.000Z'), Buffer.from('hi')],
  [2, 'comma, "quoted"', -0.25, false, null, null],
  [3, 'line\r\nbreak', null, null, null, Buffer.alloc(0)],
  [null, '', 1e21, true, new Date('1999-12-31T23:59:59.999Z'), null],
];

describe('flat file destination', () => {
  it('writes a header and CRLF records, quoting only what needs it; NULL empty, ISO dates, base64', async () => {
    await runDestination(destination('out.csv'), ROWS);
    expect(await readFile(join(folder.path, 'out.csv'), 'utf8')).toBe(
      'Id,Name,Price,Active,When,Data\r\n' +
        '1,plain,1.5,true,2024-03-15T10:20:30.000Z,aGk=\r\n' +
        '2,"comma, ""quoted""",-0.25,false,,\r\n' +
        '3,"line\r\nbreak",,,,\r\n' +
        ',,1e+21,true,1999-12-31T23:59:59.999Z,\r\n',
    );
    expect(await tempFiles()).toEqual([]);
  });

  it("uses the connection's delimiter, qualifier, header setting and encoding", async () => {
    await runDestination(
      destination('semi.csv', { delimiter: ';', textQualifier: "'", columnNamesInFirstDataRow: false }),
      [[1, "it's; here", 2, true, null, null]],
    );
    expect(await readFile(join(folder.path, 'semi.csv'), 'utf8')).toBe("1;'it''s; here';2;true;;\r\n");
    await runDestination(destination('wide.csv', { encoding: 'utf16le' }), [[1, 'Zoë', 1, true, null, null]]);
    const bytes = await readFile(join(folder.path, 'wide.csv'));
    expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(bytes.subarray(2).toString('utf16le')).toBe(
      'Id,Name,Price,Active,When,Data\r\n1,Zoë,1,true,,\r\n',
    );
    await runDestination(destination('old.csv', { encoding: 'latin1' }), [[1, 'Zoë', 1, true, null, null]]);
    expect((await readFile(join(folder.path, 'old.csv'))).includes(Buffer.from([0xeb]))).toBe(true);
  });

  it('refuses, naming row and column, a character the encoding cannot hold', async () => {
    await expect(
      runDestination(destination('ascii.csv', { encoding: 'ascii' }), [[1, 'Zoë', 1, true, null, null]]),
    ).rejects.toThrow('ascii.csv row 1, column Name: the value holds characters that ascii cannot encode');
    await expect(
      runDestination(destination('latin.csv', { encoding: 'latin1' }), [
        [1, 'Zoë', 1, true, null, null],
        [2, '5 €', 1, true, null, null],
      ]),
    ).rejects.toThrow('latin.csv row 2, column Name: the value holds characters that latin1 cannot encode');
    expect(await tempFiles()).toEqual([]);
  });

  it('writes only the header for no rows', async () => {
    await runDestination(destination('empty.csv'), []);
    expect(await readFile(join(folder.path, 'empty.csv'), 'utf8')).toBe('Id,Name,Price,Active,When,Data\r\n');
  });

  it('fails, leaving nothing, when a value needs quoting and there is no qualifier', async () => {
    await expect(
      runDestination(destination('bare.csv', { textQualifier: '' }), [
        [1, 'ok', 1, true, null, null],
        [2, 'a,b', 1, true, null, null],
      ]),
    ).rejects.toThrow(
      'bare.csv row 2, column Name: the value holds the delimiter or a line break, and the connection has no text qualifier',
    );
    expect(existsSync(join(folder.path, 'bare.csv'))).toBe(false);
    expect(await tempFiles()).toEqual([]);
  });

  it('overwrite false: refuses an existing file before writing and leaves it as it was', async () => {
    await writeFile(join(folder.path, 'keep.csv'), 'old');
    await expect(runDestination(destination('keep.csv', {}, false), ROWS)).rejects.toThrow(
      `${join(folder.path, 'keep.csv')} already exists and overwrite is false`,
    );
    expect(await readFile(join(folder.path, 'keep.csv'), 'utf8')).toBe('old');
    await runDestination(destination('new.csv', {}, false), ROWS.slice(0, 1));
    expect(await readFile(join(folder.path, 'new.csv'), 'utf8')).toMatch(/^Id,Name/);
    expect(await tempFiles()).toEqual([]);
  });

  it('replaces the file only at the end; close before the end leaves the old file and no temp file', async () => {
    const path = join(folder.path, 'replace.csv');
    await writeFile(path, 'old');
    const unfinished = destination('replace.csv');
    await unfinished.receive!('Input', ROWS);
    expect(await tempFiles()).toHaveLength(1);
    expect(await readFile(path, 'utf8')).toBe('old');
    await unfinished.close!();
    expect(await readFile(path, 'utf8')).toBe('old');
    expect(await tempFiles()).toEqual([]);

    const finished = destination('replace.csv');
    await finished.receive!('Input', ROWS);
    expect(await readFile(path, 'utf8')).toBe('old');
    await finished.end!('Input');
    await finished.close!();
    expect(await readFile(path, 'utf8')).toMatch(/^Id,Name/);
  });

  it('isoText writes exactly what toISOString does (and an invalid date as empty)', () => {
    const times = [
      0, -1, 999, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_001,
    ];
    for (let i = 0; i < 5000; i++) times.push(Math.round((i - 2500) * 1_234_567_891.37));
    for (const t of times) expect(isoText(new Date(t))).toBe(new Date(t).toISOString());
    expect(isoText(new Date(Number.NaN))).toBe('');
  });

  it('file sink: writes past the stream buffer wait for it to drain and all arrive', async () => {
    const sink = await openFileSink(join(folder.path, 'big.txt'), 'utf8', true);
    const block = 'x'.repeat(1024 * 1024 - 1) + '\n';
    for (let i = 0; i < 32; i++) await sink.write(block);
    await sink.commit();
    const text = await readFile(join(folder.path, 'big.txt'), 'utf8');
    expect(text.length).toBe(32 * 1024 * 1024);
    expect(await tempFiles()).toEqual([]);
  });
});

describe('flat file round trip', () => {
  it('reads back what it wrote: every type, awkward text, several buffers', async () => {
    const columns: ColumnDef[] = [
      { name: 'Id', dataType: 'Int64' },
      { name: 'Text', dataType: 'String' },
      { name: 'Amount', dataType: 'Decimal' },
      { name: 'Ratio', dataType: 'Double' },
      { name: 'Flag', dataType: 'Boolean' },
      { name: 'When', dataType: 'DateTime' },
      { name: 'Blob', dataType: 'Bytes' },
      { name: 'Small', dataType: 'Int32' },
    ];
    const texts = ['plain', 'a,b', '"q"', 'two\nlines', 'crlf\r\nx', '  padded  ', 'Zoë ✓ 日本', "it's", ''];
    const rows: Row[] = Array.from({ length: 2500 }, (_, i) => [
      Number.MAX_SAFE_INTEGER - i,
      texts[i % texts.length]!,
      i % 7 === 0 ? null : i * 0.01,
      i / 3,
      i % 5 === 0 ? null : i % 2 === 0,
      i % 11 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + i * 86_400_123),
      i % 13 === 0 ? null : Buffer.from([i % 256, 0, 255]),
      i % 17 === 0 ? null : -(2 ** 31) + i,
    ]);
    for (const connection of [{}, { delimiter: '\t', encoding: 'utf16le' as const }]) {
      await runDestination(destination('trip.csv', connection, true, columns), rows, 1000);
      const def = FlatFileSource.parse({
        name: 'Back',
        type: 'flatFileSource',
        connection: 'Out file',
        columns,
      });
      const context = await runFileSource(createFlatFileSource, def, {
        workDir: folder.path,
        file: 'trip.csv',
        connection,
        bufferRows: 1000,
      });
      expect(context.rowsOf('Output')).toEqual(rows);
      expect(context.buffersOf('Output')).toEqual([1000, 1000, 500]);
    }
  });
});
