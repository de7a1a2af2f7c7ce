import type { Db } from './db';
import { endAttemptIn, getIn, operationMessage } from './attemptEnd';
import { ExecutionStatus, MessageType } from '../protocol/codes';
import { ScaleOutError } from '../protocol/errors';
import type { ExecutionRow } from '../protocol/api';

/** Stopping executions, losing attempts of a restarted worker, and failing executions that waited too long. */
export function createExecutionControlRepo(db: Db) {
  /**
   * Stop (SSIS catalog.stop_operation): a queued execution is canceled at once; a running one goes
   * to 8 stopping and the caller asks its worker to stop the attempt, which then ends it as canceled.
   */
  async function requestStop(
    executionId: number,
    by: string,
  ): Promise<{ execution: ExecutionRow; attempt: { attemptId: string; workerId: string } | null }> {
    return db.transaction(async (tx) => {
      const current = await getIn(tx, executionId);
      const now = new Date().toISOString();
      if (current.status === ExecutionStatus.pending || current.status === ExecutionStatus.created) {
        await tx.run(
          'UPDATE executions SET status = ?, end_time = ?, ready_for_dispatch_time = NULL, stopped_by = ?, last_error = ? WHERE execution_id = ?',
          [ExecutionStatus.canceled, now, by, `stopped by ${by} before it started`, executionId],
        );
        await operationMessage(
          tx,
          executionId,
          MessageType.information,
          `Execution canceled by ${by} before it started.`,
        );
        return { execution: await getIn(tx, executionId), attempt: null };
      }
      if (current.status !== ExecutionStatus.running) {
        throw new ScaleOutError(
          'CONFLICT',
          `execution ${executionId} is not queued or running (status ${current.status})`,
          {
            field: 'executionId',
          },
        );
      }
      await tx.run('UPDATE executions SET status = ?, stopped_by = ? WHERE execution_id = ?', [
        ExecutionStatus.stopping,
        by,
        executionId,
      ]);
      await operationMessage(tx, executionId, MessageType.information, `Stop requested by ${by}.`);
      const attempt = await tx.get<{ attempt_id: string; worker_agent_id: string }>(
        'SELECT attempt_id, worker_agent_id FROM attempts WHERE execution_id = ? AND status IN (2, 3)',
        [executionId],
      );
      return {
        execution: await getIn(tx, executionId),
        attempt: attempt ? { attemptId: attempt.attempt_id, workerId: attempt.worker_agent_id } : null,
      };
    });
  }

  /** Ends, as lost, the worker's live attempts other than `keep` (they died with an earlier agent process). */
  async function loseAttemptsExcept(
    workerId: string,
    keep: readonly string[],
    reason: string,
  ): Promise<ExecutionRow[]> {
    return db.transaction(async (tx) => {
      const live = await tx.all<{ attempt_id: string }>(
        'SELECT attempt_id FROM attempts WHERE worker_agent_id = ? AND status IN (2, 3)',
        [workerId],
      );
      const changed: ExecutionRow[] = [];
      for (const { attempt_id } of live.filter((a) => !keep.includes(a.attempt_id))) {
        const row = await endAttemptIn(tx, {
          attemptId: attempt_id,
          workerId,
          outcome: 'lost',
          exitCode: null,
          error: reason,
        });
        if (row) changed.push(row);
      }
      return changed;
    });
  }

  /** Queued executions that have waited past their maximum queue wait. */
  async function overdue(nowMs: number): Promise<{ executionId: number; waitedMs: number }[]> {
    const rows = await db.all<{ execution_id: number; ready: string }>(
      `SELECT execution_id, ready_for_dispatch_time AS ready FROM executions
        WHERE ready_for_dispatch_time IS NOT NULL AND max_queue_wait_ms IS NOT NULL
          AND strftime('%s', ready_for_dispatch_time) * 1000 + max_queue_wait_ms <= ?`,
      [nowMs],
    );
    return rows.map((r) => ({ executionId: r.execution_id, waitedMs: nowMs - Date.parse(r.ready) }));
  }

  /** Fails a still-queued execution with the reason it could not start. */
  async function failQueued(executionId: number, reason: string): Promise<ExecutionRow | null> {
    return db.transaction(async (tx) => {
      const result = await tx.run(
        'UPDATE executions SET status = ?, end_time = ?, ready_for_dispatch_time = NULL, last_error = ? WHERE execution_id = ? AND ready_for_dispatch_time IS NOT NULL',
        [ExecutionStatus.failed, new Date().toISOString(), reason, executionId],
      );
      if (result.changes === 0) return null;
      await operationMessage(tx, executionId, MessageType.error, `Execution ended: ${reason}`);
      return getIn(tx, executionId);
    });
  }

  /** Adds a master message to an execution. */
  async function note(executionId: number, messageType: number, message: string): Promise<void> {
    await operationMessage(db, executionId, messageType, message);
  }

  async function liveAttempts(workerId: string): Promise<string[]> {
    const rows = await db.all<{ attempt_id: string }>(
      'SELECT attempt_id FROM attempts WHERE worker_agent_id = ? AND status IN (2, 3)',
      [workerId],
    );
    return rows.map((r) => r.attempt_id);
  }

  return { requestStop, loseAttemptsExcept, overdue, failQueued, note, liveAttempts };
}

export type ExecutionControlRepo = ReturnType<typeof createExecutionControlRepo>;
