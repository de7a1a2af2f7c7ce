/**
 * Migration 2: the rest of SSISDB's model. Environments with variables and project references,
 * server-side parameter values, execution parameter values, executable statistics, worker
 * details and health history, catalog properties.
 */
export const m002Catalog = `
CREATE TABLE environments (
  environment_id  INTEGER PRIMARY KEY,
  folder_id       INTEGER NOT NULL REFERENCES folders(folder_id) ON DELETE CASCADE,
  name            TEXT NOT NULL COLLATE NOCASE,
  description     TEXT NOT NULL DEFAULT '',
  created_time    TEXT NOT NULL,
  UNIQUE (folder_id, name)
);
CREATE TABLE environment_variables (
  variable_id     INTEGER PRIMARY KEY,
  environment_id  INTEGER NOT NULL REFERENCES environments(environment_id) ON DELETE CASCADE,
  name            TEXT NOT NULL COLLATE NOCASE,
  data_type       TEXT NOT NULL,
  sensitive       INTEGER NOT NULL DEFAULT 0,
  value           TEXT,
  description     TEXT NOT NULL DEFAULT '',
  UNIQUE (environment_id, name)
);
CREATE TABLE environment_references (
  reference_id             INTEGER PRIMARY KEY,
  project_id               INTEGER NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
  reference_type           TEXT NOT NULL CHECK (reference_type IN ('R', 'A')),
  environment_folder_name  TEXT,
  environment_name         TEXT NOT NULL COLLATE NOCASE,
  UNIQUE (project_id, reference_type, environment_folder_name, environment_name)
);
CREATE TABLE object_parameter_values (
  project_id                INTEGER NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
  object_type               INTEGER NOT NULL CHECK (object_type IN (20, 30)),
  object_name               TEXT NOT NULL COLLATE NOCASE,
  parameter_name            TEXT NOT NULL COLLATE NOCASE,
  value_type                TEXT NOT NULL CHECK (value_type IN ('V', 'R')),
  value                     TEXT,
  referenced_variable_name  TEXT,
  PRIMARY KEY (project_id, object_type, object_name, parameter_name)
);
ALTER TABLE executions ADD COLUMN reference_id INTEGER;
ALTER TABLE executions ADD COLUMN environment_folder_name TEXT;
ALTER TABLE executions ADD COLUMN environment_name TEXT;
ALTER TABLE executions DROP COLUMN parameters_json;
CREATE INDEX executions_created ON executions (created_time);
CREATE INDEX executions_status ON executions (status, execution_id);
CREATE TABLE execution_parameter_values (
  execution_id    INTEGER NOT NULL REFERENCES executions(execution_id) ON DELETE CASCADE,
  object_type     INTEGER NOT NULL CHECK (object_type IN (20, 30, 50)),
  parameter_name  TEXT NOT NULL,
  data_type       TEXT NOT NULL,
  sensitive       INTEGER NOT NULL DEFAULT 0,
  value           TEXT,
  value_source    TEXT NOT NULL,
  PRIMARY KEY (execution_id, object_type, parameter_name)
);
ALTER TABLE event_messages ADD COLUMN package_path TEXT NOT NULL DEFAULT '';
CREATE INDEX event_messages_type ON event_messages (execution_id, message_type, event_message_id);
CREATE TABLE executable_statistics (
  statistics_id   INTEGER PRIMARY KEY,
  execution_id    INTEGER NOT NULL REFERENCES executions(execution_id) ON DELETE CASCADE,
  attempt_number  INTEGER NOT NULL,
  execution_path  TEXT NOT NULL,
  task_name       TEXT NOT NULL,
  start_time      TEXT NOT NULL,
  end_time        TEXT NOT NULL,
  duration_ms     INTEGER NOT NULL,
  execution_result INTEGER NOT NULL
);
CREATE INDEX executable_statistics_execution ON executable_statistics (execution_id);
ALTER TABLE worker_agents ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE worker_agents ADD COLUMN agent_version TEXT NOT NULL DEFAULT '';
ALTER TABLE worker_agents ADD COLUMN os TEXT NOT NULL DEFAULT '';
ALTER TABLE worker_agents ADD COLUMN cpu_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE worker_agents ADD COLUMN total_memory_bytes INTEGER NOT NULL DEFAULT 0;
CREATE TABLE worker_health (
  worker_agent_id    TEXT NOT NULL REFERENCES worker_agents(worker_agent_id) ON DELETE CASCADE,
  sample_time_ms     INTEGER NOT NULL,
  cpu_percent        REAL NOT NULL,
  free_memory_bytes  INTEGER NOT NULL,
  running_tasks      INTEGER NOT NULL
);
CREATE INDEX worker_health_time ON worker_health (worker_agent_id, sample_time_ms);
CREATE TABLE catalog_properties (
  property_name   TEXT PRIMARY KEY,
  property_value  TEXT NOT NULL
);
`;
