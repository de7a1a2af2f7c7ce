import type { Db } from './db';
import { EXECUTION_SELECT, fromRow } from './executionRow';
import type { ExecutionRecord } from './executionRow';
import type { SecretBox } from '../secretBox';
import { ScaleOutError } from '../protocol/errors';
import type { ParameterValue } from '../protocol/packageFormat';
import type {
  ApiParsedInput,
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

  return { get, list, parameters, statistics, dataStatistics };
}

export type ExecutionQueriesRepo = ReturnType<typeof createExecutionQueriesRepo>;
