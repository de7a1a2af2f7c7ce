/**
 * Migration 5: worker enrolment and credentials. Enrolment tokens are kept as the SHA-256 of their
 * secret only; each enrolled worker has the public key its client certificate certifies; a revoked
 * worker is refused from then on.
 */
export const m005Enrolment = `
CREATE TABLE enrolment_tokens (
  token_id           TEXT PRIMARY KEY,
  token_hash         TEXT NOT NULL UNIQUE,
  preset_name        TEXT,
  preset_tags_json   TEXT,
  created_by         TEXT NOT NULL,
  created_time       TEXT NOT NULL,
  expires_time       TEXT NOT NULL,
  used_time          TEXT,
  used_by_worker_id  TEXT,
  revoked_time       TEXT
);
CREATE TABLE worker_credentials (
  worker_agent_id     TEXT PRIMARY KEY REFERENCES worker_agents(worker_agent_id) ON DELETE CASCADE,
  public_key_der      TEXT NOT NULL,
  certificate_pem     TEXT NOT NULL,
  issued_time         TEXT NOT NULL,
  enrolment_token_id  TEXT REFERENCES enrolment_tokens(token_id) ON DELETE SET NULL
);
ALTER TABLE worker_agents ADD COLUMN revoked_time TEXT;
ALTER TABLE worker_agents ADD COLUMN revoked_by TEXT;
`;
