/**
 * The Data Flow's paths into and out of PostgreSQL: cursors read with FETCH, bulk inserts with
 * COPY FROM STDIN. Measured on 1M rows of 8 columns against a local server (docs/benchmarks.md):
 * multi-row INSERT ... VALUES ($1, ...) ~155k rows/s at 500 rows a statement, unnest(arrays) and
 * json_array_elements ~100k, COPY in text format ~210k at 500 rows a statement and ~270k at 5,000.
 *
 * A cursor is DECLAREd WITH HOLD: PostgreSQL keeps its result past the transaction that made it,
 * so the destination may begin and commit transactions on the same connection between FETCHes.
 * Outside a transaction PostgreSQL computes the whole result when the cursor opens (into its own
 * temporary storage), which fixes what the source reads as SQLite's cursor does.
 */
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CopyStreamQuery } from 'pg-copy-streams';
import {
  hideQuotedValues,
  isCursorQuery,
  quoteIdentifier,
  quoteTableName,
  withoutTrailingSemicolons,
} from './sqlText';
import type {
  InsertBatch,
  InsertColumn,
  InsertOutcome,
  RowRejection,
  SqlCursor,
  SqlInserter,
  SqlStatementOptions,
} from './types';

/** What the data paths need of an open PostgreSQL connection (postgres.ts). */
export interface PostgresSession {
  client: pg.Client;
  /** Runs work alone on the connection (statement queue), stopped by the options' timeout or signal. */
  run<T>(work: () => Promise<T>, options: SqlStatementOptions): Promise<T>;
}

let cursorCount = 0;

const arrays = (client: pg.Client, text: string, values?: unknown[]) =>
  client.query({ text, values, rowMode: 'array' }) as Promise<pg.QueryArrayResult>;

/** DECLARE ... WITH HOLD, then FETCH FORWARD n per read; CLOSE at the end. */
export async function openPostgresCursor(
  session: PostgresSession,
  sql: string,
  parameters: readonly unknown[],
  options: SqlStatementOptions,
): Promise<SqlCursor> {
  const { client, run } = session;
  if (!isCursorQuery(sql, 'postgresql')) {
    // SHOW, INSERT ... RETURNING, a procedure call: read whole.
    const result = await run(
      () => arrays(client, sql, parameters.length ? [...parameters] : undefined),
      options,
    );
    const rows = result.rows;
    let next = 0;
    return {
      columns: result.fields.map((f) => f.name),
      read: async (count) => rows.slice(next, (next += count)),
      close: async () => {
        next = rows.length;
      },
    };
  }
  const name = quoteIdentifier(`scaleout_cursor_${(cursorCount += 1)}`);
  const declare = `DECLARE ${name} NO SCROLL CURSOR WITH HOLD FOR ${withoutTrailingSemicolons(sql)}`;
  await run(() => client.query(declare, parameters.length ? [...parameters] : undefined), options);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await run(() => client.query(`CLOSE ${name}`), {}).catch(() => undefined);
  };
  try {
    // FORWARD 0 fetches no row but describes the columns.
    const described = await run(() => arrays(client, `FETCH FORWARD 0 FROM ${name}`), options);
    return {
      columns: described.fields.map((f) => f.name),
      read: async (count, readOptions = {}) => {
        if (closed || count <= 0) return [];
        const result = await run(
          () => arrays(client, `FETCH FORWARD ${Math.floor(count)} FROM ${name}`),
          readOptions,
        );
        return result.rows;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const NEEDS_ESCAPE = /[\\\n\r\t]/;

/** One value in COPY's text format; the server parses it as its column's type. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!) : value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
  }
  if (value instanceof Date) return value.toISOString();
  // bytea's hex form, its backslash escaped for COPY.
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  return copyText(JSON.stringify(value));
}

/** The column names of a key violation's detail, `Key ("Id", b)=(...)` -> `Id, b` (values dropped). */
function keyColumns(detail: string | undefined): string | undefined {
  const names = /^Key \(([^)]*)\)=/.exec(detail ?? '')?.[1];
  return names
    ?.split(', ')
    .map((n) => (n.startsWith('"') && n.endsWith('"') ? n.slice(1, -1).replace(/""/g, '"') : n))
    .join(', ');
}

/** PostgreSQL failures caused by the rows' values (SQLSTATE classes 22 and 23). */
export function postgresRejection(error: unknown): RowRejection | null {
  const { code, message, column, where, detail } = error as {
    code?: string;
    message?: string;
    column?: string;
    where?: string;
    detail?: string;
  };
  if (typeof code !== 'string') return null;
  // The column: named by not-null errors; COPY says where ("COPY t, line 3, column amount: "x"");
  // a unique key's detail names its columns ("Key (id)=(5) already exists": only the names kept).
  const named = column ?? /, column ([^:]+)(?::|$)/.exec(where ?? '')?.[1] ?? keyColumns(detail) ?? '';
  if (code.startsWith('23')) return { kind: 'constraint', message: message ?? code, column: named };
  if (!code.startsWith('22')) return null;
  const kind = code === '22001' || code === '22003' ? 'truncation' : 'conversion';
  return { kind, message: hideQuotedValues(message ?? code), column: named };
}

interface PostgresBatch extends InsertBatch {
  readonly text: string;
}

function copy(client: pg.Client, sql: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream: CopyStreamQuery = client.query(copyFrom(sql));
    stream.once('error', reject);
    stream.once('finish', () => resolve());
    stream.end(text);
  });
}

/** Each batch is one COPY ... FROM STDIN; the table and columns are checked by an empty one. */
export async function preparePostgresInsert(
  session: PostgresSession,
  table: readonly string[],
  columns: readonly InsertColumn[],
): Promise<SqlInserter> {
  const { client, run } = session;
  const sql = `COPY ${quoteTableName(table)} (${columns.map((c) => quoteIdentifier(c.name)).join(', ')}) FROM STDIN`;
  await run(() => copy(client, sql, ''), {});
  return {
    encode: (rows): PostgresBatch => {
      let text = '';
      for (const row of rows) {
        for (let i = 0; i < columns.length; i += 1) text += (i === 0 ? '' : '\t') + copyText(row[i]);
        text += '\n';
      }
      return { rowCount: rows.length, text };
    },
    insert: async (batch, options = {}): Promise<InsertOutcome> => {
      const { text } = batch as PostgresBatch;
      try {
        await run(async () => {
          // A failed statement aborts the transaction: the savepoint gives it back.
          if (options.atomic) await client.query('SAVEPOINT scaleout_insert');
          try {
            await copy(client, sql, text);
          } catch (error) {
            if (options.atomic)
              await client.query('ROLLBACK TO SAVEPOINT scaleout_insert; RELEASE SAVEPOINT scaleout_insert');
            throw error;
          }
          if (options.atomic) await client.query('RELEASE SAVEPOINT scaleout_insert');
        }, options);
        return { ok: true };
      } catch (error) {
        const rejection = postgresRejection(error);
        if (rejection) return { ok: false, rejection };
        throw error;
      }
    },
    close: async () => undefined,
  };
}
