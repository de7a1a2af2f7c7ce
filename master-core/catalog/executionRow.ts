import { Targeting } from '../protocol/api';
import type { ExecutionRow } from '../protocol/api';

export interface ExecutionRecord {
  execution_id: number;
  folder_name: string;
  project_name: string;
  package_name: string;
  version_id: number | null;
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
  environment_name: string | null;
  environment_folder_name: string | null;
  reference_id: number | null;
  stopped_by: string | null;
  max_queue_wait_ms: number | null;
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
    versionId: row.version_id,
    status: row.status,
    createdAt: row.created_time,
    startedAt: row.start_time,
    endedAt: row.end_time,
    workerName: row.worker_name,
    machineName: row.machine_name,
    attempts: row.executed_count,
    retryCount: row.retry_count,
    priority: row.priority,
    loggingLevel: row.logging_level,
    timeoutMs: row.timeout_ms,
    targeting: Targeting.parse(JSON.parse(row.targeting_json)),
    environmentName:
      row.environment_name === null ? null : `${row.environment_folder_name}/${row.environment_name}`,
    createdBy: row.created_by,
    lastError: row.last_error,
  };
}
