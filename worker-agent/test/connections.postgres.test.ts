import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keywordsToUrl, openPostgres } from '../engine/connections/postgres';
import { createConnectionRegistry } from '../engine/connections/registry';
import type { SqlConnection } from '../engine/connections/types';
import { startPostgres } from './fixtures/postgresServer';
import type { PostgresServer } from './fixtures/postgresServer';

let server: PostgresServer;
const open: SqlConnection[] = [];
async function connect(connectionString = server.url): Promise<SqlConnection> {
  const connection = await openPostgres(connectionString);
  open.push(connection);
  return connection;
}
/** Statements running on the server other than the asking one. */
async function activeStatements(db: SqlConnection): Promise<string[]> {
  const { rows } = await db.query(
    "SELECT query FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
  );
  return rows.map((r) => String(r.query));
}

beforeAll(async () => {
  server = await startPostgres();
});
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await server?.stop();
});

describe('keywordsToUrl', () => {
  it('turns libpq and ADO.NET pairs into the URL pg reads', () => {
    expect(keywordsToUrl("host=db port=5433 dbname=sales user=ann password='a b'")).toBe(
      'postgres:///sales?host=db&port=5433&user=ann&password=a+b',
    );
    expect(keywordsToUrl('Server=db;Database=sales;User Id=ann;Pwd=x;SSL Mode=disable')).toBe(
      'postgres:///sales?host=db&user=ann&password=x&sslmode=disable',
    );
    expect(() => keywordsToUrl('host=db colour=blue')).toThrow(
      /unknown key "colour"; known keys: host, port/,
    );
  });
});

describe('PostgreSQL connection', () => {
  it('opens with a URL and with both key=value forms', async () => {
    const { host, port, user, password, database } = server;
    for (const text of [
      server.url,
      `host=${host} port=${port} dbname=${database} user=${user} password='${password}'`,
      `Host=${host};Port=${port};Database=${database};Username=${user};Password=${password}`,
    ]) {
      const db = await connect(text);
      expect((await db.query('SELECT current_user AS who')).rows).toEqual([{ who: user }]);
    }
  });

  it('queries with $1 parameters: columns from the fields, changes of writes only', async () => {
    const db = await connect();
    await db.exec(`
      DROP TABLE IF EXISTS sale;
      CREATE TABLE sale (id serial PRIMARY KEY, region text, amount numeric, at timestamptz);
      INSERT INTO sale (region, amount) VALUES ('north', 10), ('south', 20), ('north', 5);
    `);
    const select = await db.query(
      'SELECT region, count(*) AS n FROM sale WHERE amount > $1 GROUP BY region ORDER BY region',
      [1],
    );
    // count(*) is a bigint: a number when it fits.
    expect(select).toEqual({
      columns: ['region', 'n'],
      rows: [
        { region: 'north', n: 2 },
        { region: 'south', n: 1 },
      ],
      changes: 0,
    });
    expect(await db.query('UPDATE sale SET amount = amount * 2 WHERE region = $1', ['north'])).toEqual({
      columns: [],
      rows: [],
      changes: 2,
    });
    const empty = await db.query('SELECT id, region FROM sale WHERE false');
    expect(empty).toEqual({ columns: ['id', 'region'], rows: [], changes: 0 });
    const returning = await db.query("DELETE FROM sale WHERE region = 'south' RETURNING id");
    expect(returning).toEqual({ columns: ['id'], rows: [{ id: 2 }], changes: 1 });
  });

  it('sends dates as timestamps and reads them back as Date', async () => {
    const db = await connect();
    const at = new Date('2026-03-04T05:06:07.890Z');
    const { rows } = await db.query("SELECT $1::timestamptz + interval '1 day' AS next", [at]);
    expect(rows[0]?.next).toEqual(new Date('2026-03-05T05:06:07.890Z'));
  });

  it('reads date and timestamp without time zone as UTC, whatever the worker’s zone', async () => {
    const db = await connect();
    const { rows } = await db.query(
      "SELECT DATE '2024-05-06' AS d, TIMESTAMP '2024-05-06 07:08:09.5' AS t, 'infinity'::timestamp AS forever",
    );
    expect(rows[0]).toEqual({
      d: new Date('2024-05-06T00:00:00Z'),
      t: new Date('2024-05-06T07:08:09.500Z'),
      forever: 'infinity',
    });
  });

  it('runs a script of several statements with exec', async () => {
    const db = await connect();
    await db.exec('DROP TABLE IF EXISTS t; CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2);');
    expect((await db.query('SELECT sum(x) AS s FROM t')).rows).toEqual([{ s: 3 }]);
  });

  it('cancels a long statement on the server at its timeout and stays usable', async () => {
    const db = await connect();
    const watcher = await connect();
    const started = Date.now();
    await expect(db.query('SELECT pg_sleep(60)', [], { timeoutMs: 300 })).rejects.toThrow(
      /timed out after 300 ms and was canceled/,
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await activeStatements(watcher)).toEqual([]);
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('cancels a long exec when the signal aborts', async () => {
    const db = await connect();
    const watcher = await connect();
    const controller = new AbortController();
    const running = db.exec('SELECT pg_sleep(60); SELECT 1', { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(running).rejects.toThrow(/canceled: the execution is stopping/);
    expect(await activeStatements(watcher)).toEqual([]);
  });

  it('keeps the password out of the error of a refused login (URL and key=value)', async () => {
    const wrong = 'Wr0ng-Passw0rd-123';
    const { host, port, user, database } = server;
    for (const text of [
      `postgres://${user}:${wrong}@${host}:${port}/${database}`,
      `host=${host} port=${port} dbname=${database} user=${user} password=${wrong}`,
    ]) {
      const secrets: string[] = [];
      const registry = createConnectionRegistry(
        [
          {
            type: 'postgresql',
            name: 'Warehouse',
            connectionString: text,
            description: '',
            propertyExpressions: {},
          },
        ],
        { workDir: '/', addSecret: (s) => secrets.push(s) },
      );
      const error = (await registry.open('Warehouse', 'postgresql').catch((e: unknown) => e)) as Error;
      expect(error.message).toMatch(
        /cannot open connection manager "Warehouse" \(.*\*{8}.*\): .*password authentication failed/,
      );
      expect(error.message).not.toContain(wrong);
      expect(String(error.stack)).not.toContain(wrong);
      expect(secrets).toContain(wrong);
      await registry.closeAll();
    }
  });
});
