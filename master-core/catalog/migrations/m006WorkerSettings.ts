/**
 * Migration 6: worker settings an operator sets from the console (Scale Out Manager's Edit
 * Worker). display_name, tags_json and max_tasks stay the values in effect; the operator_* columns
 * hold what the operator set (null: not set, the worker's own value applies). An operator value wins
 * over the worker's hello and its configuration file from then on. The CPU and memory thresholds
 * are kept as well (they lived only in the connection before). Health samples keep free disk.
 *
 * Enrolment presets are operator values: workers enrolled with a preset name or tags get them as
 * operator values here (and at their first hello after enrolment, see workersRepo.upsertFromHello).
 */
export const m006WorkerSettings = `
ALTER TABLE worker_agents ADD COLUMN max_cpu_percent REAL NOT NULL DEFAULT 100;
ALTER TABLE worker_agents ADD COLUMN min_free_memory_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE worker_agents ADD COLUMN operator_name TEXT;
ALTER TABLE worker_agents ADD COLUMN operator_tags_json TEXT;
ALTER TABLE worker_agents ADD COLUMN operator_max_tasks INTEGER;
ALTER TABLE worker_agents ADD COLUMN operator_max_cpu_percent REAL;
ALTER TABLE worker_agents ADD COLUMN operator_min_free_memory_bytes INTEGER;
ALTER TABLE worker_agents ADD COLUMN settings_updated_time TEXT;
ALTER TABLE worker_agents ADD COLUMN settings_updated_by TEXT;
UPDATE worker_agents SET
  operator_name = (SELECT t.preset_name FROM worker_credentials c
    JOIN enrolment_tokens t ON t.token_id = c.enrolment_token_id
    WHERE c.worker_agent_id = worker_agents.worker_agent_id),
  operator_tags_json = (SELECT t.preset_tags_json FROM worker_credentials c
    JOIN enrolment_tokens t ON t.token_id = c.enrolment_token_id
    WHERE c.worker_agent_id = worker_agents.worker_agent_id);
UPDATE worker_agents SET display_name = operator_name WHERE operator_name IS NOT NULL;
UPDATE worker_agents SET tags_json = operator_tags_json WHERE operator_tags_json IS NOT NULL;
ALTER TABLE worker_health ADD COLUMN free_disk_bytes INTEGER;
`;
