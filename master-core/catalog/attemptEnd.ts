import type { Queries } from './db';
import { EXECUTION_SELECT, fromRow } from './executionRow';
import type { ExecutionRecord } from './executionRow';
import { ExecutionStatus, MessageSourceType, MessageType } from '../protocol/codes';
import type { ExecutionRow } from '../protocol/api';
import { ScaleOutError } from '../protocol/errors';
import type { DataStatistic, TaskStatistic } from '../protocol/wire';
import { retryDecision } from '../execution/eligibility';
import type { AttemptOutcome } from '../execution/eligibility';

const TASK_FAILED = 4;
const TASK_SUCCEEDED = 5;
const nowIso = () => new Date().toISOString();

export interface AttemptEnd {
  attemptId: string;
  workerId: string;
  outcome: AttemptOutcome;
  exitCode: number | null;
  error: string | null;
  statistics?: readonly TaskStatistic[];
  dataStatistics?: readonly DataStatistic[];
}

export async function operationMessage(
  q: Queries,
  executionId: number,
  messageType: number,
  message: string,
) {
  await q.run(
    `INSERT INTO event_messages (execution_id, message_time, message_type, message_source_type, message_source_name, message)
     VALUES (?, ?, ?, ?, 'Scale Out Master', ?)`,
    [executionId, nowIso(), messageType, MessageSourceType.entryApi, message],
  );
}

/**
 * True when this worker already ended this attempt with this outcome: a final report sent again
 * after a reconnect because its acknowledgement was lost. It is answered as stored, not as fenced.
 */
export async function endedByIn(
  q: Queries,
  attemptId: string,
  workerId: string,
  outcome: AttemptEnd['outcome'],
): Promise<boolean> {
  const row = await q.get<{ status: number }>(
    'SELECT status FROM attempts WHERE attempt_id = ? AND worker_agent_id = ? AND end_time IS NOT NULL',
    [attemptId, workerId],
  );
  if (!row) return false;
  return outcome === 'succeeded' ? row.status === TASK_SUCCEEDED : row.status === TASK_FAILED;
}

/** Ends a live attempt and moves its execution on; null when fenced (not live, or not this worker's). */
export async function endAttemptIn(tx: Queries, end: AttemptEnd): Promise<ExecutionRow | null> {
  const attempt = await tx.get<{ execution_id: number; attempt_number: number }>(
    'SELECT execution_id, attempt_number FROM attempts WHERE attempt_id = ? AND worker_agent_id = ? AND status IN (2, 3)',
    [end.attemptId, end.workerId],
  );
  if (!attempt) return null;
  const now = nowIso();
  await tx.run(
    'UPDATE attempts SET status = ?, end_time = ?, exit_code = ?, error = ? WHERE attempt_id = ?',
    [end.outcome === 'succeeded' ? TASK_SUCCEEDED : TASK_FAILED, now, end.exitCode, end.error, end.attemptId],
  );
  for (const st of end.statistics ?? []) {
    await tx.run(
      `INSERT INTO executable_statistics (execution_id, attempt_number, execution_path, task_name, start_time, end_time,
         duration_ms, execution_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        attempt.execution_id,
        attempt.attempt_number,
        st.executionPath,
        st.taskName,
        new Date(st.startMs).toISOString(),
        new Date(st.endMs).toISOString(),
        Math.max(0, Math.round(st.endMs - st.startMs)),
        st.result,
      ],
    );
  }
  for (const st of end.dataStatistics ?? []) {
    await tx.run(
      `INSERT INTO execution_data_statistics (execution_id, attempt_number, task_path, name, rows_sent, elapsed_ms, created_time)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [attempt.execution_id, attempt.attempt_number, st.taskPath, st.name, st.rowsSent, st.elapsedMs, now],
    );
  }
  const execution = await tx.get<ExecutionRecord>('SELECT * FROM executions WHERE execution_id = ?', [
    attempt.execution_id,
  ]);
  const error = end.outcome === 'succeeded' ? null : end.error;
  if (execution!.status === ExecutionStatus.stopping) {
    // A stop was requested: whatever the attempt's outcome, the execution is canceled (SSIS 3).
    await tx.run('UPDATE executions SET status = ?, end_time = ?, last_error = ? WHERE execution_id = ?', [
      ExecutionStatus.canceled,
      now,
      `stopped by ${execution!.stopped_by ?? 'an operator'}`,
      attempt.execution_id,
    ]);
    await operationMessage(
      tx,
      attempt.execution_id,
      MessageType.information,
      `Execution canceled: stopped by ${execution!.stopped_by ?? 'an operator'}.`,
    );
    return getIn(tx, attempt.execution_id);
  }
  const decision = retryDecision(end.outcome, execution!.executed_count, execution!.retry_count);
  if (decision.status === 'retry') {
    await tx.run(
      'UPDATE executions SET status = ?, ready_for_dispatch_time = ?, last_error = ? WHERE execution_id = ?',
      [ExecutionStatus.pending, now, error, attempt.execution_id],
    );
    await operationMessage(
      tx,
      attempt.execution_id,
      MessageType.warning,
      `Attempt ${attempt.attempt_number} ${end.outcome === 'lost' ? 'was lost' : 'failed'}${error ? `: ${error}` : ''}. Retrying (${execution!.executed_count} of ${execution!.retry_count + 1} attempts used).`,
    );
  } else {
    const status = ExecutionStatus[decision.status];
    await tx.run('UPDATE executions SET status = ?, end_time = ?, last_error = ? WHERE execution_id = ?', [
      status,
      now,
      error,
      attempt.execution_id,
    ]);
    if (decision.status !== 'succeeded') {
      await operationMessage(
        tx,
        attempt.execution_id,
        MessageType.error,
        `Execution ended: ${error ?? 'failed'}`,
      );
    }
  }
  return getIn(tx, attempt.execution_id);
}

export async function getIn(q: Queries, executionId: number): Promise<ExecutionRow> {
  const row = await q.get<ExecutionRecord>(`${EXECUTION_SELECT} WHERE e.execution_id = ?`, [executionId]);
  if (!row)
    throw new ScaleOutError('NOT_FOUND', `execution ${executionId} does not exist`, { field: 'executionId' });
  return fromRow(row);
}
