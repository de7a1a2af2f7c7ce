import { createHash } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from './db';
import { checkCatalogFile, checkIntegrity, damagedCatalogError } from './integrity';
import { openCatalog } from './openCatalog';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-integrity-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A closed catalog with a filler table big enough to have pages in the middle of the file. */
async function catalogWithFiller(file: string): Promise<{ pageSize: number; pageCount: number }> {
  const db = await openCatalog(file);
  await db.exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB)');
  for (let i = 0; i < 300; i += 1) await db.run('INSERT INTO filler (data) VALUES (randomblob(400))');
  const { page_size: pageSize } = (await db.get<{ page_size: number }>('PRAGMA page_size'))!;
  await db.close();
  const pageCount = readFileSync(file).length / pageSize;
  return { pageSize, pageCount };
}

/** Overwrites one whole page (1-based) with a pattern no b-tree page can have. */
function smashPage(file: string, page: number, pageSize: number): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xab), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}

describe('catalog integrity check', () => {
  it('passes a healthy catalog, on the open connection and on the file', async () => {
    const file = join(tempDir(), 'catalog.sqlite');
    await catalogWithFiller(file);
    expect(await checkCatalogFile(file)).toEqual({ ok: true });
    const db = await openCatalog(file);
    expect(await checkIntegrity(db)).toEqual({ ok: true });
    expect(await checkIntegrity(db, 'integrity_check')).toEqual({ ok: true });
    await db.close();
  });

  it('refuses a damaged catalog with the file, the problems and the restore command, and leaves it untouched', async () => {
    const dir = tempDir();
    const file = join(dir, 'catalog.sqlite');
    const { pageSize, pageCount } = await catalogWithFiller(file);
    smashPage(file, Math.floor(pageCount / 2), pageSize);
    const before = sha256(file);

    const result = await checkCatalogFile(file);
    expect(result.ok).toBe(false);
    const error = await openCatalog(file).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ name: 'ScaleOutError', code: 'CONFLICT' });
    expect(error!.message).toContain(`the catalog ${file} failed its integrity check`);
    expect(error!.message).toContain(!result.ok ? result.problems[0]! : 'unreachable: the check must fail');
    expect(error!.message).toContain(`scaleout catalog restore <backup-file> --data-dir ${dir}`);
    expect(error!.message).toMatch(
      /The file was not modified\. Restore a backup while the master is stopped:/,
    );
    expect(sha256(file)).toBe(before);
  });

  it('never checkpoints a crashed WAL into a damaged catalog', async () => {
    const source = join(tempDir(), 'catalog.sqlite');
    const { pageSize, pageCount } = await catalogWithFiller(source);
    // A crash image: the catalog file plus a WAL holding commits not yet in it.
    const live = await openDb(source);
    await live.exec('PRAGMA journal_mode = WAL');
    await live.run('INSERT INTO filler (data) VALUES (randomblob(400))');
    const crashed = join(tempDir(), 'catalog.sqlite');
    copyFileSync(source, crashed);
    copyFileSync(`${source}-wal`, `${crashed}-wal`);
    await live.close();
    expect(readFileSync(`${crashed}-wal`).length).toBeGreaterThan(0);

    smashPage(crashed, Math.floor(pageCount / 2), pageSize);
    const before = [sha256(crashed), sha256(`${crashed}-wal`)];
    await expect(openCatalog(crashed)).rejects.toThrow(/failed its integrity check/);
    expect([sha256(crashed), sha256(`${crashed}-wal`)]).toEqual(before);
  });

  it('reports a file that is not a database at all as a problem, not a crash', async () => {
    const file = join(tempDir(), 'catalog.sqlite');
    writeFileSync(file, 'this is not a database, only a long enough text file '.repeat(200));
    const before = sha256(file);
    const result = await checkCatalogFile(file);
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/not a database/)] });
    await expect(openCatalog(file)).rejects.toThrow(/failed its integrity check[\s\S]*not a database/);
    expect(sha256(file)).toBe(before);
  });

  it('lists the first problems only', () => {
    const problems = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const message = damagedCatalogError('/data/catalog.sqlite', problems).message;
    expect(message).toContain('  - e\n  - ... and 2 more');
    expect(message).not.toContain('  - f');
  });
});
