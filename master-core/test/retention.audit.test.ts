import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../catalog/openCatalog';
import { createRepos } from '../catalog/repos';
import { createSecretBox } from '../secretBox';
import { runRetentionCleanup } from '../housekeeping';
import { silentLogger } from '../logger';

/** The audit log is kept AUDIT_RETENTION_WINDOW days by the retention cleanup, in batches. */
const DAY_MS = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function catalogWithAudit(ages: number[], nowMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-audit-retention-'));
  dirs.push(dir);
  const db = await openCatalog(join(dir, 'catalog.sqlite'));
  const repos = createRepos(db, createSecretBox(randomBytes(32)));
  for (const [i, days] of ages.entries())
    await db.run(
      `INSERT INTO audit_log (time, user_name, method, target, outcome) VALUES (?, 'ops', 'execution.create', ?, 'ok')`,
      [new Date(nowMs - days * DAY_MS).toISOString(), `entry ${i}`],
    );
  const left = async () =>
    (await db.all<{ target: string }>('SELECT target FROM audit_log ORDER BY audit_id')).map((r) => r.target);
  return { db, repos, left };
}

describe('audit retention', () => {
  const now = Date.parse('2026-11-29T12:00:00.000Z');

  it('removes entries older than the window, in batches, and keeps the rest', async () => {
    const { db, repos, left } = await catalogWithAudit([400, 366, 364, 10, 0, 500, 700], now);
    try {
      await runRetentionCleanup(repos, silentLogger, 2, now);
      expect(await left()).toEqual(['entry 2', 'entry 3', 'entry 4']);
      await repos.properties.set('AUDIT_RETENTION_WINDOW', '7');
      await runRetentionCleanup(repos, silentLogger, 2, now);
      expect(await left()).toEqual(['entry 4']);
    } finally {
      await db.close();
    }
  });

  it('keeps everything while the cleanup is off, and refuses a window out of range', async () => {
    const { db, repos, left } = await catalogWithAudit([400, 1], now);
    try {
      await repos.properties.set('OPERATION_CLEANUP_ENABLED', 'FALSE');
      await runRetentionCleanup(repos, silentLogger, 2, now);
      expect(await left()).toEqual(['entry 0', 'entry 1']);
      await expect(repos.properties.set('AUDIT_RETENTION_WINDOW', '0')).rejects.toThrow(
        /AUDIT_RETENTION_WINDOW|1/,
      );
    } finally {
      await db.close();
    }
  });
});
