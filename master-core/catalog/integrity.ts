import { basename, dirname } from 'node:path';
import sqlite3 from 'sqlite3';
import { ScaleOutError, coerceError } from '../protocol/errors';
import type { Queries } from './db';

/** What an integrity check found: ok, or the problems SQLite listed. */
export type IntegrityResult = { ok: true } | { ok: false; problems: string[] };

/** quick_check: structure and records, fast enough for every open; integrity_check also checks indexes. */
export type IntegrityCheck = 'quick_check' | 'integrity_check';

/** SQLite's own words for a file too damaged to read: a finding, not a failure of the check. */
const damageCodes = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

const isDamage = (error: unknown) =>
  typeof error === 'object' && error !== null && damageCodes.has(String((error as { code?: unknown }).code));

/** Runs PRAGMA quick_check (default) or integrity_check and returns up to `maxProblems` problems. */
export async function checkIntegrity(
  db: Pick<Queries, 'all'>,
  check: IntegrityCheck = 'quick_check',
  maxProblems = 20,
): Promise<IntegrityResult> {
  try {
    const rows = await db.all<Record<string, unknown>>(`PRAGMA ${check}(${maxProblems})`);
    const problems = rows.map((row) => String(Object.values(row)[0]));
    return problems.length === 1 && problems[0] === 'ok' ? { ok: true } : { ok: false, problems };
  } catch (error) {
    if (isDamage(error)) return { ok: false, problems: [coerceError(error).message] };
    throw error;
  }
}

/** A plain sqlite3 connection opened with explicit flags, for checks and backups (no serializing queue). */
export interface RawConnection extends Pick<Queries, 'all' | 'get'> {
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  readonly raw: sqlite3.Database;
}

export async function openRaw(file: string, mode: 'readonly' | 'readwrite'): Promise<RawConnection> {
  const flags = mode === 'readonly' ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE;
  const raw = await new Promise<sqlite3.Database>((resolve, reject) => {
    const db = new sqlite3.Database(file, flags, (error) => (error ? reject(error) : resolve(db)));
  });
  raw.configure('busyTimeout', 5_000);
  const settle =
    <T>(resolve: (value: T) => void, reject: (error: Error) => void) =>
    (error: Error | null, value: T) =>
      error ? reject(error) : resolve(value);
  return {
    raw,
    all: <T>(sql: string, params: readonly unknown[] = []) =>
      new Promise<T[]>((resolve, reject) => raw.all<T>(sql, params as unknown[], settle(resolve, reject))),
    get: <T>(sql: string, params: readonly unknown[] = []) =>
      new Promise<T | undefined>((resolve, reject) =>
        raw.get<T>(sql, params as unknown[], settle(resolve, reject)),
      ),
    exec: (sql) =>
      new Promise((resolve, reject) => raw.exec(sql, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise((resolve, reject) => raw.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * Checks a catalog file on a read-only connection. Read-only on purpose: a read-write connection
 * that found damage would still checkpoint a crashed master's WAL into the file when it closed,
 * and a damaged catalog must be left exactly as it was found.
 */
export async function checkCatalogFile(
  file: string,
  check: IntegrityCheck = 'quick_check',
): Promise<IntegrityResult> {
  let db: RawConnection;
  try {
    db = await openRaw(file, 'readonly');
  } catch (error) {
    if (isDamage(error)) return { ok: false, problems: [coerceError(error).message] };
    throw error;
  }
  try {
    return await checkIntegrity(db, check);
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** The refusal of a damaged catalog: which file, what is wrong, and how to get a good one back. */
export function damagedCatalogError(file: string, problems: readonly string[], shown = 5): ScaleOutError {
  const listed = problems.slice(0, shown).map((p) => `  - ${p}`);
  if (problems.length > shown) listed.push(`  - ... and ${problems.length - shown} more`);
  const dataDir = dirname(file);
  return new ScaleOutError(
    'CONFLICT',
    [
      `the catalog ${file} failed its integrity check (PRAGMA quick_check):`,
      ...listed,
      `The file was not modified. Restore a backup while the master is stopped:`,
      `  scaleout catalog restore <backup-file> --data-dir ${dataDir}`,
      `(restore moves the damaged ${basename(file)} aside; it never deletes it).`,
    ].join('\n'),
  );
}

/** Throws damagedCatalogError unless the file passes PRAGMA quick_check. */
export async function assertCatalogIntact(file: string): Promise<void> {
  const result = await checkCatalogFile(file, 'quick_check');
  if (!result.ok) throw damagedCatalogError(file, result.problems);
}
