/**
 * Migration 7: indexes for the console's All Executions grid and its dashboard. Each serves a sort
 * key of execution.list (ties broken by execution id, hence the second column) and, for the names,
 * the case-insensitive filters too. Measured on 100,000 executions: a page sorted by start, end,
 * duration or a name took 60-350 ms without them (a full scan and sort) and 1-8 ms with them; the
 * dashboard's per-minute counts read the start and end indexes. Sorting by worker name stays a
 * sort (the name lives in worker_agents); filtering by worker uses worker_agent_id.
 */
export const m007ExecutionGrid = `
CREATE INDEX executions_started ON executions (start_time, execution_id);
CREATE INDEX executions_ended ON executions (end_time, execution_id);
CREATE INDEX executions_duration ON executions (
  CAST(ROUND((julianday(end_time) - julianday(start_time)) * 86400000) AS INTEGER), execution_id);
CREATE INDEX executions_folder ON executions (folder_name COLLATE NOCASE, execution_id);
CREATE INDEX executions_project ON executions (project_name COLLATE NOCASE, execution_id);
CREATE INDEX executions_package ON executions (package_name COLLATE NOCASE, execution_id);
CREATE INDEX executions_worker ON executions (worker_agent_id, execution_id);
`;
