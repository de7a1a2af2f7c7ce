import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ScaleOutError } from '../../master-core/protocol/errors';
import type { ApiTokenRow, AuditRow, UserRow } from '../../master-core/protocol/api';
import { clientOf, int, withConnection } from '../flags';
import { connectWithoutToken } from '../connection';
import { table } from './format';

const out = (text: string) => process.stdout.write(text);
const ROLES = ['admin', 'executor', 'viewer'] as const;
type Role = (typeof ROLES)[number];

const role = (value: string): Role => {
  if (!(ROLES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`--role must be one of ${ROLES.join(', ')} (got "${value}")`);
  return value as Role;
};

/**
 * The password, read from standard input (never from a flag, where other users of the machine and
 * the shell history would see it): the first line, without its line break.
 */
export async function readPassword(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stdin as { isTTY?: boolean }).isTTY)
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      'the password is read from standard input: pipe it in, e.g. `printf %s "$PASSWORD" | scaleout ...`',
      { field: 'password' },
    );
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  const password = text.split(/\r?\n/)[0] ?? '';
  if (password === '')
    throw new ScaleOutError('VALIDATION_FAILED', 'no password on standard input', { field: 'password' });
  return password;
}

export function usersTable(rows: UserRow[]): string {
  return table(
    ['User', 'Role', 'State', 'Created', 'Last login', 'Description'],
    rows.map((u) => [
      u.userName,
      u.role,
      u.disabled ? 'disabled' : 'enabled',
      u.createdAt,
      u.lastLoginAt ?? '',
      u.description,
    ]),
  );
}

export function userTokensTable(rows: ApiTokenRow[]): string {
  const state = (t: ApiTokenRow) =>
    t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt <= new Date().toISOString() ? 'expired' : 'active';
  return table(
    ['Token id', 'User', 'Kind', 'Name', 'State', 'Created', 'Expires', 'Last used'],
    rows.map((t) => [
      t.tokenId,
      t.userName,
      t.kind,
      t.name,
      state(t),
      t.createdAt,
      t.expiresAt ?? 'never',
      t.lastUsedAt ?? '',
    ]),
  );
}

export function auditTable(rows: AuditRow[]): string {
  return table(
    ['Time', 'User', 'Method', 'Target', 'Outcome', 'Client', 'Detail'],
    rows.map((a) => [a.time, a.userName, a.method, a.target, a.outcome, a.clientAddress, a.detail]),
  );
}

