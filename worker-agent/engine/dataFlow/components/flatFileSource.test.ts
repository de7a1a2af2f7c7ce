import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { FlatFileSource } from '../../../../master-core/protocol/dataFlowFormat';
import { SOURCE_ERROR_COLUMNS } from '../../../../master-core/protocol/dataFlowMetadata';
import type { FileSourceRun } from './fileTestKit';
import { runFileSource, useTempFolder } from './fileTestKit';
import { createFlatFileSource } from './flatFileSource';

type SourceInput = Partial<z.input<typeof FlatFileSource>>;
type ConnectionInput = { delimiter?: string; textQualifier?: string; columnNamesInFirstDataRow?: boolean };

const folder = useTempFolder();

const ORDER_COLUMNS = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
  { name: 'Amount', dataType: 'Int32' },
] as const;

/** Writes orders.csv and runs a flat file source over it. */
async function run(
  content: string | Buffer,
  component: SourceInput = {},
  connection: ConnectionInput & { encoding?: 'utf8' | 'utf16le' | 'latin1' | 'ascii' } = {},
  options: Partial<FileSourceRun> = {},
) {
  const def = FlatFileSource.parse({
    name: 'Orders',
    type: 'flatFileSource',
    connection: 'Orders file',
    columns: ORDER_COLUMNS,
    ...component,
  });
  return runFileSource(createFlatFileSource, def, {
    workDir: folder.path,
    file: 'orders.csv',
    content,
    connection,
    ...options,
  });
}

describe('flat file source: columns and types', () => {
  it('maps columns to header names case-insensitively, by sourceColumn name or position', async () => {
    const context = await run('ID,Customer Name,amount,Extra\n1,Alice,10,x\n2,Bob,20,y\n', {
      columns: [
        { name: 'Id', dataType: 'Int32' },
        { name: 'Name', dataType: 'String', sourceColumn: 'customer name' },
        { name: 'Amount', dataType: 'Int64' },
        { name: 'Fourth', dataType: 'String', sourceColumn: 3 },
      ],
    });
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', 10, 'x'],
      [2, 'Bob', 20, 'y'],
    ]);
  });

  it('converts every type, with formats, empty text NULL except for strings', async () => {
    const context = await run(
      'Id,Name,Amount,Price,Active,Created,Day,Blob,Big\n' +
        '1,Alice,12.5,3.25,true,2024-03-15T10:20:30Z,15/03/2024,aGVsbG8=,9007199254740991\n' +
        '2,,,,0,2024-03-15 10:20,,,\n',
      {
        columns: [
          { name: 'Id', dataType: 'Int32' },
          { name: 'Name', dataType: 'String' },
          { name: 'Amount', dataType: 'Decimal' },
          { name: 'Price', dataType: 'Double' },
          { name: 'Active', dataType: 'Boolean' },
          { name: 'Created', dataType: 'DateTime' },
          { name: 'Day', dataType: 'DateTime', format: 'dd/MM/yyyy' },
          { name: 'Blob', dataType: 'Bytes' },
          { name: 'Big', dataType: 'Int64' },
        ],
      },
    );
    expect(context.rowsOf('Output')).toEqual([
      [
        1,
        'Alice',
        12.5,
        3.25,
        true,
        new Date('2024-03-15T10:20:30Z'),
        new Date('2024-03-15T00:00:00Z'),
        Buffer.from('hello'),
        9007199254740991,
      ],
      [2, '', null, null, false, new Date('2024-03-15T10:20:00Z'), null, null, null],
    ]);
  });

  it('reads by position without a header row, and refuses a column named by header', async () => {
    const context = await run(
      '1;Alice;10\n2;Bob;20\n',
      {},
      { delimiter: ';', columnNamesInFirstDataRow: false },
    );
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', 10],
      [2, 'Bob', 20],
    ]);
    await expect(
      run(
        '1;Alice;10\n',
        { columns: [{ name: 'Id', dataType: 'Int32', sourceColumn: 'Id' }] },
        { delimiter: ';', columnNamesInFirstDataRow: false },
      ),
    ).rejects.toThrow(
      'orders.csv: column Id reads source column "Id" by name, but the connection has no header row',
    );
    await expect(
      run(
        '1;Alice\n',
        { columns: [{ name: 'Id', dataType: 'Int32', sourceColumn: 4 }] },
        { delimiter: ';', columnNamesInFirstDataRow: false },
      ),
    ).rejects.toThrow(
      'orders.csv: column Id reads field 4 (0-based) but line 1, the first data row, has 2 fields',
    );
  });

  it('names the header columns when a column is missing', async () => {
    await expect(run('Id,Name\n1,Alice\n')).rejects.toThrow(
      'orders.csv has no column "Amount" for column Amount (its header row has Id, Name)',
    );
  });

  it('skips skipRows data rows after the header, counting their lines', async () => {
    const context = await run('Id,Name,Amount\n0,junk,x\n0,"more\njunk",y\n1,Alice,10\n2,Bob,abc\n', {
      skipRows: 2,
      errorDisposition: 'RedirectRow',
    });
    expect(context.rowsOf('Output')).toEqual([[1, 'Alice', 10]]);
    expect(context.rowsOf('Error').map((r) => r[0])).toEqual([6]);
  });

  it('sends rows in buffers of bufferRows and awaits each emit before reading on', async () => {
    let inFlight = 0;
    let most = 0;
    const sizes: number[] = [];
    const lines = Array.from({ length: 25 }, (_, i) => `${i},n${i},${i}`).join('\n');
    await run(
      `Id,Name,Amount\n${lines}\n`,
      {},
      {},
      {
        bufferRows: 10,
        onEmit: async (_output, rows) => {
          inFlight += 1;
          most = Math.max(most, inFlight);
          sizes.push(rows.length);
          await new Promise<void>((resolve) => setImmediate(resolve));
          inFlight -= 1;
        },
      },
    );
    expect(sizes).toEqual([10, 10, 5]);
    expect(most).toBe(1);
  });
});

