import { describe, expect, it } from 'vitest';
import { accessFor, FULL_ACCESS, PENDING_ACCESS, whyNotOnAll } from './access';
import type { WhoAmI } from './access';

const whoami = (role: WhoAmI['user']['role'], permissions: WhoAmI['permissions'] = []): WhoAmI => ({
  user: {
    userName: 'ann',
    role,
    description: '',
    disabled: false,
    createdAt: '2026-11-29T00:00:00.000Z',
    lastLoginAt: null,
  },
  credential: 'session',
  permissions,
});
const perm = (
  folderName: string,
  bits: { read?: boolean; execute?: boolean; modify?: boolean },
  userName = 'ann',
) => ({
  folderName,
  userName,
  read: bits.read ?? true,
  execute: bits.execute ?? false,
  modify: bits.modify ?? false,
});

describe('accessFor', () => {
  it('lets an admin do everything', () => {
    const a = accessFor(whoami('admin'));
    expect(a.can('admin')).toBe(true);
    expect(a.can('modify', 'Sales')).toBe(true);
    expect(a.whyNot('execute', 'Sales')).toBe('');
  });

  it('lets an executor run anywhere but change only folders with Modify, and never admin', () => {
    const a = accessFor(whoami('executor', [perm('Sales', { modify: true })]));
    expect(a.can('execute', 'Finance')).toBe(true);
    expect(a.can('modify', 'Finance')).toBe(false);
    expect(a.whyNot('modify', 'Finance')).toBe(
      'ann (executor) has no Modify permission on the folder Finance',
    );
    expect(a.can('modify', 'sales')).toBe(true); // folder names ignore case, as in the catalog
    expect(a.can('modify')).toBe(true); // on at least one folder
    expect(a.can('admin')).toBe(false);
    expect(a.whyNot('admin')).toBe('Only an admin can do this; you are signed in as ann (executor)');
  });

  it('lets a viewer only read, unless a folder permission grants more (theirs, not another user’s)', () => {
    const plain = accessFor(whoami('viewer'));
    expect(plain.can('execute')).toBe(false);
    expect(plain.whyNot('execute')).toBe('ann (viewer) has no Execute permission on any folder');
    const granted = accessFor(
      whoami('viewer', [
        perm('Sales', { execute: true }),
        perm('Finance', { execute: true, modify: true }, 'bob'),
      ]),
    );
    expect(granted.can('execute', 'Sales')).toBe(true);
    expect(granted.can('modify', 'Sales')).toBe(false);
    expect(granted.can('execute', 'Finance')).toBe(false);
  });

  it('offers everything without whoami, and nothing while it is on its way', () => {
    expect(FULL_ACCESS.can('admin')).toBe(true);
    expect(PENDING_ACCESS.can('execute', 'Sales')).toBe(false);
    expect(PENDING_ACCESS.whyNot('execute')).toBe('Checking your permissions...');
  });

  it('names the first folder of a selection the caller may not run', () => {
    const a = accessFor(whoami('viewer', [perm('Sales', { execute: true })]));
    expect(whyNotOnAll(a, 'execute', ['Sales', 'Sales'])).toBe('');
    expect(whyNotOnAll(a, 'execute', ['Sales', 'Finance'])).toBe(
      'ann (viewer) has no Execute permission on the folder Finance',
    );
  });
});
