/** Migration 4: Data Flow statistics (SSIS catalog.execution_data_statistics). */
export const m004DataFlow = `
CREATE TABLE execution_data_statistics (
  data_stats_id   INTEGER PRIMARY KEY,
  execution_id    INTEGER NOT NULL REFERENCES executions(execution_id) ON DELETE CASCADE,
  attempt_number  INTEGER NOT NULL,
  task_path       TEXT NOT NULL,
  name            TEXT NOT NULL,
  rows_sent       INTEGER,
  elapsed_ms      INTEGER,
  created_time    TEXT NOT NULL
);
CREATE INDEX execution_data_statistics_execution ON execution_data_statistics (execution_id);
`;
