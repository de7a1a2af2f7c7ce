import type { Repos } from './catalog/repos';
import { createRetentionRepo } from './catalog/retentionRepo';
import type { Logger } from './logger';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention cleanup (SSIS's "Retention window" job, operation type 2): executions older than
 * RETENTION_WINDOW days are removed in small batches, each its own short transaction, yielding
 * between batches so dispatch and message writes are never held up for long.
 */
export async function runRetentionCleanup(
  repos: Repos,
  log: Logger,
  batchSize = 200,
  nowMs = Date.now(),
): Promise<number> {
  if ((await repos.properties.get('OPERATION_CLEANUP_ENABLED')) !== 'TRUE') return 0;
  const days = Number(await repos.properties.get('RETENTION_WINDOW'));
  const cutoff = new Date(nowMs - days * DAY_MS).toISOString();
  const retention = createRetentionRepo(repos.db);
  let total = 0;
  for (;;) {
    const deleted = await retention.deleteBatch(cutoff, batchSize);
    total += deleted;
    if (deleted < batchSize) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (total > 0) log.info(`retention cleanup removed ${total} executions created before ${cutoff}`);
  return total;
}
