import type { ApiInput, UserRow } from '../../master-core/protocol/api';
import { shellQuote } from './executeScript';

/**
 * The Security tab's forms as plain data: checks that name the field at fault before anything is
 * sent (the same rules as the master's: it checks again), and the audit grid's query.
 */

export type Role = UserRow['role'];
export const ROLES: readonly { value: Role; label: string; description: string }[] = [
  {
    value: 'admin',
    label: 'admin',
    description: 'everything, including users, workers and catalog properties',
  },
  {
    value: 'executor',
    label: 'executor',
    description:
      'runs packages anywhere; reads executions, workers and the catalog; changes folders with Modify',
  },
  { value: 'viewer', label: 'viewer', description: 'reads only, unless folder permissions grant more' },
];

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
export const MIN_PASSWORD_LENGTH = 12;

export function userNameError(name: string): string | null {
  const n = name.trim();
  if (n === '') return 'User name is required';
  if (n.length > 128) return 'User name must be at most 128 characters';
  if (!USER_NAME.test(n))
    return 'User name must start with a letter or digit and hold only letters, digits and . _ @ -';
  return null;
}

export function passwordErrors(password: string, confirm: string): { password?: string; confirm?: string } {
  if (password.length < MIN_PASSWORD_LENGTH)
    return { password: `Password must be at least ${MIN_PASSWORD_LENGTH} characters` };
  if (password.length > 1024) return { password: 'Password must be at most 1024 characters' };
  if (password !== confirm) return { confirm: 'The passwords do not match' };
  return {};
}

export interface NewUserForm {
  userName: string;
  password: string;
  confirm: string;
  role: Role;
  description: string;
}
export type NewUserErrors = Partial<Record<keyof NewUserForm, string>>;

export const initialNewUserForm: NewUserForm = {
  userName: '',
  password: '',
  confirm: '',
  role: 'viewer',
  description: '',
};

export function newUserInput(
  form: NewUserForm,
): { ok: true; input: ApiInput<'user.create'> } | { ok: false; errors: NewUserErrors } {
  const errors: NewUserErrors = { ...passwordErrors(form.password, form.confirm) };
  const nameError = userNameError(form.userName);
  if (nameError) errors.userName = nameError;
  if (form.description.length > 4000) errors.description = 'Description must be at most 4000 characters';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      userName: form.userName.trim(),
      password: form.password,
      role: form.role,
      description: form.description,
    },
  };
}

/** API token lifetimes offered (days; null: never expires). */
export const TOKEN_EXPIRY_CHOICES: readonly { days: number | null; label: string }[] = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
  { days: null, label: 'Never' },
];

export interface NewTokenForm {
  name: string;
  expiresInDays: number | null;
}

export function newTokenInput(
  form: NewTokenForm,
  userName: string | undefined,
): { ok: true; input: ApiInput<'token.create'> } | { ok: false; errors: { name?: string } } {
  const name = form.name.trim();
  if (name === '') return { ok: false, errors: { name: 'Name is required (what the token is for)' } };
  if (name.length > 128) return { ok: false, errors: { name: 'Name must be at most 128 characters' } };
  return {
    ok: true,
    input: { name, expiresInDays: form.expiresInDays, ...(userName ? { userName } : {}) },
  };
}

/** How to use a new API token with the CLI, as one line to copy. */
export function tokenUsageHint(baseUrl: string, token: string): string {
  return `SCALEOUT_URL=${shellQuote(baseUrl)} SCALEOUT_TOKEN=${shellQuote(token)} scaleout executions`;
}

// ---- Audit ----

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditFilters {
  userName: string;
  method: string;
  outcome: AuditOutcome | '';
  /** datetime-local text ('' for no bound), in the browser's time zone. */
  after: string;
  before: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = {
  userName: '',
  method: '',
  outcome: '',
  after: '',
  before: '',
};

/** audit.list's input for a page, or the fields at fault (a bad date, a range the wrong way round). */
export function auditListInput(
  filters: AuditFilters,
  page: number,
  pageSize: number,
):
  | { ok: true; input: ApiInput<'audit.list'> }
  | { ok: false; errors: Partial<Record<keyof AuditFilters, string>> } {
  const errors: Partial<Record<keyof AuditFilters, string>> = {};
  const instant = (field: 'after' | 'before'): string | undefined => {
    const text = filters[field].trim();
    if (text === '') return undefined;
    const time = new Date(text);
    if (Number.isNaN(time.getTime())) {
      errors[field] = `${field === 'after' ? 'From' : 'To'} is not a date and time`;
      return undefined;
    }
    return time.toISOString();
  };
  const after = instant('after');
  const before = instant('before');
  if (after && before && after > before) errors.before = 'To must be after From';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const userName = filters.userName.trim();
  const method = filters.method.trim();
  return {
    ok: true,
    input: {
      limit: pageSize,
      offset: page * pageSize,
      ...(userName ? { userName } : {}),
      ...(method ? { method } : {}),
      ...(filters.outcome ? { outcome: filters.outcome } : {}),
      ...(after ? { after } : {}),
      ...(before ? { before } : {}),
    },
  };
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return Object.values(filters).some((v) => v.trim() !== '');
}

// ---- Tokens ----

/** A listed token's state: revoked, expired (by `now`), else active. */
export function tokenState(
  token: { revokedAt: string | null; expiresAt: string | null },
  now: number,
): 'active' | 'expired' | 'revoked' {
  if (token.revokedAt) return 'revoked';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

// ---- Folder permissions ----

export interface PermissionBits {
  read: boolean;
  execute: boolean;
  modify: boolean;
}

/**
 * The bits after ticking or clearing one: Execute and Modify need Read (one cannot run or change
 * what one cannot see), so ticking them ticks Read and clearing Read clears them.
 */
export function nextPermission(
  current: PermissionBits,
  which: keyof PermissionBits,
  checked: boolean,
): PermissionBits {
  if (which === 'read')
    return checked ? { ...current, read: true } : { read: false, execute: false, modify: false };
  return { ...current, [which]: checked, ...(checked ? { read: true } : {}) };
}
