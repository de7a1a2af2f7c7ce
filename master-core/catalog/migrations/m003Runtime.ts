/** Migration 3: worker draining, execution stop requests and maximum queue wait. */
export const m003Runtime = `
ALTER TABLE worker_agents ADD COLUMN draining INTEGER NOT NULL DEFAULT 0;
ALTER TABLE worker_agents ADD COLUMN drain_deadline_ms INTEGER;
ALTER TABLE executions ADD COLUMN max_queue_wait_ms INTEGER;
ALTER TABLE executions ADD COLUMN stopped_by TEXT;
`;
