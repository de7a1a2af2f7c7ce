import {
  closeSync,
  copyFileSync,
  constants,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type sqlite3 from 'sqlite3';
import { ScaleOutError } from '../protocol/errors';
import { checkIntegrity, openRaw } from './integrity';
import type { RawConnection } from './integrity';
import { migrations } from './migrate';

/** Backup and restore of the catalog file: `scaleout catalog backup|restore`. */

export const CATALOG_FILE_NAME = 'catalog.sqlite';
const SIDECARS = ['-wal', '-shm'] as const;

export interface CatalogCopy {
  file: string;
  sizeBytes: number;
  /** PRAGMA user_version: the last migration the copy has. */
  userVersion: number;
}

export interface BackupResult extends CatalogCopy {
  catalogFile: string;
}

export interface RestoreResult extends CatalogCopy {
  backupFile: string;
  /** Where the catalog that was replaced now lives (with its -wal/-shm beside it); null if none. */
  movedAside: string | null;
}

/** sqlite3's online backup (src/backup.h); its typings leave it out. */
interface OnlineBackup {
  step(pages: number, callback: (error: Error | null) => void): void;
  finish(callback: (error: Error | null) => void): void;
  readonly failed: boolean;
}
type BackupSource = sqlite3.Database & { backup(file: string): OnlineBackup };

const busyCodes = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
const codeOf = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? '');

/**
 * Copies a catalog with SQLite's online backup API: one step over a read snapshot, so a master
 * may keep writing meanwhile (WAL). The copy is verified with PRAGMA integrity_check before it
 * takes the target's name, so a failed backup never leaves a half-written or bad file there.
 */
