import pg from 'pg';
import { isUrlForm, parseKeywords } from './connectionString';
import { createStatementQueue, runCancellable } from './statementControl';
import type { StatementOptions } from './statementControl';
import { openPostgresCursor, preparePostgresInsert } from './postgresData';
import type { PostgresSession } from './postgresData';
import type { SqlDataConnection, SqlResult } from './types';

export const CONNECT_TIMEOUT_MS = 15_000;
const INT8_OID = 20;
const CHANGING_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** Key=value names (libpq and ADO.NET/Npgsql spellings) -> the URL part or query parameter. */
const KEYWORDS: Record<string, string> = {
  host: 'host',
  server: 'host',
  hostaddr: 'host',
  port: 'port',
  dbname: 'dbname',
  database: 'dbname',
  user: 'user',
  username: 'user',
  'user id': 'user',
  userid: 'user',
  uid: 'user',
  password: 'password',
  pwd: 'password',
  sslmode: 'sslmode',
  'ssl mode': 'sslmode',
  application_name: 'application_name',
  'application name': 'application_name',
  options: 'options',
  connect_timeout: 'connect_timeout',
  timeout: 'connect_timeout',
};

/**
 * pg reads only URLs, so the key=value form becomes one (postgres:///db?host=..&password=..),
 * which pg's own parser then reads: both forms mean the same (sslmode included).
 */
export function keywordsToUrl(text: string): string {
  const query = new URLSearchParams();
  let database = '';
  for (const { key, value } of parseKeywords(text)) {
    const name = KEYWORDS[key];
    if (!name) {
      throw new Error(
        `unknown key "${key}"; known keys: ${[...new Set(Object.values(KEYWORDS))].join(', ')}`,
      );
    }
    if (name === 'dbname') database = value;
    else query.set(name, value);
  }
  return `postgres:///${encodeURIComponent(database)}?${query.toString()}`;
}

/** connect_timeout (seconds) of either form, as pg's connectionTimeoutMillis. */
function connectTimeoutMs(url: string): number {
  const seconds = Number(new URL(url).searchParams.get('connect_timeout'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : CONNECT_TIMEOUT_MS;
}

/** bigint (count(*), bigserial) as a number when it fits, else the exact text. numeric stays text. */
function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

const DATE_OID = 1082;
const TIMESTAMP_OID = 1114;

/**
 * date and timestamp without time zone are read as UTC, as every date in the engine is: pg's own
 * parsers use the worker's local time zone, so the same row would differ from worker to worker.
 */
function parseZoneless(text: string): Date | string {
  if (text === 'infinity' || text === '-infinity') return text;
  const iso = text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? text : date;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    if (oid === INT8_OID) return parseInt8;
    if (oid === DATE_OID || oid === TIMESTAMP_OID) return parseZoneless;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

export function postgresClientConfig(connectionString: string): pg.ClientConfig {
  const trimmed = connectionString.trim();
  const url = isUrlForm(trimmed) ? trimmed : keywordsToUrl(trimmed);
  return {
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs(url),
    application_name: 'scaleout',
    types: typeParsers,
  };
}

/** pg_cancel_backend from a second, short-lived connection: the documented way to stop a query. */
async function cancelBackend(config: pg.ClientConfig, pid: number): Promise<void> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT pg_cancel_backend($1)', [pid]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function toResult(result: pg.QueryResult | pg.QueryResult[]): SqlResult {
  // A script of several statements without parameters gives one result each: report the last.
  const results = Array.isArray(result) ? result : [result];
  const last = results[results.length - 1];
  const changes = results
    .filter((r) => CHANGING_COMMANDS.has(r.command))
    .reduce((sum, r) => sum + (r.rowCount ?? 0), 0);
  return { columns: last?.fields?.map((f) => f.name) ?? [], rows: last?.rows ?? [], changes };
}

/** Opens one PostgreSQL session through pg (URL or key=value connection string). */
export async function openPostgres(connectionString: string): Promise<SqlDataConnection> {
  const config = postgresClientConfig(connectionString);
  const client = new pg.Client(config);
  let broken: Error | null = null;
  // Without a listener a dropped server connection would crash the process.
  client.on('error', (error) => {
    broken = error;
  });
  let pid: number;
  try {
    await client.connect();
    pid = ((await client.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number }).pid;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  const enqueue = createStatementQueue();
  const canceller = {
    cancel: () => cancelBackend(config, pid),
    abandon: () => {
      broken = new Error('the connection was closed: a statement did not stop when canceled');
      void client.end().catch(() => undefined);
    },
  };
  const runWork = <T>(work: () => Promise<T>, options: StatementOptions): Promise<T> =>
    enqueue(() => {
      if (broken) return Promise.reject(new Error(`the connection is broken: ${broken.message}`));
      return runCancellable(options, canceller, work);
    });
  const run = (sql: string, parameters: readonly unknown[] | undefined, options: StatementOptions) =>
    runWork(
      () =>
        client.query(sql, parameters as unknown[] | undefined) as Promise<pg.QueryResult | pg.QueryResult[]>,
      options,
    );
  const session: PostgresSession = { client, run: runWork };
  return {
    type: 'postgresql',
    // With parameters pg uses the extended protocol (one statement); without, the simple one.
    query: async (sql, parameters = [], options = {}) =>
      toResult(await run(sql, parameters.length > 0 ? parameters : undefined, options)),
    exec: async (sql, options = {}) => {
      await run(sql, undefined, options);
    },
    openCursor: (sql, parameters = [], options = {}) => openPostgresCursor(session, sql, parameters, options),
    prepareInsert: (table, columns) => preparePostgresInsert(session, table, columns),
    // Not queued: closing at the end of a package also ends a statement still running.
    close: () => client.end().catch(() => undefined),
  };
}
