import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import type { ApiTokenRow, AuditRow, FolderPermissionRow, UserRow } from '../protocol/apiRows';

export type Role = UserRow['role'];

export interface UserRecord {
  user_id: number;
  user_name: string;
  role: Role;
  password_hash: string;
  description: string;
  disabled: number;
  created_time: string;
  last_login_time: string | null;
}

interface TokenRecord {
  token_id: string;
  user_name: string;
  kind: 'api' | 'session';
  name: string;
  created_time: string;
  expires_time: string | null;
  last_used_time: string | null;
  revoked_time: string | null;
}

export interface FolderAccess {
  read: boolean;
  execute: boolean;
  modify: boolean;
}

export interface AuditEntry {
  userName: string;
  method: string;
  target: string;
  outcome: AuditRow['outcome'];
  detail: string;
  clientAddress: string;
}

export interface AuditFilter {
  limit: number;
  offset: number;
  userName?: string | undefined;
  method?: string | undefined;
  outcome?: AuditRow['outcome'] | undefined;
  after?: string | undefined;
  before?: string | undefined;
}

/** What a presented token resolves to: the token's row and its user. */
export interface TokenOwner {
  token: ApiTokenRow;
  user: UserRecord;
}

/** The SHA-256 a token is kept and found by: the token itself is never stored. */
export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
/** `sot_<tokenId>_<secret>`: the prefix makes a leaked token easy to find in a scan; the id is what lists show. */
const TOKEN_PATTERN = /^sot_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;
export const looksLikeUserToken = (token: string) => TOKEN_PATTERN.test(token);

export function userRow(r: UserRecord): UserRow {
  return {
    userName: r.user_name,
    role: r.role,
    description: r.description,
    disabled: r.disabled !== 0,
    createdAt: r.created_time,
    lastLoginAt: r.last_login_time,
  };
}

function tokenRow(r: TokenRecord): ApiTokenRow {
  return {
    tokenId: r.token_id,
    userName: r.user_name,
    name: r.name,
    kind: r.kind,
    createdAt: r.created_time,
    expiresAt: r.expires_time,
    lastUsedAt: r.last_used_time,
    revokedAt: r.revoked_time,
  };
}

const TOKEN_COLUMNS = `t.token_id, u.user_name, t.kind, t.name, t.created_time, t.expires_time,
  t.last_used_time, t.revoked_time`;

