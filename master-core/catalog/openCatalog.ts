import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDb } from './db';
import type { Db } from './db';
import { assertCatalogIntact } from './integrity';
import { migrate } from './migrate';

/**
 * Opens (or creates) the catalog file: an integrity check, then WAL, foreign keys, a busy timeout
 * and migrations. A catalog that fails PRAGMA quick_check is refused before anything writes to it.
 */
export async function openCatalog(file: string): Promise<Db> {
  mkdirSync(dirname(file), { recursive: true });
  // Before the read-write connection: even setting WAL mode or closing would write to the file.
  if (existsSync(file)) await assertCatalogIntact(file);
  const db = await openDb(file);
  try {
    await db.exec('PRAGMA busy_timeout = 5000');
    await db.exec('PRAGMA journal_mode = WAL');
    // FULL: an acknowledged state change survives a power cut, not only a process kill.
    await db.exec('PRAGMA synchronous = FULL');
    await db.exec('PRAGMA foreign_keys = ON');
    await migrate(db, file);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
