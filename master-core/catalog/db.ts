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
  /** Transactions (lone writes included) run and COMMITs made so far: group commit at work. */
  stats(): { transactions: number; commits: number };
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

/** Transactions committed together at most, so a long queue still commits every so often. */
export const MAX_GROUP = 64;

type Job =
  | {
      kind: 'tx';
      fn: (tx: Queries) => Promise<unknown>;
      resolve: (value: unknown) => void;
      reject: (error: unknown) => void;
    }
  | {
      /** A read (get/all), or anything outside transactions (exec, close) when `alone`. */
      kind: 'op';
      work: () => Promise<unknown>;
      alone: boolean;
      resolve: (value: unknown) => void;
      reject: (error: unknown) => void;
    };

/**
 * Opens one connection. Statements and transactions run one at a time in the order they were
 * asked for. Transactions that queue up while another runs are committed together (group
 * commit): one BEGIN IMMEDIATE ... COMMIT around them, each in a SAVEPOINT of its own, so one
 * that fails is rolled back alone and the others go on; each caller hears of its transaction only
 * once the COMMIT holding it is durable (and every caller of the group hears of a failed COMMIT).
 * Under load that turns one fsync per transaction into one per group; alone, a transaction runs as
 * before. A transaction body must not wait for another transaction's result: it would wait for its
 * own group's COMMIT (none does; each uses its `tx` handle only).
 */
export async function openDb(file: string): Promise<Db> {
  const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
    const db = new sqlite3.Database(file, (error) => (error ? reject(error) : resolve(db)));
  });
  const q = rawQueries(raw);
  const jobs: Job[] = [];
  let draining = false;
  const counts = { transactions: 0, commits: 0 };

  const push = <T>(job: (settle: { resolve: (v: T) => void; reject: (e: unknown) => void }) => Job) =>
    new Promise<T>((resolve, reject) => {
      jobs.push(job({ resolve: resolve as (v: T) => void, reject }));
      if (!draining) void drain();
    });
  const enqueue = <T>(work: () => Promise<T>, alone: boolean) =>
    push<T>(({ resolve, reject }) => ({
      kind: 'op',
      work,
      alone,
      resolve: resolve as (v: unknown) => void,
      reject,
    }));
  const transaction = <T>(fn: (tx: Queries) => Promise<T>) =>
    push<T>(({ resolve, reject }) => ({
      kind: 'tx',
      fn,
      resolve: resolve as (v: unknown) => void,
      reject,
    }));
  const groupable = (job: Job) => job.kind === 'tx' || !job.alone;

  async function drain(): Promise<void> {
    draining = true;
    try {
      while (jobs.length > 0) {
        const head = jobs[0]!;
        let size = 1;
        if (groupable(head))
          while (size < jobs.length && size < MAX_GROUP && groupable(jobs[size]!)) size += 1;
        const group = jobs.splice(0, size);
        if (!group.some((job) => job.kind === 'tx')) {
          // Reads (or an exec) with no transaction among them: each on its own, outside one.
          for (const job of group) if (job.kind === 'op') await job.work().then(job.resolve, job.reject);
        } else if (group.length === 1) await runAlone(group[0] as Extract<Job, { kind: 'tx' }>);
        else await runGroup(group);
      }
    } finally {
      draining = false;
    }
  }

  async function runAlone(job: Extract<Job, { kind: 'tx' }>): Promise<void> {
    try {
      await q.exec('BEGIN IMMEDIATE');
    } catch (error) {
      return job.reject(error);
    }
    try {
      const value = await job.fn(q);
      await q.exec('COMMIT');
      counts.transactions += 1;
      counts.commits += 1;
      job.resolve(value);
    } catch (error) {
      await q.exec('ROLLBACK').catch(() => undefined);
      job.reject(error);
    }
  }

  async function runGroup(group: Job[]): Promise<void> {
    try {
      await q.exec('BEGIN IMMEDIATE');
    } catch (error) {
      for (const job of group) job.reject(error);
      return;
    }
    const done: { job: Extract<Job, { kind: 'tx' }>; value: unknown }[] = [];
    let at = 0;
    try {
      for (; at < group.length; at += 1) {
        const job = group[at]!;
        if (job.kind === 'op') {
          // A read between them sees what the transactions before it wrote, as it would have
          // alone, and is answered at once (a caller may wait for it inside a later transaction
          // of this group). Should the COMMIT then fail (a full or failing disk), it saw writes
          // that were taken back: the one place a reader can see what never committed.
          await job.work().then(job.resolve, job.reject);
          continue;
        }
        await q.exec('SAVEPOINT tx');
        try {
          const value = await job.fn(q);
          await q.exec('RELEASE tx');
          done.push({ job, value });
        } catch (error) {
          // Only this one's changes go; the savepoint ends, the group's transaction goes on.
          await q.exec('ROLLBACK TO tx');
          await q.exec('RELEASE tx');
          job.reject(error);
        }
      }
      await q.exec('COMMIT');
      counts.transactions += done.length;
      counts.commits += 1;
    } catch (error) {
      await q.exec('ROLLBACK').catch(() => undefined);
      // Everything of the group not answered yet hears of it (settling twice changes nothing).
      for (const { job } of done) job.reject(error);
      for (const job of group.slice(at)) job.reject(error);
      return;
    }
    for (const { job, value } of done) job.resolve(value);
  }

  return {
    // A lone write is a transaction of one statement: committed with the others of its group.
    run: (sql, params) => transaction((tx) => tx.run(sql, params)),
    get: <T>(sql: string, params?: readonly unknown[]) => enqueue(() => q.get<T>(sql, params), false),
    all: <T>(sql: string, params?: readonly unknown[]) => enqueue(() => q.all<T>(sql, params), false),
    exec: (sql) => enqueue(() => q.exec(sql), true),
    transaction,
    stats: () => ({ ...counts }),
    close: () =>
      enqueue(
        () => new Promise<void>((resolve, reject) => raw.close((e) => (e ? reject(e) : resolve()))),
        true,
      ),
  };
}
