/**
 * Migration 8: console users, their tokens, folder permissions and the audit trail.
 * Passwords are kept as scrypt hashes with their parameters (security/passwords.ts); tokens as the
 * SHA-256 of the token only, found by that hash. Deleting a user deletes their tokens and folder
 * permissions; deleting a folder deletes its permissions. The audit keeps names as text, so it
 * outlives the users and folders it names.
 */
export const m008Security = `
CREATE TABLE users (
  user_id        INTEGER PRIMARY KEY,
  user_name      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  role           TEXT NOT NULL CHECK (role IN ('admin', 'executor', 'viewer')),
  password_hash  TEXT NOT NULL,
  description    TEXT NOT NULL DEFAULT '',
  disabled       INTEGER NOT NULL DEFAULT 0,
  created_time   TEXT NOT NULL,
  last_login_time TEXT
);
CREATE TABLE user_tokens (
  token_id       TEXT PRIMARY KEY,
  token_hash     TEXT NOT NULL UNIQUE,
  user_id        INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  kind           TEXT NOT NULL CHECK (kind IN ('api', 'session')),
  name           TEXT NOT NULL,
  created_time   TEXT NOT NULL,
  expires_time   TEXT,
  last_used_time TEXT,
  revoked_time   TEXT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id);
CREATE TABLE folder_permissions (
  folder_id  INTEGER NOT NULL REFERENCES folders(folder_id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  can_read    INTEGER NOT NULL DEFAULT 0,
  can_execute INTEGER NOT NULL DEFAULT 0,
  can_modify  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (folder_id, user_id)
);
CREATE TABLE audit_log (
  audit_id        INTEGER PRIMARY KEY,
  time            TEXT NOT NULL,
  user_name       TEXT NOT NULL,
  method          TEXT NOT NULL,
  target          TEXT NOT NULL DEFAULT '',
  outcome         TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
  detail          TEXT NOT NULL DEFAULT '',
  client_address  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_time ON audit_log (time);
CREATE INDEX audit_log_user ON audit_log (user_name COLLATE NOCASE, audit_id);
`;
