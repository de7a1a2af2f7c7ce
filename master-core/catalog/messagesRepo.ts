import type { Db, Queries } from './db';
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
  package_path: string;
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
    packagePath: row.package_path,
    message: row.message,
  };
}

/** One event as a worker sent it. */
export interface WorkerEvent {
  workerId: string;
  event: TaskEvent;
}

/** What one worker's events did to the catalog. */
export interface InsertResult {
  /** Executions that gained at least one message. */
  touched: Set<number>;
  /** Rows newly stored (duplicates and events of attempts not the worker's are not counted). */
  inserted: number;
}

const COLUMNS = `execution_id, attempt_id, seq, message_time, message_type, message_source_type,
  message_source_name, package_path, message`;
const COLUMN_COUNT = 9;
/**
 * Rows per INSERT: 500 x 9 = 4,500 variables, well under SQLite's limit (32,766 since 3.32; the
 * bundled SQLite is 3.52). Each `sqlite3` call has a fixed cost (prepare, a thread-pool round trip),
 * so rows per statement matter: measured on the benchmark machine, 100-row statements reach ~115k
 * rows/s, 500-row ones ~150k, 1,000-row ones ~160k (docs/benchmarks.md).
 */
export const ROWS_PER_STATEMENT = 500;
/** Attempt ids per ownership lookup, well under the variable limit. */
const IDS_PER_LOOKUP = 500;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const rowPlaceholder = `(${placeholders(COLUMN_COUNT)})`;
const insertSqlCache = new Map<number, string>();
function insertSql(n: number): string {
  let sql = insertSqlCache.get(n);
  if (!sql) {
    sql = `INSERT OR IGNORE INTO event_messages (${COLUMNS})
      VALUES ${Array.from({ length: n }, () => rowPlaceholder).join(', ')}`;
    insertSqlCache.set(n, sql);
  }
  return sql;
}

interface Owner {
  executionId: number;
  workerId: string;
}

/** One lookup per IDS_PER_LOOKUP distinct attempts: who owns each attempt, and its execution. */
async function ownersOf(tx: Queries, attemptIds: readonly string[]): Promise<Map<string, Owner>> {
  const owners = new Map<string, Owner>();
  for (let i = 0; i < attemptIds.length; i += IDS_PER_LOOKUP) {
    const ids = attemptIds.slice(i, i + IDS_PER_LOOKUP);
    const rows = await tx.all<{ attempt_id: string; execution_id: number; worker_agent_id: string }>(
      `SELECT attempt_id, execution_id, worker_agent_id FROM attempts WHERE attempt_id IN (${placeholders(ids.length)})`,
      ids,
    );
    for (const row of rows)
      owners.set(row.attempt_id, { executionId: row.execution_id, workerId: row.worker_agent_id });
  }
  return owners;
}

/**
 * The attempts of the rows one INSERT just stored, when it ignored some duplicates. Its new rows
 * have consecutive ids ending at lastID (rowid = max + 1, nothing else writes inside the
 * transaction). Cheaper than RETURNING, which halved throughput: it is only needed for replays.
 */
async function newRowsOf(tx: Queries, lastID: number, changes: number): Promise<string[]> {
  const rows = await tx.all<{ attempt_id: string }>(
    'SELECT attempt_id FROM event_messages WHERE event_message_id > ? AND event_message_id <= ?',
    [lastID - changes, lastID],
  );
  return rows.map((r) => r.attempt_id);
}

/** The bound values of owned[start..end), flat in column order (no per-row arrays: this is hot). */
function chunkParams(owned: readonly WorkerEvent[], owners: Map<string, Owner>, start: number, end: number) {
  const params = new Array<unknown>((end - start) * COLUMN_COUNT);
  let p = 0;
  for (let i = start; i < end; i += 1) {
    const e = owned[i]!.event;
    params[p++] = owners.get(e.attemptId)!.executionId;
    params[p++] = e.attemptId;
    params[p++] = e.seq;
    params[p++] = new Date(e.timeMs).toISOString();
    params[p++] = e.messageType;
    params[p++] = e.sourceType;
    params[p++] = e.sourceName;
    params[p++] = e.packagePath;
    params[p++] = e.message;
  }
  return params;
}

/** Package event messages (SSISDB catalog.event_messages), de-duplicated by (attempt, seq). */
export function createMessagesRepo(db: Db) {
  /**
   * Stores events from any number of workers in one transaction, in the given order (so
   * event_message_id follows it). An event whose attempt is not its sender's is dropped.
   * Returns, per worker in the input, the executions that gained rows and how many rows were new.
   */
  async function insertMany(items: readonly WorkerEvent[]): Promise<Map<string, InsertResult>> {
    const results = new Map<string, InsertResult>();
    for (const item of items)
      if (!results.has(item.workerId)) results.set(item.workerId, { touched: new Set(), inserted: 0 });
    if (items.length === 0) return results;
    await db.transaction(async (tx) => {
      const owners = await ownersOf(tx, [...new Set(items.map((i) => i.event.attemptId))]);
      const owned = items.filter((i) => owners.get(i.event.attemptId)?.workerId === i.workerId);
      const credit = (attemptId: string) => {
        const owner = owners.get(attemptId)!;
        const result = results.get(owner.workerId)!;
        result.inserted += 1;
        result.touched.add(owner.executionId);
      };
      const endOf = (start: number) => Math.min(owned.length, start + ROWS_PER_STATEMENT);
      let params = chunkParams(owned, owners, 0, endOf(0));
      for (let start = 0; start < owned.length; start = endOf(start)) {
        const end = endOf(start);
        const stored = tx.run(insertSql(end - start), params);
        // Build the next statement's values while SQLite runs this one on its own thread.
        params = chunkParams(owned, owners, end, endOf(end));
        const { changes, lastID } = await stored;
        if (changes === end - start) for (let i = start; i < end; i += 1) credit(owned[i]!.event.attemptId);
        else if (changes > 0) for (const id of await newRowsOf(tx, lastID, changes)) credit(id);
      }
    });
    return results;
  }

  /** Stores a batch of events from one worker in one transaction (see insertMany). */
  async function insertBatch(workerId: string, events: readonly TaskEvent[]): Promise<InsertResult> {
    const results = await insertMany(events.map((event) => ({ workerId, event })));
    return results.get(workerId) ?? { touched: new Set(), inserted: 0 };
  }

  async function countForAttempt(attemptId: string): Promise<number> {
    const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM event_messages WHERE attempt_id = ?', [
      attemptId,
    ]);
    return row?.n ?? 0;
  }

  /**
   * One page of an execution's messages in order, after `afterMessageId`. `messageTypes` (SSIS
   * message type codes) keeps only those types; absent or empty means every type.
   */
  async function list(
    executionId: number,
    afterMessageId: number,
    limit: number,
    messageTypes: readonly number[] = [],
  ): Promise<MessageRow[]> {
    const types = [...new Set(messageTypes)];
    const typeFilter = types.length > 0 ? `AND m.message_type IN (${placeholders(types.length)})` : '';
    const rows = await db.all<MessageRecord>(
      `SELECT m.*, a.attempt_number FROM event_messages m LEFT JOIN attempts a ON a.attempt_id = m.attempt_id
        WHERE m.execution_id = ? AND m.event_message_id > ? ${typeFilter}
        ORDER BY m.event_message_id LIMIT ?`,
      [executionId, afterMessageId, ...types, limit],
    );
    return rows.map(fromRow);
  }

  return { insertMany, insertBatch, countForAttempt, list };
}

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