export async function backupCatalog(
  catalogFile: string,
  targetFile: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const source = resolve(catalogFile);
  const target = resolve(targetFile);
  if (!existsSync(source)) {
    throw new ScaleOutError('NOT_FOUND', `there is no catalog at ${source}`, { field: 'catalogFile' });
  }
  if (source === target) {
    throw new ScaleOutError('BAD_REQUEST', `the backup cannot be the catalog itself (${target})`, {
      field: 'targetFile',
    });
  }
  refuseExisting(target, options.force === true);
  if (!existsSync(dirname(target))) {
    throw new ScaleOutError('NOT_FOUND', `the folder ${dirname(target)} does not exist`, {
      field: 'targetFile',
    });
  }
  const partial = join(dirname(target), `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  try {
    await onlineCopy(source, partial);
    // A backup is one self-contained file: rollback journal mode, so no -wal belongs to it.
    const copy = await verifyCopy(partial, 'DELETE');
    if (!copy.ok) {
      throw new ScaleOutError(
        'CONFLICT',
        `the copy of ${source} failed PRAGMA integrity_check, so the catalog itself is damaged; nothing was written to ${target}:\n${copy.problems.map((p) => `  - ${p}`).join('\n')}`,
      );
    }
    refuseExisting(target, options.force === true);
    fsyncFile(partial);
    renameSync(partial, target);
    fsyncFile(dirname(target));
    return {
      catalogFile: source,
      file: target,
      sizeBytes: statSync(target).size,
      userVersion: copy.userVersion,
    };
  } finally {
    for (const suffix of ['', '-journal', ...SIDECARS]) rmSync(partial + suffix, { force: true });
  }
}

function refuseExisting(target: string, force: boolean): void {
  if (!force && existsSync(target)) {
    throw new ScaleOutError('CONFLICT', `${target} already exists (--force overwrites it)`, {
      field: 'targetFile',
    });
  }
}

async function onlineCopy(source: string, target: string): Promise<void> {
  // Read-only: a backup never writes to the catalog, whatever state it is in.
  const db = await openRaw(source, 'readonly');
  try {
    const backup = (db.raw as BackupSource).backup(target);
    // -1: every page in one step over one read snapshot; a busy source is tried again.
    for (let tries = 1; ; tries += 1) {
      const error = await new Promise<Error | null>((done) => backup.step(-1, done));
      if (!error) break;
      if (backup.failed || !busyCodes.has(codeOf(error)) || tries >= 50) {
        await new Promise((done) => backup.finish(done));
        throw error;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
    await new Promise<void>((done, fail) => backup.finish((error) => (error ? fail(error) : done())));
  } finally {
    await db.close();
  }
}

type Verified = ({ ok: true } | { ok: false; problems: string[] }) & { userVersion: number };

/** Opens a copy we made (never the user's file), runs the full integrity check, reads its version. */
async function verifyCopy(file: string, journalMode?: 'DELETE'): Promise<Verified> {
  let db: RawConnection | null = null;
  try {
    db = await openRaw(file, 'readwrite');
    if (journalMode) await db.exec(`PRAGMA journal_mode = ${journalMode}`);
    const result = await checkIntegrity(db, 'integrity_check');
    if (!result.ok) return { ...result, userVersion: 0 };
    const row = await db.get<{ user_version: number }>('PRAGMA user_version');
    return { ok: true, userVersion: row?.user_version ?? 0 };
  } catch (error) {
    // Not a database at all, or too damaged to switch journal mode: the same verdict.
    if (/^SQLITE_(CORRUPT|NOTADB)$/.test(codeOf(error))) {
      return { ok: false, problems: [String((error as Error).message)], userVersion: 0 };
    }
    throw error;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

function fsyncFile(path: string): void {
  // Directories cannot be opened on Windows; there the rename is as durable as it gets.
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** What master.json says about a master running from a data directory, decided without I/O. */
export function masterFromState(
  stateText: string | null,
  isAlive: (pid: number) => boolean,
): { running: false } | { running: true; pid: number | null } {
  if (stateText === null) return { running: false };
  let pid: unknown;
  try {
    pid = (JSON.parse(stateText) as { pid?: unknown }).pid;
  } catch {
    return { running: true, pid: null };
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return { running: true, pid: null };
  return isAlive(pid) ? { running: true, pid } : { running: false };
}

/** process.kill(pid, 0) sends nothing: it only asks whether the process exists. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return codeOf(error) === 'EPERM';
  }
}

function refuseRunningMaster(dataDir: string): void {
  const stateFile = join(dataDir, 'master.json');
  const text = existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : null;
  const master = masterFromState(text, isProcessAlive);
  if (!master.running) return;
  throw new ScaleOutError(
    'CONFLICT',
    master.pid === null
      ? `${stateFile} cannot be read, so a master may be running from ${dataDir}; stop it (or remove that file if none runs) before restoring`
      : `a master is running from ${dataDir} (pid ${master.pid}); stop it before restoring the catalog`,
    { field: 'dataDir' },
  );
}

/**
 * Replaces the catalog of a stopped master with a backup. The backup is copied beside the catalog
 * and checked there first (integrity, schema version); the current catalog is moved aside, never
 * deleted.
 */
export async function restoreCatalog(backupFile: string, dataDir: string): Promise<RestoreResult> {
  const backup = resolve(backupFile);
  const dir = resolve(dataDir);
  const catalogFile = join(dir, CATALOG_FILE_NAME);
  if (!existsSync(backup) || !statSync(backup).isFile()) {
    throw new ScaleOutError('NOT_FOUND', `there is no backup file at ${backup}`, { field: 'backupFile' });
  }
  if (backup === catalogFile) {
    throw new ScaleOutError('BAD_REQUEST', `${backup} is the catalog itself`, { field: 'backupFile' });
  }
  if (existsSync(`${backup}-wal`) && statSync(`${backup}-wal`).size > 0) {
    throw new ScaleOutError(
      'CONFLICT',
      `${backup}-wal exists: that database is in use or was not closed cleanly, so the file alone is not a complete copy. Make backups with \`scaleout catalog backup\`.`,
      { field: 'backupFile' },
    );
  }
  refuseRunningMaster(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });

  const incoming = join(dir, `${CATALOG_FILE_NAME}.restoring-${process.pid}-${Date.now()}`);
  try {
    copyFileSync(backup, incoming, constants.COPYFILE_EXCL);
    const copy = await verifyCopy(incoming);
    if (!copy.ok) {
      throw new ScaleOutError(
        'CONFLICT',
        `the backup ${backup} failed PRAGMA integrity_check; the catalog was not changed:\n${copy.problems.map((p) => `  - ${p}`).join('\n')}`,
        { field: 'backupFile' },
      );
    }
    refuseVersion(backup, copy.userVersion);
    fsyncFile(incoming);
    refuseRunningMaster(dir);
    const movedAside = moveAside(catalogFile);
    renameSync(incoming, catalogFile);
    fsyncFile(dir);
    return {
      backupFile: backup,
      file: catalogFile,
      sizeBytes: statSync(catalogFile).size,
      userVersion: copy.userVersion,
      movedAside,
    };
  } finally {
    for (const suffix of ['', '-journal', ...SIDECARS]) rmSync(incoming + suffix, { force: true });
  }
}

function refuseVersion(backup: string, userVersion: number): void {
  if (userVersion > migrations.length) {
    throw new ScaleOutError(
      'CONFLICT',
      `the backup ${backup} has schema version ${userVersion}, written by a newer Scale Out; this version knows up to ${migrations.length}. Restore it with that version; the catalog was not changed.`,
      { field: 'backupFile' },
    );
  }
  if (userVersion < 1) {
    throw new ScaleOutError(
      'BAD_REQUEST',
      `${backup} is not a Scale Out catalog (schema version 0); the catalog was not changed`,
      { field: 'backupFile' },
    );
  }
}

/** Renames catalog.sqlite and its -wal/-shm to catalog.sqlite.before-restore-<time>[-wal|-shm]. */
function moveAside(catalogFile: string): string | null {
  const present = ['', ...SIDECARS].filter((suffix) => existsSync(catalogFile + suffix));
  if (present.length === 0) return null;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let aside = `${catalogFile}.before-restore-${stamp}`;
  for (let n = 2; ['', ...SIDECARS].some((suffix) => existsSync(aside + suffix)); n += 1) {
    aside = `${catalogFile}.before-restore-${stamp}-${n}`;
  }
  // Sidecars first: a -wal must never be left beside a catalog file it does not belong to.
  for (const suffix of [...SIDECARS, ''].filter((s) => present.includes(s))) {
    renameSync(catalogFile + suffix, aside + suffix);
  }
  return aside;
}
