import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { parseKeywords } from './connectionString';
import { createStatementQueue, runCancellable } from './statementControl';
import type { StatementOptions } from './statementControl';
import { openSqliteCursor, prepareSqliteInsert } from './sqliteData';
import type { SqliteSession } from './sqliteData';
import type { SqlDataConnection, SqlResult, SqlRow } from './types';

export const BUSY_TIMEOUT_MS = 5_000;

export type SqliteMode = 'readOnly' | 'readWrite' | 'readWriteCreate';

export interface SqliteTarget {
  /** Absolute path, or :memory:. */
  file: string;
  mode: SqliteMode;
}

const MODES: Record<string, SqliteMode | 'memory'> = {
  readonly: 'readOnly',
  readwrite: 'readWrite',
  readwritecreate: 'readWriteCreate',
  memory: 'memory',
};
const FILE_KEYS = new Set(['data source', 'datasource', 'filename']);

/**
 * The file and mode of a connection string: a path (relative to workDir), or
 * `Data Source=path;Mode=ReadOnly|ReadWrite|ReadWriteCreate|Memory` (Microsoft.Data.Sqlite style).
 * Like Microsoft.Data.Sqlite, a missing file is created unless a mode says otherwise.
 */
export function parseSqliteConnectionString(text: string, workDir: string, readOnly: boolean): SqliteTarget {
  let path = text.trim();
  let mode: SqliteMode | 'memory' = 'readWriteCreate';
  if (/^\s*(data\s?source|filename|mode)\s*=/i.test(text)) {
    path = '';
    for (const { key, value } of parseKeywords(text)) {
      if (FILE_KEYS.has(key)) path = value;
      else if (key === 'mode' && MODES[value.toLowerCase()]) mode = MODES[value.toLowerCase()]!;
      else if (key === 'mode') throw new Error(`Mode must be ReadOnly, ReadWrite, ReadWriteCreate or Memory`);
      else throw new Error(`unknown key "${key}"; a SQLite connection string knows Data Source and Mode`);
    }
  }
  if (mode === 'memory' || path === ':memory:') return { file: ':memory:', mode: 'readWriteCreate' };
  if (!path) throw new Error('Data Source is missing: name the database file');
  return { file: resolve(workDir, path), mode: readOnly ? 'readOnly' : mode };
}

const FLAGS: Record<SqliteMode, number> = {
  readOnly: sqlite3.OPEN_READONLY,
  readWrite: sqlite3.OPEN_READWRITE,
  readWriteCreate: sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE,
};

/** What sqlite3 can bind: dates as ISO 8601 text, booleans as 1/0; no arrays or records. */
export function toSqliteParameter(value: unknown, index: number): unknown {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (typeof value === 'object' && !Buffer.isBuffer(value)) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `parameter ${index + 1} is ${Array.isArray(value) ? 'an array' : 'a record'}: SQLite binds only text, numbers, booleans, dates and null`,
    );
  }
  return value;
}

/** String literals, quoted identifiers and comments: where a `;` does not end a statement. */
const NOT_CODE = /'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|--[^\n]*|\/\*[\s\S]*?\*\//g;

/**
 * Whether SQL holds a statement after the first one. sqlite3 runs only the first statement of a
 * query and silently drops the rest, so query() refuses such text (exec runs scripts). A trigger
 * body holds `;` inside one CREATE TRIGGER statement, so triggers are let through.
 */
export function hasSeveralStatements(sql: string): boolean {
  if (/^\s*create\s+(?:temp\s+|temporary\s+)?trigger\b/i.test(sql)) return false;
  return /;[\s;]*[^\s;]/.test(sql.replace(NOT_CODE, (m) => (/^(--|\/\*)/.test(m) ? ' ' : 'x')));
}

function call<T>(start: (done: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    start((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

async function openDatabase(target: SqliteTarget): Promise<sqlite3.Database> {
  if (target.file !== ':memory:') {
    const folder = dirname(target.file);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw new Error(`the folder ${folder} does not exist`);
    }
    if (target.mode !== 'readWriteCreate' && !existsSync(target.file)) {
      throw new Error(`the database file ${target.file} does not exist`);
    }
  }
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(target.file, FLAGS[target.mode], (error) =>
      error ? reject(new Error(`${target.file}: ${error.message}`)) : resolve(db),
    );
  });
}

/** One statement, plus the rows it changed: total_changes() moves only when it wrote something. */
async function runQuery(db: sqlite3.Database, sql: string, parameters: unknown[]): Promise<SqlResult> {
  const before = await call<{ t: number }>((done) => db.get('SELECT total_changes() AS t', done));
  const rows = await call<SqlRow[]>((done) => db.all(sql, parameters, done));
  const after = await call<{ c: number; t: number }>((done) =>
    db.get('SELECT changes() AS c, total_changes() AS t', done),
  );
  // changes() alone would repeat the count of an earlier INSERT after a SELECT.
  const changes = after.t !== before.t ? after.c : 0;
  return { columns: rows[0] ? Object.keys(rows[0]) : [], rows, changes };
}

/** Opens a SQLite database through sqlite3, with a 5 s busy timeout. */
export async function openSqlite(target: SqliteTarget): Promise<SqlDataConnection> {
  const db = await openDatabase(target);
  db.configure('busyTimeout', BUSY_TIMEOUT_MS);
  const enqueue = createStatementQueue();
  // sqlite3_interrupt stops whatever runs on the connection; the queue makes that our statement.
  const canceller = { cancel: () => db.interrupt() };
  const query = async (sql: string, parameters: readonly unknown[] = [], options: StatementOptions = {}) => {
    if (hasSeveralStatements(sql)) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        'the SQL holds several statements, but a SQLite query runs only one ' +
          '(a script runs only without parameters and without a result set)',
      );
    }
    const values = parameters.map(toSqliteParameter);
    return enqueue(() => runCancellable(options, canceller, () => runQuery(db, sql, values)));
  };
  const session: SqliteSession = {
    db,
    enqueue,
    canceller,
    statements: new Set(),
    query: async (sql, parameters, options) => (await query(sql, parameters, options)).rows,
    toParameter: toSqliteParameter,
  };
  return {
    type: 'sqlite',
    query,
    exec: (sql, options: StatementOptions = {}) =>
      enqueue(() => runCancellable(options, canceller, () => call<void>((done) => db.exec(sql, done)))),
    openCursor: async (sql, parameters = [], options = {}) => {
      if (hasSeveralStatements(sql))
        throw new ScaleOutError('VALIDATION_FAILED', 'the SQL of a cursor must hold one statement');
      return openSqliteCursor(session, sql, parameters, options);
    },
    prepareInsert: (table, columns) => prepareSqliteInsert(session, table, columns),
    close: () =>
      enqueue(async () => {
        // A statement left prepared (a cursor or inserter not closed) would keep the file open.
        for (const statement of session.statements) await call<void>((done) => statement.finalize(done));
        session.statements.clear();
        await call<void>((done) => db.close(done));
      }),
  };
}
