import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ROW_ERROR_CODES } from '../types';
import { createLookup } from './lookup';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const INPUT: ColumnMeta[] = [
  { name: 'OrderId', dataType: 'Int32' },
  { name: 'CustomerId', dataType: 'Int32' },
  { name: 'Region', dataType: 'String' },
];

const SEED = `
  CREATE TABLE customers (id INTEGER, region TEXT, name TEXT, since TEXT, vip INTEGER);
  INSERT INTO customers VALUES
    (1, 'EU', 'Ada', '2020-01-02', 1),
    (2, 'EU', 'Bob', '2021-05-06', 0),
    (2, 'US', 'Bea', NULL, 0),
    (3, 'US', 'Cy', NULL, NULL),
    (NULL, 'EU', 'Nobody', NULL, 0);
`;
const QUERY_REFERENCE = {
  type: 'query',
  connection: 'Ref',
  query:
    'SELECT id AS Id, region AS Region, name AS Name, since AS Since, vip AS Vip FROM customers ORDER BY rowid',
  columns: [
    { name: 'Id', dataType: 'Int64' },
    { name: 'Region', dataType: 'String' },
    { name: 'Name', dataType: 'String' },
    { name: 'Since', dataType: 'DateTime' },
    { name: 'Vip', dataType: 'Boolean' },
  ],
};
const CONNECTIONS = [
  { type: 'sqlite', name: 'Ref', connectionString: 'ref.db' },
  { type: 'flatFile', name: 'RefFile', connectionString: 'ref.csv' },
  {
    type: 'flatFile',
    name: 'RefPlain',
    connectionString: 'plain.txt',
    delimiter: ';',
    columnNamesInFirstDataRow: false,
  },
];

const kits = disposedAfterEach<TransformKit>();

async function start(extra: Record<string, unknown>, input: ColumnMeta[] = INPUT, connected?: string[]) {
  const definition = defineComponent({
    type: 'lookup',
    name: 'Customers',
    reference: QUERY_REFERENCE,
    joins: [{ input: 'CustomerId', reference: 'Id' }],
    outputColumns: [{ reference: 'Name', as: 'Customer' }, { reference: 'Since' }, { reference: 'Vip' }],
    ...extra,
  });
  const started = await setUp(createLookup, definition, {
    inputs: { Input: input },
    connections: CONNECTIONS,
    ...(connected ? { connected } : {}),
  });
  kits.push(started.kit);
  const db = await started.kit.registry.open('Ref', 'sqlite');
  await db.exec(SEED);
  return { ...started, db };
}

