import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnDef } from '../../../../master-core/protocol/dataFlowFormat';
import type { Value } from '../../taskApi';
import { ROW_ERROR_CODES, RowError } from '../types';
import { checkQueryColumns, createSqlSource, queryRowConverter } from './sqlSource';
import { createSqlKit, defineComponent, useSqlTestBed } from './sqlTestKit';
import type { SqlKit, SqlKitOptions } from './sqlTestKit';

const bed = useSqlTestBed('scaleout-sqlsource-');

/** Each database: its connection manager, how it writes the n-th placeholder, its test table. */
const dialects = [
  {
    name: 'SQLite',
    connection: () => ({ name: 'Db', type: 'sqlite', connectionString: 'source.db' }),
    p: (_n: number) => '?',
    // 2,345 rows: id, label, flag (0/1), at (ISO text), amount (REAL), raw (BLOB)
    setup: `DROP TABLE IF EXISTS items; CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT, flag INTEGER,
      at TEXT, amount REAL, raw BLOB);
      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2345)
      INSERT INTO items SELECT x, 'item ' || x, x % 2, '2024-03-0' || (1 + x % 9) || ' 10:30:00', x * 0.25,
      x'00ff' FROM c;`,
    openCursors: "SELECT count(*) AS n FROM sqlite_temp_master WHERE name LIKE 'scaleout_cursor_%'",
  },
  {
    name: 'PostgreSQL',
    connection: () => ({ name: 'Db', type: 'postgresql', connectionString: bed.server.url }),
    p: (n: number) => `$${n}`,
    setup: `DROP TABLE IF EXISTS items; CREATE TABLE items AS SELECT x AS id, 'item ' || x AS label,
      x % 2 = 1 AS flag, timestamptz '2024-03-01 10:30:00Z' + (x % 9) * interval '1 day' AS at,
      (x * 0.25)::numeric AS amount, '\\x00ff'::bytea AS raw FROM generate_series(1, 2345) AS x;`,
    openCursors: 'SELECT count(*)::int AS n FROM pg_cursors',
  },
];

const columns: ColumnDef[] = [
  { name: 'Id', dataType: 'Int64' },
  { name: 'Label', dataType: 'String' },
  { name: 'Flag', dataType: 'Boolean' },
  { name: 'At', dataType: 'DateTime', format: 'yyyy-MM-dd HH:mm:ss' },
  { name: 'Amount', dataType: 'Decimal' },
  { name: 'Raw', dataType: 'Bytes' },
];

