/**
 * Open connections, as tasks see them. A connection manager definition (packageFormat.ts) is
 * opened by the registry (registry.ts) into one of these handles.
 */
import type { ColumnType } from '../../../master-core/protocol/dataFlowFormat';
import type { ConnectionManagerDef } from '../../../master-core/protocol/packageFormat';

export type ConnectionType = ConnectionManagerDef['type'];
export type SqlRow = Record<string, unknown>;

export interface SqlResult {
  /** Column names in the order the statement returned them (empty when it returned no rows). */
  columns: string[];
  rows: SqlRow[];
  /** Rows changed by an INSERT, UPDATE or DELETE. */
  changes: number;
}

/** SQLite and PostgreSQL connections. */
export interface SqlConnection {
  readonly type: 'sqlite' | 'postgresql';
  /** Runs one statement with positional parameters (SQLite ?, PostgreSQL $1). */
  query(
    sql: string,
    parameters?: readonly unknown[],
    options?: { timeoutMs?: number; signal?: AbortSignal },
  ): Promise<SqlResult>;
  /** Runs a script of several statements without parameters (no result rows). */
  exec(sql: string, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<void>;
  close(): Promise<void>;
}

/** Stops a statement: a timeout, or a signal (the execution is stopping). */
export interface SqlStatementOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * A query's result, read a batch at a time. The result is fixed when the cursor opens (SQLite
 * copies it into a temporary table, PostgreSQL into a WITH HOLD cursor), so statements run on the
 * same connection between reads (a destination writing there) neither block nor change it.
 */
export interface SqlCursor {
  /** The result's column names, in order (known even when it has no rows). */
  readonly columns: readonly string[];
  /** The next rows, at most `count`, as arrays in column order; [] once every row was read. */
  read(count: number, options?: SqlStatementOptions): Promise<unknown[][]>;
  /** Frees the cursor; safe to call again. Best effort: never throws. */
  close(): Promise<void>;
}

/** A table column an inserter writes, with the type of the values it is given. */
export interface InsertColumn {
  name: string;
  dataType: ColumnType;
}

/** Why the database refused the rows of an insert (their values, not the statement). */
export interface RowRejection {
  kind: 'constraint' | 'conversion' | 'truncation';
  /** The database's message, with any value it quotes hidden. */
  message: string;
  /** The table column it names, '' when none. */
  column: string;
}

export type InsertOutcome = { ok: true } | { ok: false; rejection: RowRejection };

/** Rows encoded for one insert statement (opaque to callers). */
export interface InsertBatch {
  readonly rowCount: number;
}

/** Inserts rows into one table, one statement per batch, as fast as the database allows. */
export interface SqlInserter {
  /**
   * Encodes rows for one statement; each row holds a value of its column's type (or null) per
   * column, in order. Synchronous, so the caller may reuse the rows at once.
   */
  encode(rows: readonly (readonly unknown[])[]): InsertBatch;
  /**
   * Runs one statement inserting the batch. Resolves with the rejection when the database refused
   * the rows' values (constraint, type, range); throws on any other failure. With `atomic` (inside
   * a transaction) a rejected batch leaves no row and the transaction usable.
   */
  insert(batch: InsertBatch, options?: SqlStatementOptions & { atomic?: boolean }): Promise<InsertOutcome>;
  /** Frees the prepared statement; safe to call again. */
  close(): Promise<void>;
}

/** What the registry opens for SQLite and PostgreSQL: statements plus streaming and bulk loads. */
export interface SqlDataConnection extends SqlConnection {
  /** Runs a query and opens a cursor on its rows (positional parameters as in query()). */
  openCursor(sql: string, parameters?: readonly unknown[], options?: SqlStatementOptions): Promise<SqlCursor>;
  /**
   * Prepares inserts into a table (its name in parts: ["schema", "table"] or ["table"]), checking
   * the table and columns exist.
   */
  prepareInsert(table: readonly string[], columns: readonly InsertColumn[]): Promise<SqlInserter>;
}

export interface FlatFileConnection {
  readonly type: 'flatFile';
  /** Absolute path of the file. */
  readonly path: string;
  readonly delimiter: string;
  readonly textQualifier: string;
  readonly columnNamesInFirstDataRow: boolean;
  readonly encoding: BufferEncoding;
  close(): Promise<void>;
}

export interface HttpConnection {
  readonly type: 'http';
  /** Base URL; relative URLs of a request resolve against it. */
  readonly baseUrl: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  close(): Promise<void>;
}

export type AnyConnection = SqlDataConnection | FlatFileConnection | HttpConnection;
/**
 * The handle each connection type opens to. (Extract<AnyConnection, { type: 'sqlite' }> would be
 * never: SqlConnection's type is 'sqlite' | 'postgresql'.)
 */
interface HandleByType extends Record<ConnectionType, AnyConnection> {
  sqlite: SqlDataConnection;
  postgresql: SqlDataConnection;
  flatFile: FlatFileConnection;
  http: HttpConnection;
}
export type ConnectionHandle<T extends ConnectionType = ConnectionType> = HandleByType[T];
