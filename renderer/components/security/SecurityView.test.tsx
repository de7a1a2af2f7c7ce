// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { AccessProvider } from '../../connection/AccessProvider';
import { folders } from '../../state/catalogFixture';
import { renderWithApi } from '../../test/renderWithApi';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { auditRow, permissionRow, tokenRow, userRow, whoami } from './securityFixtures';
import { SecurityView } from './SecurityView';

const PASSWORD = 'correct horse battery';

function show(role: 'admin' | 'executor' | 'viewer', handlers: FakeHandlers) {
  return renderWithApi(
    <AccessProvider>
      <SecurityView folders={folders} />
    </AccessProvider>,
    { 'auth.whoami': () => whoami(role), ...handlers },
  );
}

/** Types a whole value at once (keystroke by keystroke is slow and not what these tests are about). */
function fill(testId: string, text: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value: text } });
}

async function choose(selectTestId: string, optionTestId: string) {
  await userEvent.click(screen.getByTestId(selectTestId));
  await userEvent.click(await screen.findByTestId(optionTestId));
}

describe('Security > Users', () => {
  it('lists users and creates one with a role, the password typed twice', async () => {
    const users = [userRow({ userName: 'ann', role: 'admin' }), userRow({ userName: 'bob', role: 'viewer' })];
    const { api } = show('admin', {
      'user.list': () => ({ users }),
      'user.create': (input) => ({ user: userRow({ userName: input.userName, role: input.role }) }),
      'user.update': (input) => ({ user: userRow({ userName: input.userName }) }),
      'user.delete': () => ({}),
    });
    // The first render of the suite is slow in jsdom: allow it more than the default second.
    expect(await screen.findByTestId('user-row-bob', {}, { timeout: 10_000 })).toBeTruthy();
    expect(screen.getByTestId('user-row-ann').textContent).toContain('ann (you)');

    await userEvent.click(screen.getByTestId('users-create'));
    fill('user-create-userName', 'carl');
    fill('user-create-password', PASSWORD);
    fill('user-create-confirm', 'different password');
    await userEvent.click(screen.getByTestId('user-create-ok'));
    expect(await screen.findByText('The passwords do not match')).toBeTruthy();
    expect(api.callsOf('user.create')).toEqual([]);
    fill('user-create-confirm', PASSWORD);
    await choose('user-create-role', 'role-option-executor');
    await userEvent.click(screen.getByTestId('user-create-ok'));
    await waitFor(() =>
      expect(api.callsOf('user.create')).toEqual([
        { userName: 'carl', password: PASSWORD, role: 'executor', description: '' },
      ]),
    );
    expect((await screen.findByTestId('users-notice')).textContent).toBe('User carl created (executor)');
  });

  it('changes a role, disables, resets a password and deletes after confirming', async () => {
    const users = [userRow({ userName: 'ann', role: 'admin' }), userRow({ userName: 'bob', role: 'viewer' })];
    const { api } = show('admin', {
      'user.list': () => ({ users }),
      'user.update': (input) => ({ user: userRow({ userName: input.userName }) }),
      'user.delete': () => ({}),
    });
    await screen.findByTestId('user-row-bob');
    await choose('user-role-bob', 'role-option-executor');
    await userEvent.click(screen.getByTestId('user-disable-bob'));
    await userEvent.click(screen.getByTestId('user-password-bob'));
    fill('user-password-new', PASSWORD);
    fill('user-password-confirm', PASSWORD);
    await userEvent.click(screen.getByTestId('user-password-ok'));
    await waitFor(() =>
      expect(api.callsOf('user.update')).toEqual([
        { userName: 'bob', role: 'executor' },
        { userName: 'bob', disabled: true },
        { userName: 'bob', password: PASSWORD },
      ]),
    );

    await userEvent.click(screen.getByTestId('user-delete-bob'));
    expect(screen.getByTestId('confirm-question').textContent).toContain('Delete the user "bob"?');
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(api.callsOf('user.delete')).toEqual([{ userName: 'bob' }]));
  });

  it('shows a list error and an action’s refusal instead of swallowing them', async () => {
    const { api } = show('admin', {
      'user.list': () => {
        throw new ScaleOutError('INTERNAL', 'catalog is locked');
      },
    });
    expect((await screen.findByTestId('users-error')).textContent).toBe('catalog is locked');
    api.handle({
      'user.list': () => ({ users: [userRow({ userName: 'ann', role: 'admin' })] }),
      'user.update': () => {
        throw new ScaleOutError('CONFLICT', 'the last admin cannot be disabled');
      },
    });
    await userEvent.click(screen.getByTestId('users-refresh'));
    await userEvent.click(await screen.findByTestId('user-disable-ann'));
    expect((await screen.findByTestId('users-action-error')).textContent).toBe(
      'ann: the last admin cannot be disabled',
    );
  });

  it('says when there are no users yet', async () => {
    show('admin', { 'user.list': () => ({ users: [] }) });
    expect(await screen.findByTestId('users-empty')).toBeTruthy();
  });
});

