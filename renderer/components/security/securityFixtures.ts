import type {
  ApiOutput,
  ApiTokenRow,
  AuditRow,
  FolderPermissionRow,
  UserRow,
} from '../../../master-core/protocol/api';

/** Rows as the master sends them, for the security tests; override what a test is about. */

export function userRow(over: Partial<UserRow> = {}): UserRow {
  return {
    userName: 'ann',
    role: 'viewer',
    description: '',
    disabled: false,
    createdAt: '2026-11-29T00:00:00.000Z',
    lastLoginAt: null,
    ...over,
  };
}

export function whoami(
  role: UserRow['role'],
  permissions: FolderPermissionRow[] = [],
  credential: 'console' | 'session' | 'api' = 'session',
): ApiOutput<'auth.whoami'> {
  return { user: userRow({ userName: 'ann', role }), credential, permissions };
}

export function permissionRow(over: Partial<FolderPermissionRow> = {}): FolderPermissionRow {
  return { folderName: 'Sales', userName: 'ann', read: true, execute: false, modify: false, ...over };
}

export function tokenRow(over: Partial<ApiTokenRow> = {}): ApiTokenRow {
  return {
    tokenId: 't1',
    userName: 'ann',
    name: 'nightly',
    kind: 'api',
    createdAt: '2026-11-29T00:00:00.000Z',
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  };
}

export function auditRow(over: Partial<AuditRow> = {}): AuditRow {
  return {
    auditId: 1,
    time: '2026-11-29T01:00:00.000Z',
    userName: 'ann',
    method: 'project.deploy',
    target: 'Sales/Load',
    outcome: 'ok',
    detail: '',
    clientAddress: '127.0.0.1',
    ...over,
  };
}
