/** Migration 1: folders > projects > versions > packages; executions, attempts, messages, workers. */
export const m001Initial = `
CREATE TABLE folders (
  folder_id     INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
  description   TEXT NOT NULL DEFAULT '',
  created_time  TEXT NOT NULL
);
CREATE TABLE projects (
  project_id          INTEGER PRIMARY KEY,
  folder_id           INTEGER NOT NULL REFERENCES folders(folder_id) ON DELETE CASCADE,
  name                TEXT NOT NULL COLLATE NOCASE,
  description         TEXT NOT NULL DEFAULT '',
  current_version_id  INTEGER,
  UNIQUE (folder_id, name)
);
CREATE TABLE project_versions (
  version_id     INTEGER PRIMARY KEY,
  project_id     INTEGER NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
  content_hash   TEXT NOT NULL,
  project_json   TEXT NOT NULL,
  deployed_time  TEXT NOT NULL,
  deployed_by    TEXT NOT NULL
);
CREATE TABLE packages (
  package_id       INTEGER PRIMARY KEY,
  version_id       INTEGER NOT NULL REFERENCES project_versions(version_id) ON DELETE CASCADE,
  name             TEXT NOT NULL COLLATE NOCASE,
  definition_json  TEXT NOT NULL,
  UNIQUE (version_id, name)
);
CREATE TABLE worker_agents (
  worker_agent_id   TEXT PRIMARY KEY,
  display_name      TEXT NOT NULL,
  machine_name      TEXT NOT NULL,
  user_account      TEXT NOT NULL,
  tags_json         TEXT NOT NULL DEFAULT '[]',
  is_enabled        INTEGER NOT NULL DEFAULT 1,
  max_tasks         INTEGER NOT NULL,
  machine_json      TEXT NOT NULL,
  last_online_time  TEXT NOT NULL
);
CREATE TABLE executions (
  execution_id             INTEGER PRIMARY KEY,
  folder_name              TEXT NOT NULL,
  project_name             TEXT NOT NULL,
  package_name             TEXT NOT NULL,
  version_id               INTEGER REFERENCES project_versions(version_id) ON DELETE SET NULL,
  status                   INTEGER NOT NULL,
  created_time             TEXT NOT NULL,
  start_time               TEXT,
  end_time                 TEXT,
  created_by               TEXT NOT NULL,
  retry_count              INTEGER NOT NULL DEFAULT 0,
  executed_count           INTEGER NOT NULL DEFAULT 0,
  priority                 INTEGER NOT NULL DEFAULT 0,
  logging_level            INTEGER NOT NULL DEFAULT 1,
  timeout_ms               INTEGER,
  targeting_json           TEXT NOT NULL,
  parameters_json          TEXT NOT NULL,
  worker_agent_id          TEXT,
  machine_name             TEXT,
  last_error               TEXT,
  ready_for_dispatch_time  TEXT
);
CREATE INDEX executions_queue ON executions (priority DESC, execution_id)
  WHERE ready_for_dispatch_time IS NOT NULL;
CREATE TABLE attempts (
  attempt_id        TEXT PRIMARY KEY,
  execution_id      INTEGER NOT NULL REFERENCES executions(execution_id) ON DELETE CASCADE,
  attempt_number    INTEGER NOT NULL,
  worker_agent_id   TEXT NOT NULL,
  status            INTEGER NOT NULL,
  lease_expires_ms  INTEGER NOT NULL,
  start_time        TEXT NOT NULL,
  end_time          TEXT,
  exit_code         INTEGER,
  error             TEXT,
  UNIQUE (execution_id, attempt_number)
);
CREATE INDEX attempts_live ON attempts (lease_expires_ms) WHERE status IN (2, 3);
CREATE TABLE event_messages (
  event_message_id     INTEGER PRIMARY KEY,
  execution_id         INTEGER NOT NULL REFERENCES executions(execution_id) ON DELETE CASCADE,
  attempt_id           TEXT,
  seq                  INTEGER,
  message_time         TEXT NOT NULL,
  message_type         INTEGER NOT NULL,
  message_source_type  INTEGER NOT NULL,
  message_source_name  TEXT NOT NULL,
  message              TEXT NOT NULL,
  UNIQUE (attempt_id, seq)
);
CREATE INDEX event_messages_execution ON event_messages (execution_id, event_message_id);
`;