describe.each(dialects)('SQL source on $name', (dialect) => {
  const kits: SqlKit[] = [];
  async function kitFor(raw: Record<string, unknown>, options: Partial<SqlKitOptions> = {}) {
    const component = defineComponent({
      type: 'sqlSource',
      name: 'Orders',
      connection: 'Db',
      columns,
      ...raw,
    });
    const kit = await createSqlKit(component, {
      connections: [dialect.connection()],
      workDir: bed.workDir,
      ...options,
    });
    kits.push(kit);
    return { kit, runtime: createSqlSource(component, kit.context) };
  }
  beforeAll(async () => {
    const { kit } = await kitFor({ query: 'SELECT 1' });
    await (await kit.registry.open('Db', ['sqlite', 'postgresql'])).exec(dialect.setup);
    await kit.dispose();
  });
  afterAll(async () => {
    for (const kit of kits) await kit.dispose();
  });

  it('emits the rows in buffers of bufferRows, each processed before the next is read', async () => {
    const { kit, runtime } = await kitFor(
      { query: 'SELECT id, label, flag, at, amount, raw FROM items ORDER BY id' },
      { bufferRows: 1_000 },
    );
    await kit.runSource(runtime);
    expect(kit.emits).toEqual([
      { output: 'Output', count: 1_000 },
      { output: 'Output', count: 1_000 },
      { output: 'Output', count: 345 },
    ]);
    expect(kit.maxPendingEmits).toBe(1);
    const rows = kit.out('Output');
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 2_345 }, (_, i) => i + 1));
    expect(rows[2]).toEqual([
      3,
      'item 3',
      true,
      new Date('2024-03-04T10:30:00Z'),
      0.75,
      Buffer.from([0, 255]),
    ]);
    expect(rows[3]![2]).toBe(false);
  });

  it('binds parameters evaluated as expressions over variables', async () => {
    const variables: Record<string, Value> = { 'User::MinId': 2_000, 'User::Pattern': 'item 2%' };
    const { kit, runtime } = await kitFor(
      {
        query: `SELECT id, label, flag, at, amount, raw FROM items WHERE id > ${dialect.p(1)} AND label LIKE ${dialect.p(2)} ORDER BY id`,
        parameters: ['@[User::MinId] + 300', '@[User::Pattern]'],
      },
      { variables },
    );
    await kit.runSource(runtime);
    expect(kit.out('Output').map((r) => r[0])).toEqual(Array.from({ length: 45 }, (_, i) => 2_301 + i));
  });

  it('fails naming the parameter whose expression fails', async () => {
    const { kit, runtime } = await kitFor({ query: 'SELECT 1', parameters: ['@[User::Missing]'] });
    await expect(kit.runSource(runtime)).rejects.toThrow('parameter 1: unknown variable User::Missing');
  });

  it('refuses a query whose columns do not match the declared ones', async () => {
    const { kit, runtime } = await kitFor({ query: 'SELECT id, label FROM items' });
    await expect(kit.runSource(runtime)).rejects.toThrow(
      'the query returns 2 columns (id, label) but the source declares 6 (Id, Label, Flag, At, Amount, Raw)',
    );
  });

  it('fails on a value that does not convert, naming row and column but not the value', async () => {
    const { kit, runtime } = await kitFor(
      { query: "SELECT id, label, flag, 'not a date', amount, raw FROM items ORDER BY id" },
      { bufferRows: 100 },
    );
    const failure = await kit.runSource(runtime).catch((error: unknown) => error as RowError);
    expect(failure).toBeInstanceOf(RowError);
    expect(failure?.message).toBe(
      'row 1 of the query: a text value in column At does not convert to DateTime',
    );
    expect(failure?.code).toBe(ROW_ERROR_CODES.conversion);
    expect(kit.emits).toEqual([]);
  });

  it('stops reading when the execution stops, and frees its cursor', async () => {
    let source: SqlKit | null = null;
    const { kit, runtime } = await kitFor(
      { query: 'SELECT id, label, flag, at, amount, raw FROM items ORDER BY id' },
      {
        bufferRows: 500,
        onEmit: (_output, _rows, count) => {
          if (count === 2) source!.abort.abort();
        },
      },
    );
    source = kit;
    await expect(kit.runSource(runtime)).rejects.toThrow('canceled');
    expect(kit.emits.length).toBe(2);
    const db = await kit.registry.open('Db', ['sqlite', 'postgresql']);
    expect((await db.query(dialect.openCursors)).rows).toEqual([{ n: 0 }]);
  });
});

it('keeps memory bounded on a large result: only a buffer at a time is held', async () => {
  const component = defineComponent({
    type: 'sqlSource',
    name: 'Big',
    connection: 'Db',
    query: 'SELECT id, payload FROM big',
    columns: [
      { name: 'Id', dataType: 'Int64' },
      { name: 'Payload', dataType: 'String' },
    ],
  });
  let peak = 0;
  let rows = 0;
  const kit = await createSqlKit(component, {
    connections: [{ name: 'Db', type: 'sqlite', connectionString: 'big.db' }],
    workDir: bed.workDir,
    bufferRows: 2_000,
    discardRows: true,
    onEmit: (_output, emitted) => {
      rows += emitted.length;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    },
  });
  try {
    const db = await kit.registry.open('Db', 'sqlite');
    // 300,000 rows of 500 characters: ~150 MB of text, far more than the bound checked below.
    await db.exec(`CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT);
      WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000)
      INSERT INTO big SELECT x, printf('%.500c', char(65 + x % 26)) FROM c;`);
    const before = process.memoryUsage().heapUsed;
    await kit.runSource(createSqlSource(component, kit.context));
    expect(rows).toBe(300_000);
    expect(kit.maxPendingEmits).toBe(1);
    expect(peak - before).toBeLessThan(64 * 2 ** 20);
  } finally {
    await kit.dispose();
  }
});

describe('conversions by position', () => {
  it('converts each value to its declared column type, ignoring the query names', () => {
    const convert = queryRowConverter([
      { name: 'A', dataType: 'Int32' },
      { name: 'B', dataType: 'Double' },
      { name: 'C', dataType: 'String' },
    ]);
    expect(convert(['12', '0.5', 7], 1)).toEqual([12, 0.5, '7']);
    expect(() => convert([2 ** 40, 1, 'x'], 9)).toThrow(
      'row 9 of the query: a number value in column A does not fit Int32',
    );
  });

  it('says how many columns each side has', () => {
    expect(() => checkQueryColumns(['x'], [])).toThrow('returns 1 column (x) but the source declares 0');
  });
});