describe('flat file source: text', () => {
  it('strips a UTF-8 byte order mark and reads CRLF, quoted delimiters and embedded line breaks', async () => {
    const context = await run(
      '\uFEFFId,Name,Amount\r\n1,"Smith, ""JJ""",5\r\n2,"two\r\nlines",6\r\n3,x,abc\r\n',
      { errorDisposition: 'RedirectRow' },
    );
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Smith, "JJ"', 5],
      [2, 'two\r\nlines', 6],
    ]);
    // The embedded line break counts: the bad row is on line 5.
    expect(context.rowsOf('Error')[0]!.slice(0, 2)).toEqual([5, '3,x,abc']);
  });

  it('reads utf16le (with its byte order mark), latin1 and ascii files', async () => {
    const text = 'Id,Name,Amount\n1,Zoë Ørsted,5\n';
    const utf16 = await run(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
      {},
      {
        encoding: 'utf16le',
      },
    );
    expect(utf16.rowsOf('Output')).toEqual([[1, 'Zoë Ørsted', 5]]);
    const latin1 = await run(Buffer.from(text, 'latin1'), {}, { encoding: 'latin1' });
    expect(latin1.rowsOf('Output')).toEqual([[1, 'Zoë Ørsted', 5]]);
    const ascii = await run(Buffer.from('Id,Name,Amount\n1,Plain,5\n', 'ascii'), {}, { encoding: 'ascii' });
    expect(ascii.rowsOf('Output')).toEqual([[1, 'Plain', 5]]);
  });

  it('treats invalid UTF-8 in a column it reads as a row error naming line and column', async () => {
    const bytes = Buffer.concat([
      Buffer.from('Id,Name,Amount,Note\n1,ok \uFFFD genuine,1,x\n2,bad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(',2,x\n3,fine,3,bad '),
      Buffer.from([0xff]),
      Buffer.from('\n'),
    ]);
    const columns = [...ORDER_COLUMNS];
    await expect(run(bytes, { columns })).rejects.toThrow(
      'orders.csv line 3, column Name: the text holds bytes that are not valid UTF-8 (read as U+FFFD)',
    );
    const context = await run(bytes, { columns, errorDisposition: 'RedirectRow' });
    // A genuine U+FFFD is kept; invalid bytes in Note, which no column reads, do not fail row 3.
    expect(context.rowsOf('Output')).toEqual([
      [1, 'ok \uFFFD genuine', 1],
      [3, 'fine', 3],
    ]);
    expect(context.rowsOf('Error')).toEqual([
      [
        3,
        '2,bad \uFFFD(,2,x',
        1,
        'Name',
        'the text holds bytes that are not valid UTF-8 (read as U+FFFD) for column Name',
      ],
    ]);
  });

  it('reads an empty file, a header-only file and one without a final line break', async () => {
    expect((await run('')).rowsOf('Output')).toEqual([]);
    expect((await run('\uFEFF')).rowsOf('Output')).toEqual([]);
    expect((await run('Id,Name,Amount\r\n')).rowsOf('Output')).toEqual([]);
    expect((await run('Id,Name,Amount')).rowsOf('Output')).toEqual([]);
    expect((await run('Id,Name,Amount\n1,a,2')).rowsOf('Output')).toEqual([[1, 'a', 2]]);
  });

  it('fails with a clear message when the file does not exist', async () => {
    const def = FlatFileSource.parse({
      name: 'Orders',
      type: 'flatFileSource',
      connection: 'Missing',
      columns: ORDER_COLUMNS,
    });
    await expect(
      runFileSource(createFlatFileSource, def, { workDir: folder.path, file: 'missing.csv' }),
    ).rejects.toThrow(`the file ${join(folder.path, 'missing.csv')} does not exist`);
  });
});

