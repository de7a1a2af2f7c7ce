import sqlite3 from 'sqlite3';

/** Queries on one sqlite3 connection. */
export interface Queries {
  run(sql: string, params?: readonly unknown[]): Promise<{ lastID: number; changes: number }>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/**
 * A promise wrapper over one sqlite3 connection. Every statement waits its turn behind any open
 * transaction, so a statement from elsewhere can never slip into (or be rolled back with) it.
 */
export interface Db extends Queries {
  exec(sql: string): Promise<void>;
  /** Runs fn inside BEGIN IMMEDIATE ... COMMIT with a handle whose statements belong to it. */
  transaction<T>(fn: (tx: Queries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

function rawQueries(raw: sqlite3.Database): Queries & { exec(sql: string): Promise<void> } {
  return {
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        raw.run(sql, params as unknown[], function (this: sqlite3.RunResult, error: Error | null) {
          if (error) reject(error);
          else resolve({ lastID: this.lastID, changes: this.changes });
        });
      }),
    get: <T>(sql: string, params: readonly unknown[] = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        raw.get(sql, params as unknown[], (error: Error | null, row: T) =>
          error ? reject(error) : resolve(row),
        );
      }),
    all: <T>(sql: string, params: readonly unknown[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        raw.all(sql, params as unknown[], (error: Error | null, rows: T[]) =>
          error ? reject(error) : resolve(rows),
        );
      }),
    exec: (sql) =>
      new Promise((resolve, reject) => raw.exec(sql, (error) => (error ? reject(error) : resolve()))),
  };
}

export async function openDb(file: string): Promise<Db> {
  const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
  });
  const q = rawQueries(raw);
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };

  return {
    run: (sql, params) => enqueue(() => q.run(sql, params)),
    get: <T>(sql: string, params?: readonly unknown[]) => enqueue(() => q.get<T>(sql, params)),
    all: <T>(sql: string, params?: readonly unknown[]) => enqueue(() => q.all<T>(sql, params)),
    exec: (sql) => enqueue(() => q.exec(sql)),
    transaction: <T>(fn: (tx: Queries) => Promise<T>) =>
      enqueue(async () => {
        await q.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn(q);
          await q.exec('COMMIT');
          return value;
        } catch (error) {
          await q.exec('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    close: () =>
      enqueue(() => new Promise<void>((resolve, reject) => raw.close((e) => (e ? reject(e) : resolve())))),
  };
}
