import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hasSeveralStatements, openSqlite, parseSqliteConnectionString } from '../engine/connections/sqlite';
import type { SqlConnection } from '../engine/connections/types';

/** Counts to a billion: runs for minutes unless interrupted. */
const ENDLESS =
  'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) SELECT count(*) AS n FROM c';

let dir: string;
const open: SqlConnection[] = [];
async function connect(connectionString: string, readOnly = false): Promise<SqlConnection> {
  const connection = await openSqlite(parseSqliteConnectionString(connectionString, dir, readOnly));
  open.push(connection);
  return connection;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scaleout-sqlite-'));
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseSqliteConnectionString', () => {
  it('reads a path relative to the work directory, or Data Source and Mode', () => {
    expect(parseSqliteConnectionString('data/sales.db', '/w', false)).toEqual({
      file: '/w/data/sales.db',
      mode: 'readWriteCreate',
    });
    expect(parseSqliteConnectionString('Data Source=/x/s.db;Mode=ReadOnly', '/w', false)).toEqual({
      file: '/x/s.db',
      mode: 'readOnly',
    });
    expect(parseSqliteConnectionString('DataSource=s.db;Mode=ReadWrite', '/w', true).mode).toBe('readOnly');
    expect(parseSqliteConnectionString('Data Source=x;Mode=Memory', '/w', false).file).toBe(':memory:');
  });

  it('names what is wrong', () => {
    expect(() => parseSqliteConnectionString('Data Source=s.db;Mode=Sometimes', '/w', false)).toThrow(
      /Mode must be ReadOnly/,
    );
    expect(() => parseSqliteConnectionString('Data Source=s.db;Cache=Shared', '/w', false)).toThrow(
      /unknown key "cache"/,
    );
    expect(() => parseSqliteConnectionString('Mode=ReadOnly', '/w', false)).toThrow(/Data Source is missing/);
  });
});

describe('hasSeveralStatements', () => {
  it('sees a second statement, not a ; in strings, names, comments or a trigger body', () => {
    expect(hasSeveralStatements('SELECT 1; SELECT 2')).toBe(true);
    expect(hasSeveralStatements('SELECT 1;')).toBe(false);
    expect(hasSeveralStatements('SELECT 1; -- done\n ; ')).toBe(false);
    expect(hasSeveralStatements('SELECT \'a;b\', "c;d", [e;f], `g;h` /* ; x */ FROM t')).toBe(false);
    expect(hasSeveralStatements("SELECT 'it''s; fine'; DELETE FROM t")).toBe(true);
    expect(hasSeveralStatements('CREATE TRIGGER r AFTER INSERT ON t BEGIN DELETE FROM u; END;')).toBe(false);
  });
});

describe('SQLite connection', () => {
  it('queries with ? parameters and reports columns, rows and changes', async () => {
    const db = await connect('query.db');
    await db.exec(`
      CREATE TABLE sale (id INTEGER PRIMARY KEY, region TEXT, amount REAL, at TEXT, paid INTEGER);
      INSERT INTO sale (region, amount) VALUES ('north', 10), ('south', 20), ('north', 5);
    `);
    const select = await db.query(
      'SELECT region, sum(amount) AS total FROM sale WHERE amount > ? GROUP BY region ORDER BY region',
      [1],
    );
    expect(select).toEqual({
      columns: ['region', 'total'],
      rows: [
        { region: 'north', total: 15 },
        { region: 'south', total: 20 },
      ],
      changes: 0,
    });
    const update = await db.query('UPDATE sale SET amount = amount * 2 WHERE region = ?', ['north']);
    expect(update).toEqual({ columns: [], rows: [], changes: 2 });
    // A SELECT right after a write changes nothing (changes() alone would still say 2).
    expect((await db.query('SELECT 1 AS one')).changes).toBe(0);
    const returning = await db.query("DELETE FROM sale WHERE region = 'south' RETURNING id");
    expect(returning).toEqual({ columns: ['id'], rows: [{ id: 2 }], changes: 1 });
    expect((await db.query('SELECT * FROM sale WHERE 0')).columns).toEqual([]);
  });

  it('binds dates as ISO text and booleans as 1/0, and refuses records', async () => {
    const db = await connect(':memory:');
    const at = new Date('2026-03-04T05:06:07.890Z');
    const { rows } = await db.query('SELECT ? AS at, ? AS yes, ? AS empty', [at, true, null]);
    expect(rows).toEqual([{ at: '2026-03-04T05:06:07.890Z', yes: 1, empty: null }]);
    await expect(db.query('SELECT ?', [{ a: 1 }])).rejects.toThrow(/parameter 1 is a record/);
  });

  it('refuses a query holding several statements (sqlite3 would drop all but the first)', async () => {
    const db = await connect('several.db');
    await db.exec('CREATE TABLE t (x)');
    await expect(db.query('INSERT INTO t VALUES (?); DELETE FROM t', [1])).rejects.toThrow(
      /holds several statements, but a SQLite query runs only one/,
    );
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
  });

  it('runs a script of several statements with exec', async () => {
    const db = await connect('script.db');
    await db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);');
    expect((await db.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 2 }]);
  });

  it('stops a long query at its timeout and stays usable', async () => {
    const db = await connect('timeout.db');
    const started = Date.now();
    await expect(db.query(ENDLESS, [], { timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect((await db.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('stops a long exec when the signal aborts, and refuses to start on an aborted signal', async () => {
    const db = await connect('abort.db');
    const controller = new AbortController();
    const running = db.exec(`CREATE TABLE n AS ${ENDLESS}`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(running).rejects.toThrow(/canceled/);
    await expect(db.query('SELECT 1', [], { signal: controller.signal })).rejects.toThrow(/canceled/);
    expect((await db.query("SELECT name FROM sqlite_master WHERE name = 'n'")).rows).toEqual([]);
  });

  it('refuses writes when read-only (readOnly or Mode=ReadOnly), and a missing file', async () => {
    const writer = await connect('ro.db');
    await writer.exec('CREATE TABLE t (x)');
    for (const reader of [await connect('ro.db', true), await connect('Data Source=ro.db;Mode=ReadOnly')]) {
      await expect(reader.exec('INSERT INTO t VALUES (1)')).rejects.toThrow(/readonly database/);
      expect((await reader.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 0 }]);
    }
    await expect(connect('missing.db', true)).rejects.toThrow(/missing\.db does not exist/);
    await expect(connect('no/such/folder/x.db')).rejects.toThrow(/folder .*no\/such\/folder does not exist/);
  });

  it('waits for another connection to release its lock (busy timeout) instead of failing at once', async () => {
    const a = await connect('busy.db');
    const b = await connect('busy.db');
    await a.exec('CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);');
    const insert = b.query('INSERT INTO t VALUES (2)');
    // Hold the write lock a moment: without a busy timeout b fails with SQLITE_BUSY at once.
    setTimeout(() => void a.exec('COMMIT'), 300);
    expect((await insert).changes).toBe(1);
    expect((await b.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 2 }]);
  });
});