/** Users, their tokens, folder permissions and the audit trail (migration 8). */
export function createSecurityRepo(db: Db) {
  const now = () => new Date().toISOString();

  async function userRecord(userName: string): Promise<UserRecord | undefined> {
    return db.get<UserRecord>('SELECT * FROM users WHERE user_name = ?', [userName]);
  }
  async function mustUser(userName: string, field = 'userName'): Promise<UserRecord> {
    const user = await userRecord(userName);
    if (!user) throw new ScaleOutError('NOT_FOUND', `user ${userName} does not exist`, { field });
    return user;
  }

  const users = {
    get: userRecord,
    mustGet: mustUser,
    async list(): Promise<UserRow[]> {
      const rows = await db.all<UserRecord>('SELECT * FROM users ORDER BY user_name COLLATE NOCASE');
      return rows.map(userRow);
    },
    async create(input: {
      userName: string;
      role: Role;
      passwordHash: string;
      description: string;
    }): Promise<UserRow> {
      if (await userRecord(input.userName))
        throw new ScaleOutError('CONFLICT', `user ${input.userName} already exists`, { field: 'userName' });
      await db.run(
        'INSERT INTO users (user_name, role, password_hash, description, created_time) VALUES (?, ?, ?, ?, ?)',
        [input.userName, input.role, input.passwordHash, input.description, now()],
      );
      return userRow((await userRecord(input.userName))!);
    },
    async update(
      userName: string,
      change: { role?: Role; passwordHash?: string; disabled?: boolean; description?: string },
    ): Promise<UserRow> {
      const user = await mustUser(userName);
      await db.run(
        'UPDATE users SET role = ?, password_hash = ?, disabled = ?, description = ? WHERE user_id = ?',
        [
          change.role ?? user.role,
          change.passwordHash ?? user.password_hash,
          change.disabled === undefined ? user.disabled : change.disabled ? 1 : 0,
          change.description ?? user.description,
          user.user_id,
        ],
      );
      return userRow((await userRecord(userName))!);
    },
    /** Deletes the user with their tokens and permissions; returns the ids of the tokens that ended. */
    async remove(userName: string): Promise<string[]> {
      const user = await mustUser(userName);
      return db.transaction(async (tx) => {
        const ids = await tx.all<{ token_id: string }>('SELECT token_id FROM user_tokens WHERE user_id = ?', [
          user.user_id,
        ]);
        await tx.run('DELETE FROM users WHERE user_id = ?', [user.user_id]);
        return ids.map((r) => r.token_id);
      });
    },
    async recordLogin(userId: number, passwordHash?: string): Promise<void> {
      await db.run(
        'UPDATE users SET last_login_time = ?, password_hash = COALESCE(?, password_hash) WHERE user_id = ?',
        [now(), passwordHash ?? null, userId],
      );
    },
  };

  async function tokenById(tokenId: string): Promise<ApiTokenRow | undefined> {
    const r = await db.get<TokenRecord>(
      `SELECT ${TOKEN_COLUMNS} FROM user_tokens t JOIN users u ON u.user_id = t.user_id WHERE t.token_id = ?`,
      [tokenId],
    );
    return r && tokenRow(r);
  }

  const tokens = {
    get: tokenById,
    /** A new token; the token itself is returned once and only its SHA-256 is kept. */
    async create(input: {
      userId: number;
      kind: 'api' | 'session';
      name: string;
      expiresAt: string | null;
    }): Promise<{ token: string; row: ApiTokenRow }> {
      const tokenId = randomBytes(6).toString('hex');
      const token = `sot_${tokenId}_${randomBytes(32).toString('base64url')}`;
      await db.run(
        `INSERT INTO user_tokens (token_id, token_hash, user_id, kind, name, created_time, expires_time)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [tokenId, tokenHash(token), input.userId, input.kind, input.name, now(), input.expiresAt],
      );
      return { token, row: (await tokenById(tokenId))! };
    },
    /** The token's row and user, whatever its state: the caller decides (revoked, expired, disabled). */
    async find(token: string): Promise<TokenOwner | undefined> {
      if (!looksLikeUserToken(token)) return undefined;
      const r = await db.get<TokenRecord & { user_id: number }>(
        `SELECT ${TOKEN_COLUMNS}, t.user_id FROM user_tokens t JOIN users u ON u.user_id = t.user_id
         WHERE t.token_hash = ?`,
        [tokenHash(token)],
      );
      if (!r) return undefined;
      const user = (await db.get<UserRecord>('SELECT * FROM users WHERE user_id = ?', [r.user_id]))!;
      return { token: tokenRow(r), user };
    },
    async touch(tokenId: string): Promise<void> {
      await db.run('UPDATE user_tokens SET last_used_time = ? WHERE token_id = ?', [now(), tokenId]);
    },
    async list(userName?: string): Promise<ApiTokenRow[]> {
      const rows = await db.all<TokenRecord>(
        `SELECT ${TOKEN_COLUMNS} FROM user_tokens t JOIN users u ON u.user_id = t.user_id
         ${userName === undefined ? '' : 'WHERE u.user_name = ?'}
         ORDER BY t.created_time DESC, t.token_id`,
        userName === undefined ? [] : [userName],
      );
      return rows.map(tokenRow);
    },
    async revoke(tokenId: string): Promise<ApiTokenRow> {
      const row = await tokenById(tokenId);
      if (!row) throw new ScaleOutError('NOT_FOUND', `token ${tokenId} does not exist`, { field: 'tokenId' });
      if (row.revokedAt) return row;
      await db.run('UPDATE user_tokens SET revoked_time = ? WHERE token_id = ?', [now(), tokenId]);
      return (await tokenById(tokenId))!;
    },
    /** Revokes every live token of the user; returns their ids. */
    async revokeAllOf(userId: number): Promise<string[]> {
      const ids = await db.all<{ token_id: string }>(
        'SELECT token_id FROM user_tokens WHERE user_id = ? AND revoked_time IS NULL',
        [userId],
      );
      await db.run('UPDATE user_tokens SET revoked_time = ? WHERE user_id = ? AND revoked_time IS NULL', [
        now(),
        userId,
      ]);
      return ids.map((r) => r.token_id);
    },
  };

  const permissions = {
    async list(filter: { folderName?: string | undefined; userName?: string | undefined }) {
      const where: string[] = [];
      const params: string[] = [];
      if (filter.folderName !== undefined) {
        where.push('f.name = ?');
        params.push(filter.folderName);
      }
      if (filter.userName !== undefined) {
        where.push('u.user_name = ?');
        params.push(filter.userName);
      }
      const rows = await db.all<{
        folder_name: string;
        user_name: string;
        can_read: number;
        can_execute: number;
        can_modify: number;
      }>(
        `SELECT f.name AS folder_name, u.user_name, p.can_read, p.can_execute, p.can_modify
         FROM folder_permissions p JOIN folders f ON f.folder_id = p.folder_id
         JOIN users u ON u.user_id = p.user_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY f.name COLLATE NOCASE, u.user_name COLLATE NOCASE`,
        params,
      );
      return rows.map((r): FolderPermissionRow => ({
        folderName: r.folder_name,
        userName: r.user_name,
        read: r.can_read !== 0,
        execute: r.can_execute !== 0,
        modify: r.can_modify !== 0,
      }));
    },
    /** Sets a user's permissions on a folder; all false removes the entry. */
    async set(input: FolderPermissionRow): Promise<void> {
      const folder = await db.get<{ folder_id: number }>('SELECT folder_id FROM folders WHERE name = ?', [
        input.folderName,
      ]);
      if (!folder)
        throw new ScaleOutError('NOT_FOUND', `folder ${input.folderName} does not exist`, {
          field: 'folderName',
        });
      const user = await mustUser(input.userName);
      if (!input.read && !input.execute && !input.modify) {
        await db.run('DELETE FROM folder_permissions WHERE folder_id = ? AND user_id = ?', [
          folder.folder_id,
          user.user_id,
        ]);
        return;
      }
      await db.run(
        `INSERT INTO folder_permissions (folder_id, user_id, can_read, can_execute, can_modify)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (folder_id, user_id) DO UPDATE SET
           can_read = excluded.can_read, can_execute = excluded.can_execute, can_modify = excluded.can_modify`,
        [folder.folder_id, user.user_id, input.read ? 1 : 0, input.execute ? 1 : 0, input.modify ? 1 : 0],
      );
    },
  };

  const audit = {
    async add(entry: AuditEntry): Promise<void> {
      await db.run(
        `INSERT INTO audit_log (time, user_name, method, target, outcome, detail, client_address)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          now(),
          entry.userName,
          entry.method,
          entry.target.slice(0, 1000),
          entry.outcome,
          entry.detail.slice(0, 2000),
          entry.clientAddress,
        ],
      );
    },
    async list(filter: AuditFilter): Promise<{ entries: AuditRow[]; total: number }> {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.userName) {
        where.push('user_name = ? COLLATE NOCASE');
        params.push(filter.userName);
      }
      if (filter.method) {
        where.push('method = ?');
        params.push(filter.method);
      }
      if (filter.outcome) {
        where.push('outcome = ?');
        params.push(filter.outcome);
      }
      if (filter.after) {
        where.push('time >= ?');
        params.push(new Date(filter.after).toISOString());
      }
      if (filter.before) {
        where.push('time < ?');
        params.push(new Date(filter.before).toISOString());
      }
      const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_log ${whereSql}`, params);
      const rows = await db.all<{
        audit_id: number;
        time: string;
        user_name: string;
        method: string;
        target: string;
        outcome: AuditRow['outcome'];
        detail: string;
        client_address: string;
      }>(`SELECT * FROM audit_log ${whereSql} ORDER BY audit_id DESC LIMIT ? OFFSET ?`, [
        ...params,
        filter.limit,
        filter.offset,
      ]);
      return {
        total: total?.n ?? 0,
        entries: rows.map((r) => ({
          auditId: r.audit_id,
          time: r.time,
          userName: r.user_name,
          method: r.method,
          target: r.target,
          outcome: r.outcome,
          detail: r.detail,
          clientAddress: r.client_address,
        })),
      };
    },
  };

  return { users, tokens, permissions, audit };
}

export type SecurityRepo = ReturnType<typeof createSecurityRepo>;

/** Where objects named by id live, for folder permissions (security/permissions.ts FolderLookup). */
export function createFolderLookup(db: Db) {
  return {
    async executionFolder(executionId: number): Promise<string | null> {
      const row = await db.get<{ folder_name: string }>(
        'SELECT folder_name FROM executions WHERE execution_id = ?',
        [executionId],
      );
      return row?.folder_name ?? null;
    },
    async referenceFolder(referenceId: number): Promise<string | null> {
      const row = await db.get<{ name: string }>(
        `SELECT f.name FROM environment_references r JOIN projects p ON p.project_id = r.project_id
         JOIN folders f ON f.folder_id = p.folder_id WHERE r.reference_id = ?`,
        [referenceId],
      );
      return row?.name ?? null;
    },
  };
}
