import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import type { SqlDataConnection } from '../../connections/types';
import type { Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';
import { createSqlDestination } from './sqlDestination';
import { createSqlKit, defineComponent, useSqlTestBed } from './sqlTestKit';
import type { SqlKit, SqlKitOptions } from './sqlTestKit';

const bed = useSqlTestBed('scaleout-sqldest-');

const input: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
  { name: 'Amount', dataType: 'Double' },
  { name: 'At', dataType: 'DateTime' },
  { name: 'Active', dataType: 'Boolean' },
  { name: 'Raw', dataType: 'Bytes' },
];
const at = (i: number) => new Date(Date.UTC(2024, 0, 1 + (i % 28), 8, 0, 0, i % 1000));
const row = (i: number): Row => [i, `name ${i}`, i * 0.1, at(i), i % 2 === 0, Buffer.from([i % 256])];
const rows = (from: number, count: number) => Array.from({ length: count }, (_, i) => row(from + i));
/** Buffers of `size` rows for ids from..from+count-1. */
function buffers(from: number, count: number, size: number): Row[][] {
  const out: Row[][] = [];
  for (let i = 0; i < count; i += size) out.push(rows(from + i, Math.min(size, count - i)));
  return out;
}
/** The buffers, then a failure upstream (as the runner calls close without end). */
function* thenFail(list: Row[][], beforeFailing?: () => void): Generator<Row[]> {
  yield* list;
  beforeFailing?.();
  throw new Error('upstream failed');
}

const dialects = [
  {
    name: 'SQLite',
    connection: () => ({ name: 'Db', type: 'sqlite', connectionString: 'destination.db' }),
    /** The table the constraint tests load: Id key, Name not null, Amount >= 0. */
    strictTable: (t: string) =>
      `CREATE TABLE ${t} ("Id" INTEGER PRIMARY KEY, "Name" TEXT NOT NULL, "Amount" REAL CHECK ("Amount" >= 0), "At" TEXT, "Active" INTEGER, "Raw" BLOB)`,
    stored: (r: Record<string, unknown>) => r,
    expected: (i: number) => ({
      Id: i,
      Name: `name ${i}`,
      Amount: i * 0.1,
      At: at(i).toISOString(),
      Active: i % 2 === 0 ? 1 : 0,
      Raw: Buffer.from([i % 256]),
    }),
  },
  {
    name: 'PostgreSQL',
    connection: () => ({ name: 'Db', type: 'postgresql', connectionString: bed.server.url }),
    strictTable: (t: string) =>
      `CREATE TABLE ${t} ("Id" integer PRIMARY KEY, "Name" text NOT NULL, "Amount" float8 CHECK ("Amount" >= 0), "At" timestamptz, "Active" boolean, "Raw" bytea)`,
    stored: (r: Record<string, unknown>) => r,
    expected: (i: number) => ({
      Id: i,
      Name: `name ${i}`,
      Amount: i * 0.1,
      At: at(i),
      Active: i % 2 === 0,
      Raw: Buffer.from([i % 256]),
    }),
  },
];

