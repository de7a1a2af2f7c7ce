import type { Db } from './db';
import type { MessageRow } from '../protocol/api';
import type { TaskEvent } from '../protocol/wire';

interface MessageRecord {
  event_message_id: number;
  execution_id: number;
  attempt_number: number | null;
  message_time: string;
  message_type: number;
  message_source_type: number;
  message_source_name: string;
  message: string;
}

function fromRow(row: MessageRecord): MessageRow {
  return {
    messageId: row.event_message_id,
    executionId: row.execution_id,
    attemptNumber: row.attempt_number,
    time: row.message_time,
    messageType: row.message_type,
    sourceType: row.message_source_type,
    sourceName: row.message_source_name,
    message: row.message,
  };
}

/** Package event messages (SSISDB catalog.event_messages), de-duplicated by (attempt, seq). */
export function createMessagesRepo(db: Db) {
  /**
   * Stores a batch of events from one worker in one transaction. Events for attempts that are not
   * this worker's are dropped. Returns the executions that gained messages.
   */
  async function insertBatch(workerId: string, events: readonly TaskEvent[]): Promise<Set<number>> {
    const touched = new Set<number>();
    if (events.length === 0) return touched;
    await db.transaction(async (tx) => {
      const owners = new Map<string, number | null>();
      for (const event of events) {
        if (!owners.has(event.attemptId)) {
          const row = await tx.get<{ execution_id: number }>(
            'SELECT execution_id FROM attempts WHERE attempt_id = ? AND worker_agent_id = ?',
            [event.attemptId, workerId],
          );
          owners.set(event.attemptId, row?.execution_id ?? null);
        }
        const executionId = owners.get(event.attemptId);
        if (executionId == null) continue;
        const result = await tx.run(
          `INSERT OR IGNORE INTO event_messages (execution_id, attempt_id, seq, message_time, message_type,
             message_source_type, message_source_name, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            executionId,
            event.attemptId,
            event.seq,
            new Date(event.timeMs).toISOString(),
            event.messageType,
            event.sourceType,
            event.sourceName,
            event.message,
          ],
        );
        if (result.changes > 0) touched.add(executionId);
      }
    });
    return touched;
  }

  async function countForAttempt(attemptId: string): Promise<number> {
    const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM event_messages WHERE attempt_id = ?', [
      attemptId,
    ]);
    return row?.n ?? 0;
  }

  async function list(executionId: number, afterMessageId: number, limit: number): Promise<MessageRow[]> {
    const rows = await db.all<MessageRecord>(
      `SELECT m.*, a.attempt_number FROM event_messages m LEFT JOIN attempts a ON a.attempt_id = m.attempt_id
        WHERE m.execution_id = ? AND m.event_message_id > ? ORDER BY m.event_message_id LIMIT ?`,
      [executionId, afterMessageId, limit],
    );
    return rows.map(fromRow);
  }

  return { insertBatch, countForAttempt, list };
}

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
