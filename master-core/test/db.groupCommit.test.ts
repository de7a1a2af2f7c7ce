import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../catalog/db';
import type { Db } from '../catalog/db';
import { openCatalog } from '../catalog/openCatalog';

/**
 * Group commit on a real SQLite file: transactions that queue up are committed together, each
 * still atomic and alone in its failure, each caller answered only after its COMMIT, reads in
 * between seeing what came before them, and what cannot run in a transaction never put in one.
 */
const dirs: string[] = [];
const open: Db[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close().catch(() => undefined)));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function fresh(): Promise<{ db: Db; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-group-commit-'));
  dirs.push(dir);
  const file = join(dir, 'test.sqlite');
  const db = await openCatalog(file);
  open.push(db);
  await db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)`);
  return { db, file };
}

/** A transaction that holds the connection until released: what is asked meanwhile queues up. */
function hold(db: Db) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = db.transaction(() => released);
  return { release, done };
}

const names = async (db: Db) =>
  (await db.all<{ name: string }>('SELECT name FROM t ORDER BY id')).map((r) => r.name);

describe('group commit', () => {
  it('commits transactions that queue up together, each answered after its COMMIT', async () => {
    const { db, file } = await fresh();
    const before = db.stats();
    const seenAtAnswer: number[] = [];
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        db
          .transaction(async (tx) => {
            const { lastID } = await tx.run('INSERT INTO t (name) VALUES (?)', [`n${i}`]);
            return lastID;
          })
          .then((id) => {
            seenAtAnswer.push(db.stats().commits);
            return id;
          }),
      ),
    );
    expect(new Set(ids).size).toBe(200);
    const after = db.stats();
    expect(after.transactions - before.transactions).toBe(200);
    // Fewer commits than transactions: they were grouped.
    expect(after.commits - before.commits).toBeLessThan(200);
    // Nobody heard of its transaction before a COMMIT after it was asked for.
    expect(Math.min(...seenAtAnswer)).toBeGreaterThan(before.commits);
    // Another connection (which sees only committed data) finds them all.
    const other = await openDb(file);
    open.push(other);
    expect((await other.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))?.n).toBe(200);
  });

  it('rolls back a failing transaction alone; the others of its group are kept', async () => {
    const { db } = await fresh();
    await db.run('INSERT INTO t (name) VALUES (?)', ['taken']);
    const blocker = hold(db);
    const commits = db.stats().commits;
    const settled = Promise.allSettled([
      db.transaction(async (tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['a'])),
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (name) VALUES (?)', ['half']);
        await tx.run('INSERT INTO t (name) VALUES (?)', ['taken']); // UNIQUE: fails
      }),
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO t (name) VALUES (?)', ['thrown']);
        throw new Error('changed my mind');
      }),
      db.transaction(async (tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['b'])),
      db.run('INSERT INTO t (name) VALUES (?)', ['c']),
    ]);
    blocker.release();
    await blocker.done;
    const results = await settled;
    // The five queued behind the blocker were committed together (with it, or just after it).
    expect(db.stats().commits - commits).toBeLessThanOrEqual(2);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/changed my mind/);
    expect(await names(db)).toEqual(['taken', 'a', 'b', 'c']);
  });

  it('lets a read between transactions see what the ones before it wrote, and only those', async () => {
    const { db } = await fresh();
    const blocker = hold(db);
    const first = db.transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['first']));
    const read = db.all<{ name: string }>('SELECT name FROM t ORDER BY id');
    const second = db.transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['second']));
    blocker.release();
    await Promise.all([first, second]);
    expect((await read).map((r) => r.name)).toEqual(['first']);
  });

  it('tells every caller of a group when its COMMIT fails, and keeps none of it', async () => {
    const { db } = await fresh();
    await db.exec('PRAGMA foreign_keys = ON');
    await db.exec(
      'CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    // A deferred foreign key is checked at COMMIT: the one place a group's COMMIT fails short of a disk error.
    const blocker = hold(db);
    const settled = Promise.allSettled([
      db.transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['kept?'])),
      db.transaction((tx) => tx.run('INSERT INTO child (parent) VALUES (?)', [999])),
      db.transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['kept too?'])),
    ]);
    blocker.release();
    const results = await settled;
    await blocker.done.catch(() => undefined); // in the failed group too, or alone before it
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await names(db)).toEqual([]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    // The connection goes on.
    await db.transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', ['after']));
    expect(await names(db)).toContain('after');
  });

  it('runs what cannot be in a transaction (VACUUM) on its own between queued transactions', async () => {
    const { db } = await fresh();
    const blocker = hold(db);
    const work = [
      blocker.done,
      ...Array.from({ length: 10 }, (_, i) =>
        db.transaction((tx) => tx.run('INSERT INTO t (name) VALUES (?)', [`x${i}`])),
      ),
      db.exec('VACUUM'),
      ...Array.from({ length: 10 }, (_, i) => db.run('INSERT INTO t (name) VALUES (?)', [`y${i}`])),
    ];
    blocker.release();
    await Promise.all(work);
    expect(await names(db)).toHaveLength(20);
  });
});
