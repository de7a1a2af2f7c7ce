import type { ExecutionRow } from '../protocol/api';

export interface ExecutionRecord {
  execution_id: number;
  folder_name: string;
  project_name: string;
  package_name: string;
  version_id: number;
  status: number;
  created_time: string;
  start_time: string | null;
  end_time: string | null;
  created_by: string;
  retry_count: number;
  executed_count: number;
  priority: number;
  logging_level: number;
  timeout_ms: number | null;
  targeting_json: string;
  parameters_json: string;
  worker_agent_id: string | null;
  machine_name: string | null;
  last_error: string | null;
  worker_name: string | null;
}

export const EXECUTION_SELECT = `SELECT e.*, w.display_name AS worker_name
  FROM executions e LEFT JOIN worker_agents w ON w.worker_agent_id = e.worker_agent_id`;

export function fromRow(row: ExecutionRecord): ExecutionRow {
  return {
    executionId: row.execution_id,
    folderName: row.folder_name,
    projectName: row.project_name,
    packageName: row.package_name,
    status: row.status,
    createdAt: row.created_time,
    startedAt: row.start_time,
    endedAt: row.end_time,
    workerName: row.worker_name,
    machineName: row.machine_name,
    attempts: row.executed_count,
    retryCount: row.retry_count,
    priority: row.priority,
    createdBy: row.created_by,
    lastError: row.last_error,
  };
}