describe('flat file source: bad rows', () => {
  const bad =
    'Id,Name,Amount\n1,Alice,10\n2,"Bob,20\n3,Carol\n4,Dan,abc\n5,"E"x,1\n6,Eve,99999999999\n7,Fay,70\n';

  it('FailComponent: the first bad row stops the source, naming file, line and column', async () => {
    await expect(run('Id,Name,Amount\n1,a,1\n2,b,2\n3,c,3\n4,d,4\n5,e,5\n6,f,abc\n')).rejects.toThrow(
      'orders.csv line 7, column Amount: cannot convert "abc" to Int32',
    );
    await expect(run(bad)).rejects.toThrow(
      'orders.csv line 3, column Name: unbalanced text qualifier " (the quoted field does not close properly)',
    );
    await expect(run('Id,Name,Amount\n1,Carol\n')).rejects.toThrow(
      'orders.csv line 2: expected 3 fields, found 2',
    );
  });

  it('RedirectRow: bad rows go to the Error output laid out as SOURCE_ERROR_COLUMNS', async () => {
    const context = await run(bad, { errorDisposition: 'RedirectRow' });
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', 10],
      [7, 'Fay', 70],
    ]);
    expect(SOURCE_ERROR_COLUMNS.map((c) => c.name)).toEqual([
      'LineNumber',
      'RawText',
      'ErrorCode',
      'ErrorColumn',
      'ErrorDescription',
    ]);
    expect(context.rowsOf('Error')).toEqual([
      [3, '2,"Bob,20', 5, 'Name', 'unbalanced text qualifier " (the quoted field does not close properly)'],
      [4, '3,Carol', 5, '', 'expected 3 fields, found 2'],
      [5, '4,Dan,abc', 1, 'Amount', 'cannot convert "abc" to Int32 for column Amount'],
      [6, '5,"E"x,1', 5, 'Name', 'unexpected text after the closing text qualifier "'],
      [7, '6,Eve,99999999999', 3, 'Amount', '99999999999 does not fit Int32 for column Amount'],
    ]);
    expect(context.texts('warning')).toEqual([]);
  });

  it('IgnoreFailure: bad rows are skipped with one warning giving the count and the first', async () => {
    const context = await run(bad, { errorDisposition: 'IgnoreFailure' });
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', 10],
      [7, 'Fay', 70],
    ]);
    expect(context.rowsOf('Error')).toEqual([]);
    expect(context.texts('warning')).toEqual([
      'orders.csv: 5 rows with errors were skipped (IgnoreFailure); the first at line 3, column Name: ' +
        'unbalanced text qualifier " (the quoted field does not close properly)',
    ]);
  });

  it('RedirectRow with no path from the Error output: rows dropped, with a warning', async () => {
    const context = await run(bad, { errorDisposition: 'RedirectRow' }, {}, { connected: ['Output'] });
    expect(context.rowsOf('Error')).toEqual([]);
    expect(context.texts('warning')[0]).toMatch(/^orders\.csv: 5 rows with errors were dropped/);
  });

  it('allowRaggedRows pads short rows with NULL and cuts long ones', async () => {
    const context = await run('Id,Name,Amount\n1,Alice\n2,Bob,20,extra\n', { allowRaggedRows: true });
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', null],
      [2, 'Bob', 20],
    ]);
  });

  it('an unclosed qualifier at the end of the file fails only its row', async () => {
    const context = await run('Id,Name,Amount\n1,Alice,10\n2,"Bob,20\n3,Carol,30', {
      errorDisposition: 'RedirectRow',
    });
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', 10],
      [3, 'Carol', 30],
    ]);
    expect(context.rowsOf('Error')).toEqual([
      [3, '2,"Bob,20', 5, 'Name', 'unbalanced text qualifier " (the quoted field is never closed)'],
    ]);
  });

  it('stops between buffers when the execution is cancelled', async () => {
    const controller = new AbortController();
    const lines = Array.from({ length: 100 }, (_, i) => `${i},n,${i}`).join('\n');
    const emitted: number[] = [];
    await expect(
      run(
        `Id,Name,Amount\n${lines}\n`,
        {},
        {},
        {
          bufferRows: 10,
          signal: controller.signal,
          onEmit: (_output, rows) => {
            emitted.push(rows.length);
            controller.abort(new Error('stopped by the operator'));
          },
        },
      ),
    ).rejects.toThrow('stopped by the operator');
    expect(emitted).toEqual([10]);
  });
});

