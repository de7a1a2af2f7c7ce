import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backupCatalog, isProcessAlive, masterFromState, restoreCatalog } from './backup';
import { openDb } from './db';
import { openRaw } from './integrity';
import { migrations } from './migrate';
import { openCatalog } from './openCatalog';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-backup-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function catalogWithRows(file: string, rows: number): Promise<void> {
  const db = await openCatalog(file);
  await db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, data BLOB)');
  for (let i = 0; i < rows; i += 1) await db.run('INSERT INTO filler (data) VALUES (randomblob(300))');
  await db.close();
}

async function fillerCount(file: string): Promise<number> {
  const db = await openRaw(file, 'readonly');
  const row = await db.get<{ n: number }>('SELECT count(*) AS n FROM filler');
  await db.close();
  return row!.n;
}

async function setUserVersion(file: string, version: number): Promise<void> {
  const db = await openDb(file);
  await db.exec(`PRAGMA user_version = ${version}`);
  await db.close();
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => /partial|restoring/.test(f));

describe('masterFromState', () => {
  const alive = (pid: number) => pid === 42;
  it('decides from master.json and the pid whether a master runs', () => {
    expect(masterFromState(null, alive)).toEqual({ running: false });
    expect(masterFromState('{"pid":42}', alive)).toEqual({ running: true, pid: 42 });
    expect(masterFromState('{"pid":7}', alive)).toEqual({ running: false });
    // Unreadable: assume the worst, the message says what to check.
    expect(masterFromState('{"pid":', alive)).toEqual({ running: true, pid: null });
    expect(masterFromState('{"pid":"42"}', alive)).toEqual({ running: true, pid: null });
  });
  it('asks the OS whether a pid is alive', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(2 ** 30)).toBe(false);
  });
});

