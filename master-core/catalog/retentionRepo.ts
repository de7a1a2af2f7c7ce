import type { Db } from './db';

/** Removes ended executions (with attempts, parameters, messages, statistics) and audit entries older than a cutoff. */
export function createRetentionRepo(db: Db) {
  /** Deletes at most `batchSize` executions that ended and were created before `cutoffIso`. */
  async function deleteBatch(cutoffIso: string, batchSize: number): Promise<number> {
    const result = await db.run(
      `DELETE FROM executions WHERE execution_id IN (
         SELECT execution_id FROM executions WHERE created_time < ? AND status IN (3, 4, 6, 7, 9)
          ORDER BY execution_id LIMIT ?)`,
      [cutoffIso, batchSize],
    );
    return result.changes;
  }
  /** Deletes at most `batchSize` audit entries written before `cutoffIso`, oldest first. */
  async function deleteAuditBatch(cutoffIso: string, batchSize: number): Promise<number> {
    const result = await db.run(
      `DELETE FROM audit_log WHERE audit_id IN (
         SELECT audit_id FROM audit_log WHERE time < ? ORDER BY time LIMIT ?)`,
      [cutoffIso, batchSize],
    );
    return result.changes;
  }
  return { deleteBatch, deleteAuditBatch };
}

export type RetentionRepo = ReturnType<typeof createRetentionRepo>;
