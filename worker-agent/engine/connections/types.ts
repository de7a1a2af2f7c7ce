/**
 * Open connections, as tasks see them. A connection manager definition (packageFormat.ts) is
 * opened by the registry (registry.ts) into one of these handles.
 */
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

export type AnyConnection = SqlConnection | FlatFileConnection | HttpConnection;
/**
 * The handle each connection type opens to. (Extract<AnyConnection, { type: 'sqlite' }> would be
 * never: SqlConnection's type is 'sqlite' | 'postgresql'.)
 */
interface HandleByType extends Record<ConnectionType, AnyConnection> {
  sqlite: SqlConnection;
  postgresql: SqlConnection;
  flatFile: FlatFileConnection;
  http: HttpConnection;
}
export type ConnectionHandle<T extends ConnectionType = ConnectionType> = HandleByType[T];