describe('backupCatalog', () => {
  it('writes a verified, self-contained copy and refuses to overwrite without force', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    await catalogWithRows(catalog, 50);
    const target = join(dir, 'backup.sqlite');

    const result = await backupCatalog(catalog, target);
    expect(result).toMatchObject({ file: target, userVersion: migrations.length });
    expect(result.sizeBytes).toBe(readFileSync(target).length);
    expect(await fillerCount(target)).toBe(50);
    // Rollback-journal mode (header bytes 18-19 = 1): no -wal file belongs to a backup.
    expect([...readFileSync(target).subarray(18, 20)]).toEqual([1, 1]);

    await expect(backupCatalog(catalog, target)).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'targetFile',
      message: expect.stringMatching(/already exists \(--force overwrites it\)/),
    });
    await catalogWithRows(catalog, 5);
    await backupCatalog(catalog, target, { force: true });
    expect(await fillerCount(target)).toBe(55);
    expect(leftovers(dir)).toEqual([]);
  });

  it('copies one consistent snapshot while another connection keeps writing', async () => {
    const dir = tempDir();
    const catalog = join(dir, 'catalog.sqlite');
    await catalogWithRows(catalog, 200);
    const writer = await openCatalog(catalog);
    let stop = false;
    const writing = (async () => {
      while (!stop) {
        await writer.transaction(async (tx) => {
          await tx.run('INSERT INTO filler (data) VALUES (randomblob(300))');
          await tx.run('INSERT INTO filler (data) VALUES (randomblob(300))');
        });
      }
    })();
    await backupCatalog(catalog, join(dir, 'backup.sqlite'));
    stop = true;
    await writing;
    const copied = await fillerCount(join(dir, 'backup.sqlite'));
    expect(copied).toBeGreaterThanOrEqual(200);
    expect(copied % 2).toBe(0); // never half a transaction
    await writer.close();
  });

  it('refuses a missing catalog and a damaged one, leaving no file at the target', async () => {
    const dir = tempDir();
    await expect(backupCatalog(join(dir, 'nope.sqlite'), join(dir, 'b.sqlite'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'catalogFile',
    });
    const catalog = join(dir, 'catalog.sqlite');
    writeFileSync(catalog, 'not a database '.repeat(500));
    await expect(backupCatalog(catalog, join(dir, 'b.sqlite'))).rejects.toThrow(
      /not a database|integrity_check/,
    );
    expect(existsSync(join(dir, 'b.sqlite'))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('restoreCatalog', () => {
  async function setup() {
    const dataDir = tempDir();
    const spare = tempDir();
    const backup = join(spare, 'backup.sqlite');
    await catalogWithRows(join(dataDir, 'catalog.sqlite'), 10);
    await backupCatalog(join(dataDir, 'catalog.sqlite'), backup);
    await catalogWithRows(join(dataDir, 'catalog.sqlite'), 5);
    return { dataDir, spare, backup, catalog: join(dataDir, 'catalog.sqlite') };
  }

  it('puts the backup in place and moves the current catalog and its WAL aside', async () => {
    const { dataDir, backup, catalog } = await setup();
    // A crashed master's image: rows that exist only in the -wal.
    const live = await openCatalog(catalog);
    await live.run('INSERT INTO filler (data) VALUES (randomblob(300))');
    const crashImage = tempDir();
    copyFileSync(catalog, join(crashImage, 'catalog.sqlite'));
    copyFileSync(`${catalog}-wal`, join(crashImage, 'catalog.sqlite-wal'));
    await live.close();
    copyFileSync(join(crashImage, 'catalog.sqlite'), catalog);
    copyFileSync(join(crashImage, 'catalog.sqlite-wal'), `${catalog}-wal`);

    const result = await restoreCatalog(backup, dataDir);
    expect(result).toMatchObject({ file: catalog, userVersion: migrations.length });
    expect(await fillerCount(catalog)).toBe(10);
    expect(result.movedAside).toMatch(/catalog\.sqlite\.before-restore-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(existsSync(`${catalog}-wal`)).toBe(false);
    // The old catalog is whole where it went: its WAL moved with it.
    expect(await fillerCount(result.movedAside!)).toBe(16);
    expect(leftovers(dataDir)).toEqual([]);
  });

  it('restores into an empty data directory', async () => {
    const { backup } = await setup();
    const fresh = join(tempDir(), 'new-data');
    const result = await restoreCatalog(backup, fresh);
    expect(result.movedAside).toBeNull();
    expect(await fillerCount(join(fresh, 'catalog.sqlite'))).toBe(10);
  });

  it('refuses a newer schema, a file that is no catalog, a damaged backup and a backup with a live WAL', async () => {
    const { dataDir, spare, backup, catalog } = await setup();
    const before = sha256(catalog);

    const newer = join(spare, 'newer.sqlite');
    copyFileSync(backup, newer);
    await setUserVersion(newer, migrations.length + 1);
    await expect(restoreCatalog(newer, dataDir)).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'backupFile',
      message: expect.stringMatching(
        new RegExp(`schema version ${migrations.length + 1}, written by a newer Scale Out`),
      ),
    });

    const plain = join(spare, 'plain.sqlite');
    const db = await openDb(plain);
    await db.exec('CREATE TABLE t (x)');
    await db.close();
    await expect(restoreCatalog(plain, dataDir)).rejects.toThrow(/is not a Scale Out catalog/);

    const damaged = join(spare, 'damaged.sqlite');
    writeFileSync(damaged, 'garbage '.repeat(1000));
    await expect(restoreCatalog(damaged, dataDir)).rejects.toThrow(/failed PRAGMA integrity_check/);

    writeFileSync(`${backup}-wal`, 'frames');
    await expect(restoreCatalog(backup, dataDir)).rejects.toThrow(/-wal exists/);

    expect(sha256(catalog)).toBe(before);
    expect(readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);
    expect(leftovers(dataDir)).toEqual([]);
  });

  it('refuses while master.json names a live process, and goes ahead when it is stale', async () => {
    const { dataDir, backup, catalog } = await setup();
    writeFileSync(join(dataDir, 'master.json'), JSON.stringify({ pid: process.pid }));
    await expect(restoreCatalog(backup, dataDir)).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'dataDir',
      message: expect.stringContaining(`a master is running from ${dataDir} (pid ${process.pid})`),
    });
    expect(await fillerCount(catalog)).toBe(15);
    writeFileSync(join(dataDir, 'master.json'), JSON.stringify({ pid: 2 ** 30 }));
    await restoreCatalog(backup, dataDir);
    expect(await fillerCount(catalog)).toBe(10);
  });
});
