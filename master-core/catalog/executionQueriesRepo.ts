import type { Db } from './db';
import { EXECUTION_SELECT, fromRow } from './executionRow';
import type { ExecutionRecord } from './executionRow';
import type { SecretBox } from '../secretBox';
import { ScaleOutError } from '../protocol/errors';
import type { ParameterValue } from '../protocol/packageFormat';
import { ExecutionStatus, MessageType } from '../protocol/codes';
import type {
  ApiParsedInput,
  AttemptRow,
  DataStatisticRow,
  ExecutionParameterRow,
  ExecutionRow,
  StatisticRow,
} from '../protocol/api';

export type ExecutionSortKey = ApiParsedInput<'execution.list'>['sortBy'];

export interface ExecutionFilter {
  limit: number;
  offset?: number | undefined;
  beforeId?: number | undefined;
  folderName?: string | undefined;
  projectName?: string | undefined;
  packageName?: string | undefined;
  statuses?: number[] | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
  workerName?: string | undefined;
  createdBy?: string | undefined;
  search?: string | undefined;
  /** Only executions in these folders (case-insensitive): a viewer's readable folders. */
  onlyFolders?: string[] | undefined;
  sortBy?: ExecutionSortKey | undefined;
  sortDirection?: 'asc' | 'desc' | undefined;
}

/**
 * The SQL each sort key orders by: the only text of the request that reaches ORDER BY, so a sort
 * can never inject anything. Nullable ones (worker, times, duration) sort last in both directions.
 */
const SORT_COLUMNS: Record<ExecutionSortKey, { sql: string; nullable: boolean }> = {
  executionId: { sql: 'e.execution_id', nullable: false },
  status: { sql: 'e.status', nullable: false },
  folderName: { sql: 'e.folder_name COLLATE NOCASE', nullable: false },
  projectName: { sql: 'e.project_name COLLATE NOCASE', nullable: false },
  packageName: { sql: 'e.package_name COLLATE NOCASE', nullable: false },
  workerName: { sql: 'w.display_name COLLATE NOCASE', nullable: true },
  createdAt: { sql: 'e.created_time', nullable: false },
  startedAt: { sql: 'e.start_time', nullable: true },
  endedAt: { sql: 'e.end_time', nullable: true },
  // Milliseconds from start to end; NULL until the execution has both.
  duration: {
    sql: 'CAST(ROUND((julianday(e.end_time) - julianday(e.start_time)) * 86400000) AS INTEGER)',
    nullable: true,
  },
  attempts: { sql: 'e.executed_count', nullable: false },
  createdBy: { sql: 'e.created_by COLLATE NOCASE', nullable: false },
};

/**
 * ORDER BY for a sort key and direction, ties broken by execution id the same way. Written as the
 * m007 indexes are (NULLS LAST included), so SQLite walks an index instead of sorting.
 */
export function orderByOf(
  sortBy: ExecutionSortKey = 'executionId',
  direction: 'asc' | 'desc' = 'desc',
): string {
  const column = SORT_COLUMNS[sortBy];
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  const keys = [`${column.sql} ${dir}${column.nullable ? ' NULLS LAST' : ''}`];
  if (sortBy !== 'executionId') keys.push(`e.execution_id ${dir}`);
  return `ORDER BY ${keys.join(', ')}`;
}

interface AttemptRecord {
  attempt_number: number;
  worker_agent_id: string;
  worker_name: string | null;
  machine_name: string | null;
  status: number;
  start_time: string;
  end_time: string | null;
  exit_code: number | null;
  error: string | null;
}

/** SSIS's task statuses (internal.tasks.Status) as the attempts table keeps them. */
const ATTEMPT_LIVE = new Set([2, 3]);
const ATTEMPT_FAILED = 4;
const ATTEMPT_SUCCEEDED = 5;
const ATTEMPT_CANCELED = 6;

/**
 * How an attempt ended. The attempts table keeps SSIS's task status: 2/3 live, 5 succeeded, 6
 * canceled, and 4 for every other end; what a 4 was follows from how the master ended it
 * (catalog/attemptEnd.ts): the attempt that ended a stopped execution ended it in the same
 * transaction (same end time, execution 3 canceled); a lost last attempt ends its execution 6
 * (ended unexpectedly); a lost attempt that was retried left "Attempt N was lost" in the messages.
 */
export function attemptOutcome(
  attempt: Pick<AttemptRecord, 'attempt_number' | 'status' | 'end_time'>,
  execution: {
    status: number;
    endTime: string | null;
    lastAttempt: number;
    retriedLost: ReadonlySet<number>;
  },
): AttemptRow['outcome'] {
  if (ATTEMPT_LIVE.has(attempt.status)) return 'running';
  if (attempt.status === ATTEMPT_SUCCEEDED) return 'succeeded';
  if (attempt.status === ATTEMPT_CANCELED) return 'canceled';
  if (attempt.status !== ATTEMPT_FAILED) return 'failed';
  const last = attempt.attempt_number === execution.lastAttempt;
  if (last && execution.status === ExecutionStatus.canceled && attempt.end_time === execution.endTime) {
    return 'canceled';
  }
  if (last && execution.status === ExecutionStatus.endedUnexpectedly) return 'lost';
  if (execution.retriedLost.has(attempt.attempt_number)) return 'lost';
  return 'failed';
}