describe.each(dialects)('SQL destination on $name', (dialect) => {
  const kits: SqlKit[] = [];
  let db: SqlDataConnection;
  let tables = 0;
  beforeAll(async () => {
    const { kit } = await kitFor({ table: 'unused' });
    db = await kit.registry.open('Db', ['sqlite', 'postgresql']);
  });
  afterAll(async () => {
    for (const kit of kits) await kit.dispose();
  });

  async function kitFor(raw: Record<string, unknown>, options: Partial<SqlKitOptions> = {}) {
    const component = defineComponent({ type: 'sqlDestination', name: 'Load', connection: 'Db', ...raw });
    const kit = await createSqlKit(component, {
      connections: [dialect.connection()],
      input,
      workDir: bed.workDir,
      ...options,
    });
    kits.push(kit);
    return { kit, runtime: createSqlDestination(component, kit.context) };
  }
  const newTable = () => `t_${(tables += 1)}`;
  const select = async (table: string, order = '"Id"') =>
    (await db.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows.map(dialect.stored);
  const count = async (table: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  it('creates the table and maps every input column to the column of its name, each type stored as documented', async () => {
    const table = newTable();
    const { kit, runtime } = await kitFor({ table, createTable: true });
    await kit.load(runtime, [rows(1, 3), [[4, null, null, null, null, null]]]);
    expect(await select(table)).toEqual([
      dialect.expected(1),
      dialect.expected(2),
      dialect.expected(3),
      { Id: 4, Name: null, Amount: null, At: null, Active: null, Raw: null },
    ]);
    expect(kit.messages).toContainEqual({
      level: 'information',
      message: `Load: 4 rows inserted into ${table}`,
    });
  });

  it('follows column mappings into an existing table, and creates nothing for an empty input', async () => {
    const table = newTable();
    await db.exec(`CREATE TABLE ${table} (note text DEFAULT 'none', who text, key integer)`);
    const { kit, runtime } = await kitFor({
      table,
      columnMappings: [
        { input: 'Id', column: 'key' },
        { input: 'Name', column: 'who' },
      ],
    });
    await kit.load(runtime, [rows(1, 2)]);
    expect((await db.query(`SELECT note, who, key FROM ${table} ORDER BY key`)).rows).toEqual([
      { note: 'none', who: 'name 1', key: 1 },
      { note: 'none', who: 'name 2', key: 2 },
    ]);
    const empty = await kitFor({ table: newTable(), createTable: true });
    await empty.kit.load(empty.runtime, []);
    expect(await count(`t_${tables}`)).toBe(0);
  });

  it('fails clearly when the table does not exist', async () => {
    const { kit, runtime } = await kitFor({ table: 'no_such_table' });
    await expect(kit.load(runtime, [rows(1, 1)])).rejects.toThrow('cannot load table no_such_table:');
  });

  it('empties the table first with truncateFirst', async () => {
    const table = newTable();
    const first = await kitFor({ table, createTable: true });
    await first.kit.load(first.runtime, [rows(1, 5)]);
    const second = await kitFor({ table, truncateFirst: true });
    await second.kit.load(second.runtime, [rows(100, 2)]);
    expect((await select(table)).map((r) => r.Id)).toEqual([100, 101]);
  });

  it('loads many rows in statements of rowsPerStatement', async () => {
    const table = newTable();
    const { kit, runtime } = await kitFor({ table, createTable: true, rowsPerStatement: 997 });
    await kit.load(runtime, buffers(1, 100_000, 10_000));
    const sums = (await db.query(`SELECT count(*) AS n, sum("Id") AS s, max("Amount") AS m FROM ${table}`))
      .rows[0]!;
    expect([Number(sums.n), Number(sums.s), sums.m]).toEqual([100_000, 5_000_050_000, 10_000]);
  });

  describe('transactions', () => {
    async function seeded() {
      const table = newTable();
      const seed = await kitFor({ table, createTable: true });
      await seed.kit.load(seed.runtime, [rows(1, 5)]);
      return table;
    }

    it('Single: a load that fails midway leaves the table as it was, truncate included', async () => {
      const table = await seeded();
      const { kit, runtime } = await kitFor({ table, truncateFirst: true, rowsPerStatement: 10 });
      await expect(kit.load(runtime, thenFail(buffers(100, 300, 100)))).rejects.toThrow('upstream failed');
      expect((await select(table)).map((r) => r.Id)).toEqual([1, 2, 3, 4, 5]);
    });

    it('Single: a load stopped while a statement runs leaves the table as it was', async () => {
      const table = await seeded();
      const { kit, runtime } = await kitFor({ table, truncateFirst: true });
      // The abort comes while the second buffer's statements are in flight.
      const stopping = thenFail(buffers(100, 20_000, 10_000), () => kit.abort.abort());
      await expect(kit.load(runtime, stopping)).rejects.toThrow();
      expect((await select(table)).map((r) => r.Id)).toEqual([1, 2, 3, 4, 5]);
    });

    it('Batch: a stop keeps exactly the batches committed before it', async () => {
      const table = await seeded();
      const { kit, runtime } = await kitFor({
        table,
        truncateFirst: true,
        transactionMode: 'Batch',
        commitRows: 100,
        rowsPerStatement: 30,
      });
      await expect(kit.load(runtime, thenFail(buffers(100, 250, 70)))).rejects.toThrow('upstream failed');
      expect((await select(table)).map((r) => r.Id)).toEqual(Array.from({ length: 200 }, (_, i) => 100 + i));
    });

    it('Batch: a stop before the first commit leaves the table as it was', async () => {
      const table = await seeded();
      const { kit, runtime } = await kitFor({
        table,
        truncateFirst: true,
        transactionMode: 'Batch',
        commitRows: 1_000,
      });
      await expect(kit.load(runtime, thenFail(buffers(100, 999, 100)))).rejects.toThrow('upstream failed');
      expect(await count(table)).toBe(5);
    });

    it('Batch: a finished load commits everything', async () => {
      const table = await seeded();
      const { kit, runtime } = await kitFor({
        table,
        transactionMode: 'Batch',
        commitRows: 64,
        rowsPerStatement: 50,
      });
      await kit.load(runtime, buffers(100, 1_000, 300));
      expect(await count(table)).toBe(1_005);
    });
  });

  describe('rows the database refuses', () => {
    /** Ids 1..10 into a table holding id 1: 1 is a duplicate, 5 has no name, 7 a negative amount. */
    async function strict(raw: Record<string, unknown>, options: Partial<SqlKitOptions> = {}) {
      const table = newTable();
      await db.exec(dialect.strictTable(table));
      await db.exec(`INSERT INTO ${table} ("Id", "Name") VALUES (1, 'existing')`);
      const input = rows(1, 10).map((r) => {
        if (r[0] === 5) r[1] = null;
        if (r[0] === 7) r[2] = -1;
        return r;
      });
      const { kit, runtime } = await kitFor({ table, rowsPerStatement: 4, ...raw }, options);
      return { table, kit, runtime, input };
    }

    it('FailComponent: fails naming the rows, the column and the constraint, never a value', async () => {
      const { table, kit, runtime, input } = await strict({});
      const failure = await kit.load(runtime, [input]).catch((error: unknown) => error as RowError);
      expect(failure).toBeInstanceOf(RowError);
      expect(failure?.message).toMatch(new RegExp(`^cannot insert rows 1-4 into ${table}: `));
      expect(failure?.message).toMatch(/unique|UNIQUE/);
      expect(failure?.message).not.toMatch(/name \d/);
      expect(failure?.code).toBe(ROW_ERROR_CODES.constraint);
      expect((await select(table)).map((r) => r.Id)).toEqual([1]);
    });

    it('IgnoreFailure: loads every other row and warns how many were refused', async () => {
      const { table, kit, runtime, input } = await strict({ errorDisposition: 'IgnoreFailure' });
      await kit.load(runtime, [input.slice(0, 6), input.slice(6)]);
      expect((await select(table)).map((r) => r.Id)).toEqual([1, 2, 3, 4, 6, 8, 9, 10]);
      const warning = kit.messages.find((m) => m.level === 'warning');
      expect(warning?.message).toMatch(
        new RegExp(`^Load: 7 rows inserted into ${table}; 3 refused \\(first: `),
      );
      expect(kit.out('Error')).toEqual([]);
    });

    it('RedirectRow: sends the refused rows to the Error output with code, column and description', async () => {
      const { table, kit, runtime, input } = await strict(
        { errorDisposition: 'RedirectRow', transactionMode: 'Batch', commitRows: 3 },
        { bufferRows: 4 },
      );
      const wrongType = [11, 'name 11', 'not a number', null, null, null] as unknown as Row;
      await kit.load(runtime, [input.slice(0, 4), input.slice(4), [wrongType]]);
      expect((await select(table)).map((r) => r.Id)).toEqual([1, 2, 3, 4, 6, 8, 9, 10]);
      const refused = kit.out('Error');
      expect(refused.map((r) => r.slice(0, 6))).toEqual([input[0], input[4], input[6], wrongType]);
      expect(refused.map((r) => [r[6], r[7]])).toEqual([
        [ROW_ERROR_CODES.constraint, 'Id'],
        [ROW_ERROR_CODES.constraint, 'Name'],
        [ROW_ERROR_CODES.constraint, ''],
        [ROW_ERROR_CODES.conversion, 'Amount'],
      ]);
      expect(refused[2]![8]).toMatch(/check constraint|CHECK constraint/);
      expect(refused[3]![8]).toBe('the value of column Amount does not convert to Double');
    });

    it('RedirectRow without a path on the Error output drops the refused rows', async () => {
      const { table, kit, runtime, input } = await strict(
        { errorDisposition: 'RedirectRow' },
        { connected: [] },
      );
      await kit.load(runtime, [input]);
      expect(await count(table)).toBe(8);
      expect(kit.emits).toEqual([]);
    });
  });
});
