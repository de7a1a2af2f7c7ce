import { describe, expect, it } from 'vitest';
import {
  auditListInput,
  EMPTY_AUDIT_FILTERS,
  initialNewUserForm,
  newTokenInput,
  newUserInput,
  nextPermission,
  tokenState,
  tokenUsageHint,
} from './securityForms';

describe('newUserInput', () => {
  it('names each field at fault before anything is sent', () => {
    const result = newUserInput({
      ...initialNewUserForm,
      userName: '-x',
      password: 'short',
      confirm: 'short',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        userName: 'User name must start with a letter or digit and hold only letters, digits and . _ @ -',
        password: 'Password must be at least 12 characters',
      },
    });
    expect(
      newUserInput({ ...initialNewUserForm, userName: 'ann', password: 'a'.repeat(12), confirm: 'b' }),
    ).toEqual({
      ok: false,
      errors: { confirm: 'The passwords do not match' },
    });
    expect(newUserInput(initialNewUserForm)).toMatchObject({
      ok: false,
      errors: { userName: 'User name is required' },
    });
  });

  it('builds user.create’s input, the name trimmed', () => {
    const pw = 'correct horse battery';
    expect(
      newUserInput({ userName: ' ann ', password: pw, confirm: pw, role: 'executor', description: 'ETL' }),
    ).toEqual({
      ok: true,
      input: { userName: 'ann', password: pw, role: 'executor', description: 'ETL' },
    });
  });
});

describe('tokens', () => {
  it('needs a name; names the owner only when asked', () => {
    expect(newTokenInput({ name: ' ', expiresInDays: 90 }, undefined)).toEqual({
      ok: false,
      errors: { name: 'Name is required (what the token is for)' },
    });
    expect(newTokenInput({ name: 'ci', expiresInDays: null }, undefined)).toEqual({
      ok: true,
      input: { name: 'ci', expiresInDays: null },
    });
    expect(newTokenInput({ name: 'ci', expiresInDays: 7 }, 'bob')).toEqual({
      ok: true,
      input: { name: 'ci', expiresInDays: 7, userName: 'bob' },
    });
  });

  it('tells revoked, expired and active apart', () => {
    const now = Date.parse('2026-11-29T12:00:00.000Z');
    expect(tokenState({ revokedAt: '2026-11-29T01:00:00.000Z', expiresAt: null }, now)).toBe('revoked');
    expect(tokenState({ revokedAt: null, expiresAt: '2026-11-29T11:59:59.000Z' }, now)).toBe('expired');
    expect(tokenState({ revokedAt: null, expiresAt: null }, now)).toBe('active');
  });

  it('writes the CLI hint with the token quoted for the shell', () => {
    expect(tokenUsageHint('http://m:8390', "a'b")).toBe(
      `SCALEOUT_URL=http://m:8390 SCALEOUT_TOKEN='a'\\''b' scaleout executions`,
    );
  });
});

describe('nextPermission', () => {
  it('ticks Read with Execute or Modify, and clears everything with Read', () => {
    const none = { read: false, execute: false, modify: false };
    expect(nextPermission(none, 'execute', true)).toEqual({ read: true, execute: true, modify: false });
    expect(nextPermission({ read: true, execute: true, modify: true }, 'read', false)).toEqual(none);
    expect(nextPermission({ read: true, execute: true, modify: false }, 'execute', false)).toEqual({
      read: true,
      execute: false,
      modify: false,
    });
  });
});

describe('auditListInput', () => {
  it('pages and filters, leaving out empty filters', () => {
    expect(auditListInput(EMPTY_AUDIT_FILTERS, 2, 50)).toEqual({
      ok: true,
      input: { limit: 50, offset: 100 },
    });
    const result = auditListInput(
      {
        userName: ' ann ',
        method: 'project.deploy',
        outcome: 'refused',
        after: '2026-11-01T00:00',
        before: '',
      },
      0,
      25,
    );
    expect(result).toEqual({
      ok: true,
      input: {
        limit: 25,
        offset: 0,
        userName: 'ann',
        method: 'project.deploy',
        outcome: 'refused',
        after: new Date('2026-11-01T00:00').toISOString(),
      },
    });
  });

  it('refuses a range that ends before it starts, naming the field', () => {
    expect(
      auditListInput(
        { ...EMPTY_AUDIT_FILTERS, after: '2026-11-02T00:00', before: '2026-11-01T00:00' },
        0,
        25,
      ),
    ).toEqual({ ok: false, errors: { before: 'To must be after From' } });
  });
});