/** Reading executions back (SSISDB catalog.executions, execution_parameter_values, executable_statistics). */
export function createExecutionQueriesRepo(db: Db, _box: SecretBox) {
  async function get(executionId: number): Promise<ExecutionRow> {
    const row = await db.get<ExecutionRecord>(`${EXECUTION_SELECT} WHERE e.execution_id = ?`, [executionId]);
    if (!row)
      throw new ScaleOutError('NOT_FOUND', `execution ${executionId} does not exist`, {
        field: 'executionId',
      });
    return fromRow(row);
  }

  /**
   * Filtered, sorted and paged (offset, or keyset with beforeId); newest first by default.
   * `total` counts every match regardless of paging.
   */
  async function list(filter: ExecutionFilter): Promise<{ executions: ExecutionRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...values: unknown[]) => {
      where.push(sql);
      params.push(...values);
    };
    if (filter.folderName) add('e.folder_name = ? COLLATE NOCASE', filter.folderName);
    if (filter.onlyFolders)
      add(
        filter.onlyFolders.length
          ? `e.folder_name COLLATE NOCASE IN (${filter.onlyFolders.map(() => '?').join(',')})`
          : '0',
        ...filter.onlyFolders,
      );
    if (filter.projectName) add('e.project_name = ? COLLATE NOCASE', filter.projectName);
    if (filter.packageName) add('e.package_name = ? COLLATE NOCASE', filter.packageName);
    if (filter.statuses?.length)
      add(`e.status IN (${filter.statuses.map(() => '?').join(',')})`, ...filter.statuses);
    if (filter.createdAfter) add('e.created_time >= ?', new Date(filter.createdAfter).toISOString());
    if (filter.createdBefore) add('e.created_time < ?', new Date(filter.createdBefore).toISOString());
    if (filter.workerName) add('w.display_name = ? COLLATE NOCASE', filter.workerName);
    if (filter.createdBy) add('e.created_by = ?', filter.createdBy);
    const search = filter.search?.trim().toLowerCase();
    if (search) {
      // instr, not LIKE: % and _ in what the operator typed are plain characters.
      const names =
        'instr(lower(e.folder_name), ?) > 0 OR instr(lower(e.project_name), ?) > 0 OR instr(lower(e.package_name), ?) > 0';
      const id = /^#?\d{1,15}$/.test(search) ? Number(search.replace('#', '')) : null;
      if (id === null) add(`(${names})`, search, search, search);
      else add(`(${names} OR e.execution_id = ?)`, search, search, search, id);
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // The worker join is needed only when a filter names the worker.
    const countFrom = filter.workerName
      ? 'executions e LEFT JOIN worker_agents w ON w.worker_agent_id = e.worker_agent_id'
      : 'executions e';
    const total = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${countFrom} ${whereSql}`, params);
    // beforeId pages, as offset does: it narrows the page, not the total.
    const pageWhere = filter.beforeId
      ? `${whereSql ? `${whereSql} AND` : 'WHERE'} e.execution_id < ?`
      : whereSql;
    const rows = await db.all<ExecutionRecord>(
      `${EXECUTION_SELECT} ${pageWhere} ${orderByOf(filter.sortBy, filter.sortDirection)} LIMIT ? OFFSET ?`,
      [...params, ...(filter.beforeId ? [filter.beforeId] : []), filter.limit, filter.offset ?? 0],
    );
    return { executions: rows.map(fromRow), total: total?.n ?? 0 };
  }

  /** The values an execution ran with; sensitive ones are never returned. */
  async function parameters(executionId: number): Promise<ExecutionParameterRow[]> {
    await get(executionId);
    const rows = await db.all<{
      object_type: 20 | 30 | 50;
      parameter_name: string;
      data_type: string;
      sensitive: number;
      value: string | null;
      value_source: string;
    }>(
      'SELECT * FROM execution_parameter_values WHERE execution_id = ? ORDER BY object_type, parameter_name',
      [executionId],
    );
    return rows.map((r) => ({
      objectType: r.object_type,
      name: r.parameter_name,
      dataType: r.data_type,
      sensitive: r.sensitive === 1,
      value: r.sensitive === 1 || r.value === null ? null : (JSON.parse(r.value) as ParameterValue),
      source: r.value_source,
    }));
  }

  async function statistics(executionId: number): Promise<StatisticRow[]> {
    await get(executionId);
    const rows = await db.all<{
      attempt_number: number;
      execution_path: string;
      task_name: string;
      start_time: string;
      end_time: string;
      duration_ms: number;
      execution_result: number;
    }>('SELECT * FROM executable_statistics WHERE execution_id = ? ORDER BY statistics_id', [executionId]);
    return rows.map((r) => ({
      attemptNumber: r.attempt_number,
      executionPath: r.execution_path,
      taskName: r.task_name,
      startTime: r.start_time,
      endTime: r.end_time,
      durationMs: r.duration_ms,
      executionResult: r.execution_result,
    }));
  }

  async function dataStatistics(executionId: number): Promise<DataStatisticRow[]> {
    const rows = await db.all<{
      attempt_number: number;
      task_path: string;
      name: string;
      rows_sent: number | null;
      elapsed_ms: number | null;
    }>('SELECT * FROM execution_data_statistics WHERE execution_id = ? ORDER BY data_stats_id', [
      executionId,
    ]);
    return rows.map((r) => ({
      attemptNumber: r.attempt_number,
      taskPath: r.task_path,
      name: r.name,
      rowsSent: r.rows_sent,
      elapsedMs: r.elapsed_ms,
    }));
  }

  /** Every attempt of an execution, oldest first, with its worker and how it ended. */
  async function attempts(executionId: number): Promise<AttemptRow[]> {
    const execution = await get(executionId);
    const rows = await db.all<AttemptRecord>(
      `SELECT a.attempt_number, a.worker_agent_id, w.display_name AS worker_name, w.machine_name, a.status,
              a.start_time, a.end_time, a.exit_code, a.error
         FROM attempts a LEFT JOIN worker_agents w ON w.worker_agent_id = a.worker_agent_id
        WHERE a.execution_id = ? ORDER BY a.attempt_number`,
      [executionId],
    );
    // A retried attempt that was lost says so in the master's own message of that moment.
    const lostMessages = await db.all<{ message: string }>(
      `SELECT message FROM event_messages WHERE execution_id = ? AND message_type = ?
          AND message_source_name = 'Scale Out Master' AND message LIKE 'Attempt % was lost%'`,
      [executionId, MessageType.warning],
    );
    const retriedLost = new Set(lostMessages.map((m) => Number(/^Attempt (\d+) /.exec(m.message)?.[1])));
    return rows.map((r) => ({
      attemptNumber: r.attempt_number,
      workerId: r.worker_agent_id,
      workerName: r.worker_name,
      machineName: r.machine_name,
      outcome: attemptOutcome(r, {
        status: execution.status,
        endTime: execution.endedAt,
        lastAttempt: execution.attempts,
        retriedLost,
      }),
      startedAt: r.start_time,
      endedAt: r.end_time,
      exitCode: r.exit_code,
      error: r.error,
    }));
  }

  /**
   * The dashboard's numbers: executions waiting for a worker, executions with a live attempt, and
   * per UTC minute since `sinceMs` (rounded down to its minute) how many started, succeeded and
   * failed (4 failed and 6 ended unexpectedly). Minutes with nothing are left out here.
   */
  async function activity(sinceMs: number): Promise<{
    queueDepth: number;
    running: number;
    perMinute: Map<string, { started: number; succeeded: number; failed: number }>;
  }> {
    const since = new Date(Math.floor(sinceMs / 60_000) * 60_000).toISOString();
    const queued = await db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM executions WHERE ready_for_dispatch_time IS NOT NULL',
    );
    const running = await db.get<{ n: number }>(
      'SELECT COUNT(DISTINCT execution_id) AS n FROM attempts WHERE status IN (2, 3)',
    );
    const started = await db.all<{ minute: string; n: number }>(
      `SELECT substr(start_time, 1, 16) AS minute, COUNT(*) AS n FROM executions
        WHERE start_time >= ? GROUP BY minute`,
      [since],
    );
    const ended = await db.all<{ minute: string; succeeded: number; failed: number }>(
      `SELECT substr(end_time, 1, 16) AS minute, SUM(status = ?) AS succeeded, SUM(status IN (?, ?)) AS failed
         FROM executions WHERE end_time >= ? GROUP BY minute`,
      [ExecutionStatus.succeeded, ExecutionStatus.failed, ExecutionStatus.endedUnexpectedly, since],
    );
    const perMinute = new Map<string, { started: number; succeeded: number; failed: number }>();
    const at = (minute: string) => {
      const key = `${minute}:00.000Z`;
      const entry = perMinute.get(key) ?? { started: 0, succeeded: 0, failed: 0 };
      perMinute.set(key, entry);
      return entry;
    };
    for (const r of started) at(r.minute).started = r.n;
    for (const r of ended) Object.assign(at(r.minute), { succeeded: r.succeeded, failed: r.failed });
    return { queueDepth: queued?.n ?? 0, running: running?.n ?? 0, perMinute };
  }

  return { get, list, parameters, statistics, dataStatistics, attempts, activity };
}

export type ExecutionQueriesRepo = ReturnType<typeof createExecutionQueriesRepo>;
