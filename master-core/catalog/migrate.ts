import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import { m001Initial } from './migrations/m001Initial';
import { m002Catalog } from './migrations/m002Catalog';
import { m003Runtime } from './migrations/m003Runtime';
import { m004DataFlow } from './migrations/m004DataFlow';
import { m005Enrolment } from './migrations/m005Enrolment';
import { m006WorkerSettings } from './migrations/m006WorkerSettings';
import { m007ExecutionGrid } from './migrations/m007ExecutionGrid';
import { m008Security } from './migrations/m008Security';

/** Numbered migrations, applied in order; PRAGMA user_version records the last one applied. */
export const migrations: readonly string[] = [
  m001Initial,
  m002Catalog,
  m003Runtime,
  m004DataFlow,
  m005Enrolment,
  m006WorkerSettings,
  m007ExecutionGrid,
  m008Security,
];

export async function migrate(db: Db, file: string): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  const current = row?.user_version ?? 0;
  if (current > migrations.length) {
    throw new ScaleOutError(
      'CONFLICT',
      `the catalog ${file} has schema version ${current}, written by a newer Scale Out; this version knows up to ${migrations.length}. Upgrade Scale Out or use another data directory.`,
    );
  }
  for (let version = current + 1; version <= migrations.length; version += 1) {
    const sql = migrations[version - 1]!;
    await db.transaction(async (tx) => {
      for (const statement of splitStatements(sql)) await tx.run(statement);
      await tx.run(`PRAGMA user_version = ${version}`);
    });
  }
  return migrations.length;
}

function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