describe('Security > API tokens', () => {
  it('shows a non-admin only their own tokens (token.list without userName), and no admin pages', async () => {
    const { api } = show('viewer', {
      'token.list': () => ({
        tokens: [tokenRow(), tokenRow({ tokenId: 't2', name: 'old', revokedAt: '2026-11-29T02:00:00.000Z' })],
      }),
    });
    expect(await screen.findByTestId('api-token-row-t1')).toBeTruthy();
    expect(api.callsOf('token.list')).toEqual([{}]);
    expect(screen.queryByTestId('security-tab-users')).toBeNull();
    expect(screen.queryByTestId('security-tab-audit')).toBeNull();
    expect(screen.queryByTestId('tokens-owner')).toBeNull();
    expect(screen.getByTestId('api-token-state-t2').textContent).toBe('Revoked');
    expect(screen.queryByTestId('api-token-revoke-t2')).toBeNull();
    expect(api.callsOf('user.list')).toEqual([]);
  });

  it('creates a token shown once with the CLI hint, and revokes one after confirming', async () => {
    const created = tokenRow({ tokenId: 't9', name: 'ci', expiresAt: '2027-02-27T00:00:00.000Z' });
    const { api } = show('executor', {
      'token.list': () => ({ tokens: [tokenRow()] }),
      'token.create': () => ({ token: 'sot_secret', tokenRow: created }),
      'token.revoke': () => ({}),
    });
    await userEvent.click(await screen.findByTestId('tokens-create'));
    await userEvent.click(screen.getByTestId('token-create-ok'));
    expect(await screen.findByText('Name is required (what the token is for)')).toBeTruthy();
    fill('token-create-name', 'ci');
    await choose('token-create-expiry', 'token-expiry-never');
    await userEvent.click(screen.getByTestId('token-create-ok'));
    await waitFor(() => expect(api.callsOf('token.create')).toEqual([{ name: 'ci', expiresInDays: null }]));
    expect((await screen.findByTestId('token-created-value')).textContent).toBe('sot_secret');
    expect(screen.getByTestId('token-created-hint').textContent).toBe(
      'SCALEOUT_URL=http://127.0.0.1:8390 SCALEOUT_TOKEN=sot_secret scaleout executions',
    );
    await userEvent.click(screen.getByTestId('token-create-done'));
    expect(screen.queryByText('sot_secret')).toBeNull();

    await userEvent.click(screen.getByTestId('api-token-revoke-t1'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(api.callsOf('token.revoke')).toEqual([{ tokenId: 't1' }]));
  });

  it('lets an admin list another user’s tokens', async () => {
    const { api } = show('admin', {
      'user.list': () => ({ users: [userRow({ userName: 'bob' })] }),
      'token.list': () => ({ tokens: [] }),
    });
    await userEvent.click(await screen.findByTestId('security-tab-tokens'));
    expect(await screen.findByTestId('tokens-empty')).toBeTruthy();
    await choose('tokens-owner', 'tokens-owner-bob');
    await waitFor(() => expect(api.callsOf('token.list')).toEqual([{}, { userName: 'bob' }]));
  });
});

describe('Security > Folder permissions', () => {
  it('shows each user’s bits on the folder and sets them with permission.set', async () => {
    const { api } = show('admin', {
      'user.list': () => ({
        users: [userRow({ userName: 'ann', role: 'admin' }), userRow({ userName: 'bob', role: 'viewer' })],
      }),
      'permission.list': () => ({ permissions: [permissionRow({ userName: 'bob', folderName: 'Finance' })] }),
      'permission.set': () => ({}),
    });
    await userEvent.click(await screen.findByTestId('security-tab-permissions'));
    const row = await screen.findByTestId('permission-row-bob');
    expect(api.callsOf('permission.list')).toEqual([{ folderName: 'Sales' }]);
    const modify = within(row).getByTestId('permission-modify-bob') as HTMLInputElement;
    expect(modify.checked).toBe(false);
    // A viewer reads only the folders it is granted: Read is a real choice for it, not implied.
    const read = within(row).getByTestId('permission-read-bob') as HTMLInputElement;
    expect(read.disabled).toBe(false);
    expect((screen.getByTestId('permission-modify-ann') as HTMLInputElement).disabled).toBe(true);
    await userEvent.click(modify);
    await waitFor(() =>
      expect(api.callsOf('permission.set')).toEqual([
        { folderName: 'Sales', userName: 'bob', read: true, execute: false, modify: true },
      ]),
    );
    await choose('permissions-folder', 'permissions-folder-Finance');
    await waitFor(() => expect(api.callsOf('permission.list').at(-1)).toEqual({ folderName: 'Finance' }));
  });
});

describe('Security > Audit', () => {
  it('pages from the master and filters by outcome; shows an error', async () => {
    const { api } = show('admin', {
      'user.list': () => ({ users: [] }),
      'audit.list': () => ({
        entries: [auditRow({ auditId: 5, outcome: 'refused', detail: 'FORBIDDEN: no Modify on Sales' })],
        total: 1,
      }),
    });
    await userEvent.click(await screen.findByTestId('security-tab-audit'));
    expect((await screen.findByTestId('audit-outcome-5')).textContent).toBe('refused');
    expect(screen.getByText('FORBIDDEN: no Modify on Sales')).toBeTruthy();
    expect(api.callsOf('audit.list')).toEqual([{ limit: 50, offset: 0 }]);
    api.handle({
      'audit.list': () => {
        throw new ScaleOutError('FORBIDDEN', 'only an admin may read the audit');
      },
    });
    await choose('audit-filter-outcome', 'audit-outcome-option-refused');
    await waitFor(() =>
      expect(api.callsOf('audit.list').at(-1)).toEqual({ limit: 50, offset: 0, outcome: 'refused' }),
    );
    expect((await screen.findByTestId('audit-error')).textContent).toBe('only an admin may read the audit');
  });
});
