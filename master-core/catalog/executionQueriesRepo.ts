import type { Db } from './db';
import { EXECUTION_SELECT, fromRow } from './executionRow';
import type { ExecutionRecord } from './executionRow';
import type { SecretBox } from '../secretBox';
import { ScaleOutError } from '../protocol/errors';
import type { ParameterValue } from '../protocol/packageFormat';
import type { DataStatisticRow, ExecutionParameterRow, ExecutionRow, StatisticRow } from '../protocol/api';

export interface ExecutionFilter {
  limit: number;
  beforeId?: number | undefined;
  folderName?: string | undefined;
  projectName?: string | undefined;
  packageName?: string | undefined;
  statuses?: number[] | undefined;
  createdAfter?: string | undefined;
  createdBefore?: string | undefined;
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

  /** Newest first, filtered, paged by id; `total` counts every match regardless of paging. */
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
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM executions e ${whereSql}`, params);
    const pageWhere = filter.beforeId
      ? `${whereSql ? `${whereSql} AND` : 'WHERE'} e.execution_id < ?`
      : whereSql;
    const rows = await db.all<ExecutionRecord>(
      `${EXECUTION_SELECT} ${pageWhere} ORDER BY e.execution_id DESC LIMIT ?`,
      [...params, ...(filter.beforeId ? [filter.beforeId] : []), filter.limit],
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