describe('Lookup on a SQL query', () => {
  it('adds the reference columns to matching rows, converted to their declared types', async () => {
    const { kit, runtime } = await start({});
    expect(kit.context.outputs.get('Match')!.map((c) => `${c.name}:${c.dataType}`)).toEqual([
      'OrderId:Int32',
      'CustomerId:Int32',
      'Region:String',
      'Customer:String',
      'Since:DateTime',
      'Vip:Boolean',
    ]);
    await kit.run(runtime, {
      Input: [
        [
          [10, 1, 'EU'],
          [11, 3, 'US'],
        ],
      ],
    });
    expect(kit.out('Match')).toEqual([
      [10, 1, 'EU', 'Ada', new Date('2020-01-02T00:00:00Z'), true],
      [11, 3, 'US', 'Cy', null, null],
    ]);
  });

  it('keeps the first reference row of a repeated key and warns once', async () => {
    const { kit, runtime } = await start({});
    await kit.run(runtime, { Input: [[[10, 2, 'EU']], [[11, 2, 'US']]] });
    expect(kit.out('Match').map((r) => r[3])).toEqual(['Bob', 'Bob']);
    const warnings = kit.messages.filter((m) => m.level === 'warning').map((m) => m.message);
    expect(warnings).toEqual([
      'Customers: 1 reference row(s) repeat an earlier key (first: 2); the first row of each key is used',
    ]);
  });

  it('joins on several columns', async () => {
    const { kit, runtime } = await start({
      joins: [
        { input: 'CustomerId', reference: 'Id' },
        { input: 'Region', reference: 'Region' },
      ],
      outputColumns: [{ reference: 'Name' }],
      noMatch: 'RedirectRow',
    });
    await kit.run(runtime, {
      Input: [
        [
          [10, 2, 'US'],
          [11, 2, 'EU'],
          [12, 1, 'US'],
        ],
      ],
    });
    expect(kit.out('Match')).toEqual([
      [10, 2, 'US', 'Bea'],
      [11, 2, 'EU', 'Bob'],
    ]);
    expect(kit.out('No Match')).toEqual([[12, 1, 'US']]);
    expect(kit.messages).toEqual([]);
  });

  it('reads the reference once, at the first buffer', async () => {
    const { kit, runtime, db } = await start({});
    await kit.receive(runtime, 'Input', [[10, 1, 'EU']]);
    await db.exec('DELETE FROM customers');
    await kit.run(runtime, { Input: [[[11, 1, 'EU']]] });
    expect(kit.out('Match').map((r) => r[3])).toEqual(['Ada', 'Ada']);
  });

  it('does not read the reference for an empty input', async () => {
    const { kit, runtime } = await start({
      reference: { ...QUERY_REFERENCE, query: 'SELECT * FROM missing_table' },
    });
    await kit.run(runtime, { Input: [] });
    expect(kit.emits).toEqual([]);
  });

  it('noMatch RedirectRow: unmatched rows and NULL keys go to No Match', async () => {
    const { kit, runtime } = await start({ noMatch: 'RedirectRow' });
    await kit.run(runtime, {
      Input: [
        [
          [10, 9, 'EU'],
          [11, null, 'EU'],
          [12, 1, 'EU'],
        ],
      ],
    });
    expect(kit.out('Match').map((r) => r[0])).toEqual([12]);
    expect(kit.out('No Match')).toEqual([
      [10, 9, 'EU'],
      [11, null, 'EU'],
    ]);
  });

  it('noMatch IgnoreFailure: unmatched rows go to Match with NULLs', async () => {
    const { kit, runtime } = await start({ noMatch: 'IgnoreFailure' });
    await kit.run(runtime, { Input: [[[10, 9, 'EU']]] });
    expect(kit.out('Match')).toEqual([[10, 9, 'EU', null, null, null]]);
  });

  it('noMatch FailComponent: the component fails naming the key', async () => {
    const { kit, runtime } = await start({});
    await expect(kit.run(runtime, { Input: [[[10, 9, 'EU']]] })).rejects.toThrow(
      'Customers: no reference row matches CustomerId = 9',
    );
  });

  it('converts input keys to the reference types: text "2" finds 2', async () => {
    const input: ColumnMeta[] = [{ name: 'CustomerId', dataType: 'String' }];
    const { kit, runtime } = await start({ outputColumns: [{ reference: 'Name' }] }, input);
    await kit.run(runtime, { Input: [[['2'], [' 3 ']]] });
    expect(kit.out('Match')).toEqual([
      ['2', 'Bob'],
      [' 3 ', 'Cy'],
    ]);
  });

  it('a key that cannot take the reference type follows errorDisposition', async () => {
    const input: ColumnMeta[] = [{ name: 'CustomerId', dataType: 'String' }];
    const extra = { outputColumns: [{ reference: 'Name' }], noMatch: 'RedirectRow' };
    const redirect = await start({ ...extra, errorDisposition: 'RedirectRow' }, input);
    await redirect.kit.run(redirect.runtime, { Input: [[['abc'], ['1']]] });
    expect(redirect.kit.out('Match')).toEqual([['1', 'Ada']]);
    expect(redirect.kit.out('Error')).toEqual([
      [
        'abc',
        ROW_ERROR_CODES.conversion,
        'CustomerId',
        'cannot convert "abc" to Int64 for column CustomerId',
      ],
    ]);

    const ignore = await start({ ...extra, errorDisposition: 'IgnoreFailure' }, input);
    await ignore.kit.run(ignore.runtime, { Input: [[['abc']]] });
    expect(ignore.kit.out('No Match')).toEqual([['abc']]);

    const fail = await start(extra, input);
    await expect(fail.kit.run(fail.runtime, { Input: [[['abc']]] })).rejects.toThrow(
      'Customers: cannot convert "abc" to Int64 for column CustomerId',
    );
  });

  it('fails naming the reference row whose value does not convert, and a column the query lacks', async () => {
    const bad = await start({
      reference: {
        ...QUERY_REFERENCE,
        columns: QUERY_REFERENCE.columns.map((c) => ({
          ...c,
          dataType: c.name === 'Name' ? 'Int32' : c.dataType,
        })),
      },
    });
    await expect(bad.kit.run(bad.runtime, { Input: [[[10, 1, 'EU']]] })).rejects.toThrow(
      'Customers: reference row 1: cannot convert "Ada" to Int32 for column Name',
    );
    const missing = await start({
      reference: { ...QUERY_REFERENCE, query: 'SELECT id AS Id, name AS Name FROM customers' },
    });
    await expect(missing.kit.run(missing.runtime, { Input: [[[10, 1, 'EU']]] })).rejects.toThrow(
      'Customers: the reference query has no column Region (it has Id, Name)',
    );
  });
});

