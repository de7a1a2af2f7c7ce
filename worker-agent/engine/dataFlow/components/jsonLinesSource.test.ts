import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { JsonLinesSource } from '../../../../master-core/protocol/dataFlowFormat';
import { runFileSource, useTempFolder } from './fileTestKit';
import { createJsonLinesSource } from './jsonLinesSource';

const folder = useTempFolder();

const EVENT_COLUMNS = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
  { name: 'Amount', dataType: 'Int32' },
] as const;

/** Writes events.jsonl and runs a JSON lines source over it. */
async function run(
  content: string | Buffer,
  component: Partial<z.input<typeof JsonLinesSource>> = {},
  encoding: 'utf8' | 'utf16le' | 'latin1' | 'ascii' = 'utf8',
) {
  const def = JsonLinesSource.parse({
    name: 'Events',
    type: 'jsonLinesSource',
    connection: 'Events file',
    columns: EVENT_COLUMNS,
    ...component,
  });
  return runFileSource(createJsonLinesSource, def, {
    workDir: folder.path,
    file: 'events.jsonl',
    content,
    connection: { encoding },
  });
}

describe('JSON lines source', () => {
  it('reads properties by name (exact, then case-insensitive) or sourceColumn, converting types', async () => {
    const context = await run(
      '{"Id":1,"name":"Alice","amount":"12","When":"2024-03-15T10:20:30Z","Bytes":"aGk=","Tags":{"a":1},"ok":1}\n' +
        '{"Id":2,"Name":"Bob","name":"not this one"}\n',
      {
        columns: [
          { name: 'Id', dataType: 'Int64' },
          { name: 'Name', dataType: 'String' },
          { name: 'Amount', dataType: 'Int32' },
          { name: 'When', dataType: 'DateTime' },
          { name: 'Data', dataType: 'Bytes', sourceColumn: 'Bytes' },
          { name: 'Tags', dataType: 'String' },
          { name: 'Ok', dataType: 'Boolean' },
        ],
      },
    );
    expect(context.rowsOf('Output')).toEqual([
      [1, 'Alice', 12, new Date('2024-03-15T10:20:30Z'), Buffer.from('hi'), '{"a":1}', true],
      [2, 'Bob', null, null, null, null, null],
    ]);
  });

  it('strips a BOM, reads CRLF, skips blank lines and needs no final line break', async () => {
    const context = await run('\uFEFF{"Id":1}\r\n\r\n   \n{"Id":2,"Name":"x"}');
    expect(context.rowsOf('Output')).toEqual([
      [1, null, null],
      [2, 'x', null],
    ]);
  });

  it('reads utf16le and an empty file', async () => {
    const text = '{"Id":1,"Name":"Zoë"}\n';
    const utf16 = await run(Buffer.from(`\uFEFF${text}`, 'utf16le'), {}, 'utf16le');
    expect(utf16.rowsOf('Output')).toEqual([[1, 'Zoë', null]]);
    expect((await run('')).rowsOf('Output')).toEqual([]);
  });

  const bad =
    '{"Id":1,"Name":"a","Amount":1}\n' +
    '{"Id":2,"Name":\n' +
    '[1,2,3]\n' +
    '{"Id":4,"Amount":"abc"}\n' +
    '{"Id":5,"Amount":{"x":1}}\n' +
    'null\n' +
    '{"Id":7,"Amount":7}\n';

  it('FailComponent: the first bad line stops the source, naming file, line and column', async () => {
    await expect(run(bad)).rejects.toThrow(/^events\.jsonl line 2: malformed JSON: /);
    await expect(run('{"Id":1}\n{"Id":2,"Amount":"abc"}\n')).rejects.toThrow(
      'events.jsonl line 2, column Amount: cannot convert "abc" to Int32',
    );
    await expect(run('"text"\n')).rejects.toThrow(
      'events.jsonl line 1: the line holds a JSON string, not an object',
    );
  });

  it('RedirectRow: bad lines go to the Error output with line, raw text, code, column and description', async () => {
    const context = await run(bad, { errorDisposition: 'RedirectRow' });
    expect(context.rowsOf('Output')).toEqual([
      [1, 'a', 1],
      [7, null, 7],
    ]);
    const errors = context.rowsOf('Error');
    expect(errors.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      [2, '{"Id":2,"Name":', 5, ''],
      [3, '[1,2,3]', 5, ''],
      [4, '{"Id":4,"Amount":"abc"}', 1, 'Amount'],
      [5, '{"Id":5,"Amount":{"x":1}}', 1, 'Amount'],
      [6, 'null', 5, ''],
    ]);
    expect(errors[0]![4]).toMatch(/^malformed JSON: /);
    expect(errors[1]![4]).toBe('the line holds a JSON array, not an object');
    expect(errors[2]![4]).toBe('cannot convert "abc" to Int32 for column Amount');
    expect(errors[4]![4]).toBe('the line holds a JSON null, not an object');
  });

  it('IgnoreFailure: bad lines are skipped with one warning', async () => {
    const context = await run(bad, { errorDisposition: 'IgnoreFailure' });
    expect(context.rowsOf('Output')).toHaveLength(2);
    expect(context.texts('warning')).toHaveLength(1);
    expect(context.texts('warning')[0]).toMatch(
      /^events\.jsonl: 5 rows with errors were skipped \(IgnoreFailure\); the first at line 2: malformed JSON/,
    );
  });

  it('invalid UTF-8 in a value a column reads is a row error; elsewhere it is read as U+FFFD', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"Id":1,"Name":"bad '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('"}\n{"Id":2,"Name":"ok","Other":"x '),
      Buffer.from([0xff]),
      Buffer.from('"}\n'),
    ]);
    const context = await run(bytes, { errorDisposition: 'RedirectRow' });
    expect(context.rowsOf('Output')).toEqual([[2, 'ok', null]]);
    expect(context.rowsOf('Error')).toEqual([
      [
        1,
        '{"Id":1,"Name":"bad \uFFFD"}',
        1,
        'Name',
        'the text holds bytes that are not valid UTF-8 (read as U+FFFD) for column Name',
      ],
    ]);
  });
});
