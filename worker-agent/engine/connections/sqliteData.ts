/**
 * The Data Flow's paths into and out of SQLite: cursors that read a result a batch at a time and
 * bulk inserts. Measured on 1M rows of 8 columns (docs/benchmarks.md):
 * - Reading: sqlite3 has no step-wise batch read. Stepping with get() costs a thread-pool round
 *   trip per row (~33k rows/s); each() cannot be paused (rows pile up in memory). So a cursor
 *   copies the result into a temporary table (in SQLite's temp file, not in memory) and reads it
 *   by rowid pages (~360k rows/s); the copy also fixes the result, so a destination writing to the
 *   same file while the source reads cannot change what it reads.
 * - Writing: binding 8 values per row through sqlite3 costs ~0.5 µs a value on the main thread;
 *   multi-row VALUES peaked near 300k rows/s with the main thread doing nothing else. Instead each
 *   statement gets ONE parameter, the batch as JSON text (sqliteEncoding.ts), and
 *   `INSERT ... SELECT json_extract(value, '$[i]') ... FROM jsonb_each(?)` unpacks it inside SQLite,
 *   on sqlite3's thread, while the destination encodes the next statement on the main thread.
 */
import type sqlite3 from 'sqlite3';
import type { StatementCanceller } from './statementControl';
import { runCancellable } from './statementControl';
import { encodeRows, scalesOf, unpackList } from './sqliteEncoding';
import { isCursorQuery, quoteIdentifier, quoteTableName, withoutTrailingSemicolons } from './sqlText';
import type {
  InsertBatch,
  InsertColumn,
  InsertOutcome,
  RowRejection,
  SqlCursor,
  SqlInserter,
  SqlRow,
  SqlStatementOptions,
} from './types';

/** What the data paths need of an open SQLite connection (sqlite.ts). */
export interface SqliteSession {
  db: sqlite3.Database;
  enqueue: <T>(work: () => Promise<T>) => Promise<T>;
  canceller: StatementCanceller;
  /** Prepared statements still open: finalized before the database closes. */
  statements: Set<sqlite3.Statement>;
  /** Runs one statement through query() (for results a cursor cannot hold). */
  query(sql: string, parameters: readonly unknown[], options: SqlStatementOptions): Promise<SqlRow[]>;
  toParameter(value: unknown, index: number): unknown;
}

function call<T>(start: (done: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    start((error, value) => (error ? reject(error) : resolve(value as T))),
  );
}

function prepare(session: SqliteSession, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const statement = session.db.prepare(sql, (error) => {
      if (error) reject(error);
      else {
        session.statements.add(statement);
        resolve(statement);
      }
    });
  });
}

async function finalize(session: SqliteSession, statement: sqlite3.Statement | null): Promise<void> {
  if (!statement || !session.statements.delete(statement)) return;
  await new Promise<void>((resolve) => statement.finalize(() => resolve()));
}

let cursorCount = 0;

/** A cursor over rows already in memory (statements a temporary table cannot hold). */
function memoryCursor(columns: string[], rows: SqlRow[]): SqlCursor {
  let next = 0;
  return {
    columns,
    read: async (count) => {
      const page = rows.slice(next, next + count).map((row) => columns.map((c) => row[c]));
      next += page.length;
      return page;
    },
    close: async () => {
      next = rows.length;
    },
  };
}