describe('Lookup on a flat file', () => {
  it('reads a delimited file with a header, quoted fields and a BOM, by header name', async () => {
    const { kit, runtime } = await start({
      reference: {
        type: 'flatFile',
        connection: 'RefFile',
        columns: [
          { name: 'Id', dataType: 'Int32', sourceColumn: 'customer id' },
          { name: 'Name', dataType: 'String' },
          { name: 'Since', dataType: 'DateTime', format: 'dd.MM.yyyy' },
        ],
      },
      outputColumns: [{ reference: 'Name' }, { reference: 'Since' }],
    });
    await writeFile(
      join(kit.workDir, 'ref.csv'),
      '\uFEFFName,customer id,Since\r\n"Smith, Ann",1,02.01.2020\r\n"Say ""hi""",2,\r\n',
    );
    await kit.run(runtime, {
      Input: [
        [
          [10, 1, 'EU'],
          [11, 2, 'EU'],
        ],
      ],
    });
    expect(kit.out('Match')).toEqual([
      [10, 1, 'EU', 'Smith, Ann', new Date('2020-01-02T00:00:00Z')],
      [11, 2, 'EU', 'Say "hi"', null],
    ]);
  });

  it('reads a file without a header by position', async () => {
    const { kit, runtime } = await start({
      reference: {
        type: 'flatFile',
        connection: 'RefPlain',
        columns: [
          { name: 'Name', dataType: 'String' },
          { name: 'Id', dataType: 'Int32', sourceColumn: 2 },
        ],
      },
      outputColumns: [{ reference: 'Name' }],
    });
    await writeFile(join(kit.workDir, 'plain.txt'), 'Ann;x;1\nBen;y;2\n');
    await kit.run(runtime, { Input: [[[10, 2, 'EU']]] });
    expect(kit.out('Match')).toEqual([[10, 2, 'EU', 'Ben']]);
  });

  it('fails naming a header column the file lacks', async () => {
    const { kit, runtime } = await start({
      reference: { type: 'flatFile', connection: 'RefFile', columns: [{ name: 'Id', dataType: 'Int32' }] },
      outputColumns: [],
    });
    await writeFile(join(kit.workDir, 'ref.csv'), 'Key,Name\n1,Ann\n');
    await expect(kit.run(runtime, { Input: [[[10, 1, 'EU']]] })).rejects.toThrow(
      'Customers: the reference file ref.csv has no column "Id" for column Id (its header row has Key, Name)',
    );
  });

  it('fails naming a malformed or short record, and a missing file', async () => {
    const reference = {
      type: 'flatFile',
      connection: 'RefFile',
      columns: [
        { name: 'Id', dataType: 'Int32' },
        { name: 'Name', dataType: 'String', sourceColumn: 1 },
      ],
    };
    const malformed = await start({ reference, outputColumns: [] });
    await writeFile(join(malformed.kit.workDir, 'ref.csv'), 'Id,Name\n1,Ann\n2,"Ben\n');
    await expect(malformed.kit.run(malformed.runtime, { Input: [[[10, 1, 'EU']]] })).rejects.toThrow(
      /^Customers: the reference file ref\.csv line 3: .*text qualifier/,
    );

    const short = await start({ reference, outputColumns: [] });
    await writeFile(join(short.kit.workDir, 'ref.csv'), 'Id,Name\n1,Ann\n2\n');
    await expect(short.kit.run(short.runtime, { Input: [[[10, 1, 'EU']]] })).rejects.toThrow(
      'Customers: the reference file ref.csv line 3: column Name reads field 1 (0-based) of 1',
    );

    const missing = await start({ reference, outputColumns: [] });
    await expect(missing.kit.run(missing.runtime, { Input: [[[10, 1, 'EU']]] })).rejects.toThrow(
      /^Customers: the file .*ref\.csv does not exist$/,
    );
  });
});
