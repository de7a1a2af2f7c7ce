import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from './sqlite';
import { sqliteRejection } from './sqliteData';
import type { InsertColumn, SqlDataConnection } from './types';

let dir: string;
const open: SqlDataConnection[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scaleout-sqlitedata-'));
});
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function connect(file: string, mode: 'readWriteCreate' | 'readOnly' = 'readWriteCreate') {
  const db = await openSqlite({ file: join(dir, file), mode });
  open.push(db);
  return db;
}

/** A table of n rows: id, label, price. */
async function seeded(file: string, n: number) {
  const db = await connect(file);
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT, price REAL);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n})
    INSERT INTO t SELECT x, 'item ' || x, x * 1.5 FROM c;`);
  return db;
}

describe('cursors', () => {
  it('reads a result in batches of the size asked, in order, as arrays by position', async () => {
    const db = await seeded('cursor.db', 2_500);
    const cursor = await db.openCursor(
      'SELECT id, label, price, id AS "1" FROM t WHERE id > ? ORDER BY id;',
      [500],
    );
    expect(cursor.columns).toEqual(['id', 'label', 'price', '1']);
    const sizes: number[] = [];
    const ids: unknown[] = [];
    for (let batch = await cursor.read(1_000); batch.length > 0; batch = await cursor.read(1_000)) {
      sizes.push(batch.length);
      ids.push(...batch.map((row) => row[0]));
    }
    expect(sizes).toEqual([1_000, 1_000]);
    expect(ids[0]).toBe(501);
    expect(ids.at(-1)).toBe(2_500);
    await cursor.close();
    await cursor.close();
    expect(await cursor.read(10)).toEqual([]);
  });

  it('knows the columns of an empty result, and reads VALUES and duplicate names', async () => {
    const db = await seeded('empty.db', 3);
    const empty = await db.openCursor('SELECT label, price FROM t WHERE id < 0');
    expect(empty.columns).toEqual(['label', 'price']);
    expect(await empty.read(10)).toEqual([]);
    const values = await db.openCursor("VALUES (1, NULL), (2, x'ff')");
    expect(await values.read(10)).toEqual([
      [1, null],
      [2, Buffer.from([0xff])],
    ]);
    const twice = await db.openCursor('SELECT id, id FROM t ORDER BY id LIMIT 1');
    expect(await twice.read(10)).toEqual([[1, 1]]);
  });

  it('holds the result fixed while the same connection writes to the table it reads', async () => {
    const db = await seeded('fixed.db', 100);
    const cursor = await db.openCursor('SELECT id FROM t ORDER BY id');
    const first = await cursor.read(10);
    await db.exec('BEGIN; DELETE FROM t WHERE id > 50; INSERT INTO t (id) VALUES (1000); COMMIT;');
    const rest = await cursor.read(1_000);
    expect([...first, ...rest].map((r) => r[0])).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('reads a read-only database, and statements a cursor cannot hold as a whole result', async () => {
    await (await seeded('readonly.db', 5)).close();
    open.pop();
    const db = await connect('readonly.db', 'readOnly');
    const cursor = await db.openCursor('SELECT count(*) AS n FROM t');
    expect(await cursor.read(5)).toEqual([[5]]);
    const pragma = await db.openCursor('PRAGMA table_info(t)');
    expect(pragma.columns).toContain('name');
    expect((await pragma.read(2)).map((r) => r[1])).toEqual(['id', 'label']);
    expect((await pragma.read(2)).map((r) => r[1])).toEqual(['price']);
  });

  it('refuses several statements and stops when its signal aborts', async () => {
    const db = await seeded('cancel.db', 1);
    await expect(db.openCursor('SELECT 1; DROP TABLE t')).rejects.toThrow('one statement');
    const abort = new AbortController();
    const endless =
      'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0';
    const opening = db.openCursor(endless, [], { signal: abort.signal });
    setTimeout(() => abort.abort(), 100);
    await expect(opening).rejects.toThrow('canceled');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 1 }]);
  });

  it('lets the database close with a cursor and an inserter still open', async () => {
    const db = await seeded('leftopen.db', 10);
    await db.openCursor('SELECT * FROM t');
    await db.prepareInsert(['t'], [{ name: 'id', dataType: 'Int64' }]);
    open.pop();
    await expect(db.close()).resolves.toBeUndefined();
  });
});

describe('bulk inserts', () => {
  const columns: InsertColumn[] = [
    { name: 'id', dataType: 'Int64' },
    { name: 'name', dataType: 'String' },
    { name: 'price', dataType: 'Double' },
    { name: 'exact', dataType: 'Decimal' },
    { name: 'active', dataType: 'Boolean' },
    { name: 'at', dataType: 'DateTime' },
    { name: 'data', dataType: 'Bytes' },
  ];
  const create = `CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL,
    exact NUMERIC, active INTEGER, at TEXT, data BLOB, CHECK (price IS NULL OR price >= 0))`;

  it('stores every type: doubles exactly, dates as ISO text, booleans as 1/0, bytes as BLOB', async () => {
    const db = await connect('types.db');
    await db.exec(create);
    const inserter = await db.prepareInsert(['items'], columns);
    const doubles = [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, 6.127525701183165e-192, 123456789.12345679];
    const rows: unknown[][] = doubles.map((price, i) => [
      i + 1,
      `n"a\\m\u00e9 ${'\u{1F600}'}\n${i}`,
      price,
      i + 0.25,
      i % 2 === 0,
      new Date(Date.UTC(2024, 1, 29, 12, 0, i)),
      Buffer.from([0, i, 255]),
    ]);
    rows.push([99, 'nulls', null, null, null, null, null]);
    expect(await inserter.insert(inserter.encode(rows))).toEqual({ ok: true });
    const back = (
      await db.query(
        'SELECT id, name, price, exact, active, at, data, typeof(price) AS tp FROM items ORDER BY id',
      )
    ).rows;
    expect(back.slice(0, doubles.length).map((r) => r.price)).toEqual(doubles);
    expect(back[0]).toMatchObject({
      name: `n"a\\m\u00e9 ${'\u{1F600}'}\n0`,
      exact: 0.25,
      active: 1,
      at: '2024-02-29T12:00:00.000Z',
      data: Buffer.from([0, 0, 255]),
      tp: 'real',
    });
    expect(back[1]).toMatchObject({ active: 0 });
    expect(back.at(-1)).toMatchObject({ id: 99, price: null, active: null, at: null, data: null });
    await inserter.close();
  });

  it('stores doubles exactly whether a batch goes scaled (n / 10^d) or split (mantissa, power of 2)', async () => {
    const db = await connect('doubles.db');
    await db.exec('CREATE TABLE d (id INTEGER, x REAL)');
    const inserter = await db.prepareInsert(['d'], [columns[0]!, { name: 'x', dataType: 'Double' }]);
    // Decimals SQLite's own text conversion may round off by one bit; every random double of the second batch.
    const prices = Array.from({ length: 5_000 }, (_, i) => Math.round(Math.random() * 1e9) / 100 + i / 1e4);
    const random = Array.from(
      { length: 5_000 },
      () => (Math.random() - 0.5) * 10 ** (Math.random() * 40 - 20),
    );
    for (const [first, values] of [
      [0, prices],
      [5_000, random],
      [10_000, [12.5, -3, 0]],
    ] as const) {
      const batch = inserter.encode(values.map((x, i) => [first + i, x]));
      expect(await inserter.insert(batch)).toEqual({ ok: true });
    }
    const back = (await db.query('SELECT x, typeof(x) AS t FROM d ORDER BY id')).rows;
    expect(back.map((r) => r.x)).toEqual([...prices, ...random, 12.5, -3, 0]);
    expect(new Set(back.map((r) => r.t))).toEqual(new Set(['real']));
  });

  it('says why rows were refused; atomic leaves nothing of the batch, even under ON CONFLICT FAIL', async () => {
    const db = await connect('refused.db');
    await db.exec(`CREATE TABLE f (id INTEGER UNIQUE ON CONFLICT FAIL, name TEXT NOT NULL)`);
    const inserter = await db.prepareInsert(['f'], columns.slice(0, 2));
    await db.exec('BEGIN');
    await inserter.insert(inserter.encode([[1, 'one']]));
    const duplicate = await inserter.insert(
      inserter.encode([
        [2, 'two'],
        [1, 'again'],
      ]),
      { atomic: true },
    );
    expect(duplicate).toEqual({
      ok: false,
      rejection: { kind: 'constraint', message: 'UNIQUE constraint failed: f.id', column: 'id' },
    });
    const missing = await inserter.insert(inserter.encode([[3, null]]), { atomic: true });
    expect(missing).toMatchObject({ ok: false, rejection: { column: 'name' } });
    await db.exec('COMMIT');
    expect((await db.query('SELECT id FROM f')).rows).toEqual([{ id: 1 }]);
  });

  it('checks the table and columns when prepared', async () => {
    const db = await connect('missing.db');
    await expect(db.prepareInsert(['nowhere'], columns)).rejects.toThrow('no such table');
    await db.exec('CREATE TABLE here (id INTEGER)');
    await expect(db.prepareInsert(['here'], columns.slice(0, 2))).rejects.toThrow('no column named name');
  });

  it('knows which failures are about the rows', () => {
    expect(
      sqliteRejection({
        code: 'SQLITE_CONSTRAINT',
        message: 'SQLITE_CONSTRAINT: CHECK constraint failed: p',
      }),
    ).toEqual({ kind: 'constraint', message: 'CHECK constraint failed: p', column: '' });
    expect(
      sqliteRejection({ code: 'SQLITE_MISMATCH', message: 'SQLITE_MISMATCH: datatype mismatch' }),
    ).toEqual({
      kind: 'conversion',
      message: 'datatype mismatch',
      column: '',
    });
    expect(sqliteRejection({ code: 'SQLITE_BUSY', message: 'SQLITE_BUSY: database is locked' })).toBeNull();
  });
});