/** `users`, `login`, `logout`, `whoami`, `tokens`, `permissions` and `audit`. */
export function registerSecurityCommands(program: Command): void {
  const users = program
    .command('users')
    .description('console users: name, password, role (admin, executor, viewer)');
  withConnection(users.command('create <name>'))
    .description('create a user; the password is read from standard input')
    .requiredOption('--role <role>', 'admin, executor or viewer', role)
    .option('--description <text>', 'who this is', '')
    .option('--password-stdin', 'read the password from standard input (the default; kept for scripts)', true)
    .action(async (name: string, flags) => {
      const password = await readPassword();
      const { user } = await clientOf(flags).call('user.create', {
        userName: name,
        password,
        role: flags.role,
        description: flags.description,
      });
      out(usersTable([user]));
    });
  withConnection(users.command('list'))
    .description('list the users')
    .action(async (flags) => {
      out(usersTable((await clientOf(flags).call('user.list', {})).users));
    });
  withConnection(users.command('set <name>'))
    .description("change a user's role, state, description or (with --password-stdin) password")
    .option('--role <role>', 'admin, executor or viewer', role)
    .option('--disable', 'refuse their login and tokens at once')
    .option('--enable', 'let them in again')
    .option('--description <text>', 'who this is')
    .option('--password-stdin', 'set a new password read from standard input (ends their sessions)')
    .action(async (name: string, flags) => {
      if (flags.disable && flags.enable)
        throw new ScaleOutError('VALIDATION_FAILED', 'give --disable or --enable, not both', {
          field: 'disable',
        });
      const { user } = await clientOf(flags).call('user.update', {
        userName: name,
        ...(flags.role ? { role: flags.role as Role } : {}),
        ...(flags.disable ? { disabled: true } : flags.enable ? { disabled: false } : {}),
        ...(flags.description !== undefined ? { description: flags.description as string } : {}),
        ...(flags.passwordStdin ? { password: await readPassword() } : {}),
      });
      out(usersTable([user]));
    });
  withConnection(users.command('delete <name>'))
    .description('delete a user; their tokens stop working at once')
    .action(async (name: string, flags) => {
      await clientOf(flags).call('user.delete', { userName: name });
      out(`deleted user ${name}\n`);
    });

  withConnection(program.command('login'))
    .description(
      'log in with a password (read from standard input); prints a session token for SCALEOUT_TOKEN',
    )
    .requiredOption('--user <name>', 'user name')
    .action(async (flags) => {
      const password = await readPassword();
      const { token, expiresAt, user } = await connectWithoutToken(flags).call('auth.login', {
        userName: flags.user,
        password,
      });
      process.stderr.write(
        `logged in as ${user.userName} (${user.role}); the session ends at ${expiresAt}\n`,
      );
      out(`${token}\n`);
    });
  withConnection(program.command('logout'))
    .description('end the session (or revoke the API token) given by --token / SCALEOUT_TOKEN')
    .action(async (flags) => {
      await clientOf(flags).call('auth.logout', {});
      out('logged out\n');
    });
  withConnection(program.command('whoami'))
    .description('who the token belongs to, with role and folder permissions')
    .action(async (flags) => {
      const me = await clientOf(flags).call('auth.whoami', {});
      out(`${me.user.userName} (${me.user.role}, ${me.credential} credential)\n`);
      for (const p of me.permissions)
        out(
          `  ${p.folderName}: ${(['read', 'execute', 'modify'] as const).filter((k) => p[k]).join(', ')}\n`,
        );
    });

  const tokens = program.command('tokens').description('API tokens for the CLI and automation');
  withConnection(tokens.command('create'))
    .description('create an API token (shown once) for yourself, or (admin) for --user')
    .requiredOption('--name <name>', 'what it is for, e.g. nightly-ci')
    .option('--user <name>', 'whose token (admin only; required with the console token)')
    .option('--expires-days <n>', 'days until it stops working (default 90)', int('--expires-days', 1, 3650))
    .option('--no-expiry', 'never expires (revoke it when no longer needed)')
    .action(async (flags) => {
      const { token, tokenRow } = await clientOf(flags).call('token.create', {
        name: flags.name,
        ...(flags.user ? { userName: flags.user as string } : {}),
        expiresInDays: flags.expiry === false ? null : ((flags.expiresDays as number | undefined) ?? 90),
      });
      process.stderr.write(
        `token ${tokenRow.tokenId} for ${tokenRow.userName}, expires ${tokenRow.expiresAt ?? 'never'}; shown once:\n`,
      );
      out(`${token}\n`);
    });
  withConnection(tokens.command('list'))
    .description('your tokens; an admin may name --user (the console token lists all)')
    .option('--user <name>', 'whose tokens')
    .action(async (flags) => {
      const { tokens: rows } = await clientOf(flags).call(
        'token.list',
        flags.user ? { userName: flags.user as string } : {},
      );
      out(userTokensTable(rows));
    });
  withConnection(tokens.command('revoke <token-id>'))
    .description('revoke a token: it stops working at once')
    .action(async (tokenId: string, flags) => {
      await clientOf(flags).call('token.revoke', { tokenId });
      out(`revoked token ${tokenId}\n`);
    });

  const permissions = program.command('permissions').description('folder permissions: read, execute, modify');
  withConnection(permissions.command('list'))
    .option('--folder <name>', 'only this folder')
    .option('--user <name>', 'only this user')
    .action(async (flags) => {
      const { permissions: rows } = await clientOf(flags).call('permission.list', {
        ...(flags.folder ? { folderName: flags.folder as string } : {}),
        ...(flags.user ? { userName: flags.user as string } : {}),
      });
      out(
        table(
          ['Folder', 'User', 'Read', 'Execute', 'Modify'],
          rows.map((p) => [p.folderName, p.userName, String(p.read), String(p.execute), String(p.modify)]),
        ),
      );
    });
  withConnection(permissions.command('set <folder> <user>'))
    .description('set what a user may do in a folder (none of the flags: remove their permissions)')
    .option('--read', 'see the folder, its projects, environments and executions', false)
    .option('--execute', 'run its packages', false)
    .option('--modify', 'deploy, configure, and change its environments', false)
    .action(async (folder: string, user: string, flags) => {
      await clientOf(flags).call('permission.set', {
        folderName: folder,
        userName: user,
        read: flags.read,
        execute: flags.execute,
        modify: flags.modify,
      });
      out(`permissions of ${user} on ${folder} set\n`);
    });

  withConnection(program.command('audit'))
    .description('who did what and when: changes, refusals and failed logins, newest first (admin)')
    .option('--user <name>', 'only this user')
    .option('--method <method>', 'only this API method, e.g. project.deploy')
    .option('--outcome <outcome>', 'ok, refused or failed')
    .option('--since <time>', 'only entries at or after this ISO 8601 time')
    .option('--limit <n>', 'how many', int('--limit', 1, 1000), 100)
    .action(async (flags) => {
      const outcome = flags.outcome as string | undefined;
      if (outcome !== undefined && !['ok', 'refused', 'failed'].includes(outcome))
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          `--outcome must be ok, refused or failed (got "${outcome}")`,
          {
            field: 'outcome',
          },
        );
      let after: string | undefined;
      if (flags.since !== undefined) {
        const time = new Date(flags.since as string);
        if (Number.isNaN(time.getTime()))
          throw new ScaleOutError(
            'VALIDATION_FAILED',
            `--since must be an ISO 8601 time (got "${flags.since}")`,
            {
              field: 'since',
            },
          );
        after = time.toISOString();
      }
      const { entries, total } = await clientOf(flags).call('audit.list', {
        limit: flags.limit,
        ...(flags.user ? { userName: flags.user as string } : {}),
        ...(flags.method ? { method: flags.method as string } : {}),
        ...(outcome ? { outcome: outcome as AuditRow['outcome'] } : {}),
        ...(after ? { after } : {}),
      });
      out(auditTable(entries));
      if (total > entries.length) out(`(${entries.length} of ${total}; --limit for more)\n`);
    });
}
