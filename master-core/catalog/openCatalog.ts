import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDb } from './db';
import type { Db } from './db';
import { migrate } from './migrate';

/** Opens (or creates) the catalog file: WAL, foreign keys, a busy timeout, then migrations. */
export async function openCatalog(file: string): Promise<Db> {
  mkdirSync(dirname(file), { recursive: true });
  const db = await openDb(file);
  try {
    await db.exec('PRAGMA journal_mode = WAL');
    // FULL: an acknowledged state change survives a power cut, not only a process kill.
    await db.exec('PRAGMA synchronous = FULL');
    await db.exec('PRAGMA foreign_keys = ON');
    await db.exec('PRAGMA busy_timeout = 5000');
    await migrate(db, file);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
