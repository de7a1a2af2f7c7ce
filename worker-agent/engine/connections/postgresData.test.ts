import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres } from '../../test/fixtures/postgresServer';
import type { PostgresServer } from '../../test/fixtures/postgresServer';
import { openPostgres } from './postgres';
import { copyText, postgresRejection } from './postgresData';
import type { InsertColumn, SqlDataConnection } from './types';

let server: PostgresServer;
const open: SqlDataConnection[] = [];
beforeAll(async () => {
  server = await startPostgres();
});
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
afterAll(async () => {
  await server?.stop();
});

async function connect(): Promise<SqlDataConnection> {
  const db = await openPostgres(server.url);
  open.push(db);
  return db;
}

describe('COPY text', () => {
  it('escapes what COPY reads as structure, and writes NULL, booleans, dates and bytes', () => {
    expect(copyText('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(copyText(null)).toBe('\\N');
    expect(copyText(true)).toBe('t');
    expect(copyText(1e21)).toBe('1e+21');
    expect(copyText(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
    expect(copyText(Buffer.from([1, 255]))).toBe('\\\\x01ff');
  });
});

describe('cursors', () => {
  it('reads in batches with parameters, typed as pg reads them', async () => {
    const db = await connect();
    await db.exec(`CREATE TABLE nums AS SELECT g AS id, g * 0.5 AS half, now() AS at
      FROM generate_series(1, 2500) AS g`);
    const cursor = await db.openCursor(
      'SELECT id, half, at, id > $2 AS big FROM nums WHERE id > $1 ORDER BY id;',
      [500, 2_000],
    );
    expect(cursor.columns).toEqual(['id', 'half', 'at', 'big']);
    const sizes: number[] = [];
    const rows: unknown[][] = [];
    for (let batch = await cursor.read(1_000); batch.length > 0; batch = await cursor.read(1_000)) {
      sizes.push(batch.length);
      rows.push(...batch);
    }
    expect(sizes).toEqual([1_000, 1_000]);
    expect(rows[0]).toEqual([501, '250.5', expect.any(Date), false]);
    expect(rows.at(-1)![3]).toBe(true);
    await cursor.close();
    await cursor.close();
  });

  it('outlives transactions begun and ended on the same connection between reads', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE held (id int); INSERT INTO held SELECT generate_series(1, 100)');
    const cursor = await db.openCursor('SELECT id FROM held ORDER BY id');
    const first = await cursor.read(10);
    await db.exec('BEGIN');
    await db.exec('DELETE FROM held');
    const middle = await cursor.read(10);
    await db.exec('ROLLBACK');
    await db.exec('BEGIN; DELETE FROM held WHERE id > 50; COMMIT');
    const rest = await cursor.read(1_000);
    expect([...first, ...middle, ...rest].map((r) => r[0])).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  it('describes an empty result, and reads other statements whole', async () => {
    const db = await connect();
    const empty = await db.openCursor('SELECT 1 AS one, 2 AS two WHERE false');
    expect(empty.columns).toEqual(['one', 'two']);
    expect(await empty.read(10)).toEqual([]);
    const show = await db.openCursor('SHOW server_encoding');
    expect(await show.read(10)).toEqual([['UTF8']]);
  });

  it('stops when its signal aborts', async () => {
    const db = await connect();
    const abort = new AbortController();
    const opening = db.openCursor('SELECT pg_sleep(30)', [], { signal: abort.signal });
    setTimeout(() => abort.abort(), 200);
    await expect(opening).rejects.toThrow('canceled');
    expect((await db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });
});

describe('bulk inserts with COPY', () => {
  const columns: InsertColumn[] = [
    { name: 'id', dataType: 'Int64' },
    { name: 'name', dataType: 'String' },
    { name: 'price', dataType: 'Double' },
    { name: 'exact', dataType: 'Decimal' },
    { name: 'active', dataType: 'Boolean' },
    { name: 'at', dataType: 'DateTime' },
    { name: 'data', dataType: 'Bytes' },
  ];

  it('stores every type: timestamptz, bytea, exact doubles, text with tabs and backslashes', async () => {
    const db = await connect();
    await db.exec(`CREATE TABLE items (id bigint PRIMARY KEY, name text, price float8, exact numeric,
      active boolean, at timestamptz, data bytea)`);
    const inserter = await db.prepareInsert(['public', 'items'], columns);
    const at = new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 123));
    const rows = [
      [1, 'tab\there \\N back\\slash\nline', 0.1, 12.34, true, at, Buffer.from([0, 10, 255])],
      [2, null, 6.127525701183165e-192, null, false, null, null],
    ];
    expect(await inserter.insert(inserter.encode(rows))).toEqual({ ok: true });
    const back = (await db.query('SELECT * FROM items ORDER BY id')).rows;
    expect(back).toEqual([
      {
        id: 1,
        name: 'tab\there \\N back\\slash\nline',
        price: 0.1,
        exact: '12.34',
        active: true,
        at,
        data: Buffer.from([0, 10, 255]),
      },
      { id: 2, name: null, price: 6.127525701183165e-192, exact: null, active: false, at: null, data: null },
    ]);
  });

  it('says why rows were refused, hides quoted values, and keeps the transaction usable when atomic', async () => {
    const db = await connect();
    await db.exec('CREATE TABLE strict (id int PRIMARY KEY, code varchar(3) NOT NULL, n int)');
    const inserter = await db.prepareInsert(
      ['strict'],
      [
        { name: 'id', dataType: 'Int32' },
        { name: 'code', dataType: 'String' },
        { name: 'n', dataType: 'String' },
      ],
    );
    await db.exec('BEGIN');
    expect(await inserter.insert(inserter.encode([[1, 'a', '1']]), { atomic: true })).toEqual({ ok: true });
    const outcomes = [
      await inserter.insert(inserter.encode([[1, 'b', null]]), { atomic: true }),
      await inserter.insert(inserter.encode([[2, null, null]]), { atomic: true }),
      await inserter.insert(inserter.encode([[3, 'toolong', null]]), { atomic: true }),
      await inserter.insert(inserter.encode([[4, 'x', 'pa55word']]), { atomic: true }),
    ];
    await db.exec('COMMIT');
    expect(outcomes).toEqual([
      {
        ok: false,
        rejection: {
          kind: 'constraint',
          message: 'duplicate key value violates unique constraint "strict_pkey"',
          column: 'id',
        },
      },
      { ok: false, rejection: expect.objectContaining({ kind: 'constraint', column: 'code' }) },
      { ok: false, rejection: expect.objectContaining({ kind: 'truncation', column: 'code' }) },
      {
        ok: false,
        rejection: { kind: 'conversion', message: 'invalid input syntax for type integer: "…"', column: 'n' },
      },
    ]);
    expect(JSON.stringify(outcomes)).not.toContain('pa55word');
    expect((await db.query('SELECT id FROM strict')).rows).toEqual([{ id: 1 }]);
  });

  it('checks the table and columns when prepared', async () => {
    const db = await connect();
    await expect(db.prepareInsert(['nowhere'], columns)).rejects.toThrow('does not exist');
  });

  it('knows which failures are about the rows', () => {
    expect(postgresRejection({ code: '57014', message: 'canceling statement' })).toBeNull();
    expect(postgresRejection(new Error('boom'))).toBeNull();
  });
});