describe('flat file source: a large file', () => {
  it('streams 1,000,000 rows in bounded memory, with at most 20 progress messages', async () => {
    const path = join(tmpdir(), `scaleout-large-${process.pid}-${Date.now()}.csv`);
    try {
      const out = createWriteStream(path);
      out.write('Id,Name,Email,Amount,Created,Active,Notes\n');
      for (let i = 1; i <= 1_000_000; i += 1000) {
        let block = '';
        for (let j = i; j < i + 1000; j++) {
          const note = j % 10 === 0 ? `"note, ""${j}"""` : `note ${j % 1000}`;
          block += `${j},Customer ${j},c${j}@example.com,${(j * 1.37).toFixed(2)},2024-0${1 + (j % 9)}-1${j % 10},${j % 2 === 0},${note}\n`;
        }
        if (!out.write(block)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      out.end();
      await finished(out);
      const def = FlatFileSource.parse({
        name: 'Large',
        type: 'flatFileSource',
        connection: 'Large file',
        columns: [
          { name: 'Id', dataType: 'Int32' },
          { name: 'Name', dataType: 'String' },
          { name: 'Email', dataType: 'String' },
          { name: 'Amount', dataType: 'Decimal' },
          { name: 'Created', dataType: 'DateTime' },
          { name: 'Active', dataType: 'Boolean' },
          { name: 'Notes', dataType: 'String' },
        ],
      });
      let rows = 0;
      let last: unknown[] = [];
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const started = performance.now();
      const context = await runFileSource(createFlatFileSource, def, {
        workDir: folder.path,
        file: path,
        bufferRows: 10_000,
        onEmit: (_output, emitted) => {
          rows += emitted.length;
          last = emitted[emitted.length - 1]!;
          peak = Math.max(peak, process.memoryUsage().rss);
        },
      });
      const seconds = (performance.now() - started) / 1000;
      expect(rows).toBe(1_000_000);
      expect(last).toEqual([
        1_000_000,
        'Customer 1000000',
        'c1000000@example.com',
        1370000,
        new Date('2024-02-10T00:00:00Z'),
        true,
        'note, "1000000"',
      ]);
      expect(peak - baseline).toBeLessThan(400 * 1024 * 1024);
      const progress = context.texts('progress');
      expect(progress.length).toBeGreaterThanOrEqual(15);
      expect(progress.length).toBeLessThanOrEqual(20);
      expect(progress.at(-1)).toMatch(/^100% scaleout-large-.*\.csv: 1000000 rows read$/);
      // Generous: the source alone reads about 700k typed rows/s here; this catches a quadratic slip.
      expect(1_000_000 / seconds).toBeGreaterThan(100_000);
    } finally {
      await rm(path, { force: true });
    }
  });
});