/** Opens a cursor: the result copied into a temporary table, read by rowid pages. */
export async function openSqliteCursor(
  session: SqliteSession,
  sql: string,
  parameters: readonly unknown[],
  options: SqlStatementOptions,
): Promise<SqlCursor> {
  if (!isCursorQuery(sql, 'sqlite')) {
    const rows = await session.query(sql, parameters, options);
    return memoryCursor(rows[0] ? Object.keys(rows[0]) : [], rows);
  }
  const name = quoteIdentifier(`scaleout_cursor_${(cursorCount += 1)}`);
  const table = `temp.${name}`;
  const values = parameters.map(session.toParameter);
  const run = <T>(work: () => Promise<T>, statementOptions: SqlStatementOptions = {}) =>
    session.enqueue(() => runCancellable(statementOptions, session.canceller, work));
  await run(
    () =>
      call<void>((done) =>
        session.db.run(`CREATE TABLE ${table} AS ${withoutTrailingSemicolons(sql)}`, values, done),
      ),
    options,
  );
  let page: sqlite3.Statement | null = null;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await finalize(session, page);
    await run(() => call<void>((done) => session.db.run(`DROP TABLE IF EXISTS ${table}`, done))).catch(
      () => undefined,
    );
  };
  try {
    const info = await run(() =>
      call<{ name: string }[]>((done) => session.db.all(`PRAGMA temp.table_info(${name})`, done)),
    );
    const columns = info.map((c) => c.name);
    // Aliases keep the columns in order: an object's integer-like keys would come first.
    const aliases = columns.map((_, i) => `c${i}`);
    const list = columns.map((c, i) => `${quoteIdentifier(c)} AS ${aliases[i]}`).join(', ');
    page = await prepare(
      session,
      `SELECT rowid AS r, ${list} FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`,
    );
    let after = 0;
    return {
      columns,
      read: async (count, readOptions = {}) => {
        if (closed || count <= 0) return [];
        const statement = page!;
        const rows = await run(
          () => call<SqlRow[]>((done) => statement.all([after, count], done)),
          readOptions,
        );
        if (rows.length > 0) after = rows[rows.length - 1]!.r as number;
        return rows.map((row) => aliases.map((a) => row[a]));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** SQLite failures caused by the rows' values; anything else fails the statement. */
export function sqliteRejection(error: unknown): RowRejection | null {
  const { code, message } = error as { code?: string; message?: string };
  const text = (message ?? '').replace(/^SQLITE_[A-Z_]+: /, '');
  // "UNIQUE constraint failed: t.a, t.b", "NOT NULL constraint failed: t.a"; CHECK names a constraint.
  const column =
    /(?:UNIQUE|NOT NULL|PRIMARY KEY) constraint failed: [^.\s]+\.([^\s,]+)/.exec(text)?.[1] ?? '';
  if (code === 'SQLITE_CONSTRAINT') return { kind: 'constraint', message: text, column };
  if (code === 'SQLITE_MISMATCH') return { kind: 'conversion', message: text, column: '' };
  if (code === 'SQLITE_TOOBIG') return { kind: 'truncation', message: text, column: '' };
  return null;
}

interface SqliteBatch extends InsertBatch {
  readonly json: string;
  /** Which statement unpacks it (its columns' scales). */
  readonly scales: readonly (number | 'split')[];
}

/** Statements per distinct set of scales a batch may need: a data set rarely needs more than two. */
const MAX_STATEMENTS = 16;

/** Each batch is one run of an INSERT ... SELECT FROM jsonb_each(?) with the rows as its one parameter. */
export async function prepareSqliteInsert(
  session: SqliteSession,
  table: readonly string[],
  columns: readonly InsertColumn[],
): Promise<SqlInserter> {
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const target = `INSERT INTO ${quoteTableName(table)} (${names})`;
  const statements = new Map<string, sqlite3.Statement>();
  const statementFor = async (scales: SqliteBatch['scales']) => {
    const key = scales.join(',');
    let statement = statements.get(key);
    if (!statement) {
      if (statements.size >= MAX_STATEMENTS) {
        const [oldest, first] = statements.entries().next().value!;
        statements.delete(oldest);
        await finalize(session, first);
      }
      statement = await prepare(
        session,
        `${target} SELECT ${unpackList(columns, scales)} FROM jsonb_each(?)`,
      );
      statements.set(key, statement);
    }
    return statement;
  };
  // Checks the table and columns now, and prepares the usual statement.
  await session.enqueue(() => statementFor(scalesOf(columns, [])));
  const run = (work: () => Promise<void>, options: SqlStatementOptions) =>
    session.enqueue(() => runCancellable(options, session.canceller, work));
  const exec = (text: string) => call<void>((done) => session.db.exec(text, done));
  return {
    encode: (rows): SqliteBatch => {
      const scales = scalesOf(columns, rows);
      return { rowCount: rows.length, json: encodeRows(columns, rows, scales), scales };
    },
    insert: async (batch, options = {}): Promise<InsertOutcome> => {
      const { json, scales } = batch as SqliteBatch;
      const atomic = options.atomic === true;
      try {
        await run(async () => {
          const statement = await statementFor(scales);
          // A conflict clause ON CONFLICT FAIL keeps the rows before the failing one: a savepoint
          // makes a rejected batch leave nothing.
          if (atomic) await exec('SAVEPOINT scaleout_insert');
          try {
            await call<void>((done) => statement.run([json], done));
          } catch (error) {
            if (atomic) await exec('ROLLBACK TO scaleout_insert; RELEASE scaleout_insert');
            throw error;
          }
          if (atomic) await exec('RELEASE scaleout_insert');
        }, options);
        return { ok: true };
      } catch (error) {
        const rejection = sqliteRejection(error);
        if (rejection) return { ok: false, rejection };
        throw error;
      }
    },
    close: async () => {
      for (const statement of statements.values()) await finalize(session, statement);
      statements.clear();
    },
  };
}
