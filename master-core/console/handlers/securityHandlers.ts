import { ScaleOutError } from '../../protocol/errors';
import type { UserRow } from '../../protocol/apiRows';
import { userRow } from '../../catalog/securityRepo';
import { dummyHash, hashPassword, needsRehash, verifyPassword } from '../../security/passwords';
import { LoginThrottled } from '../../security/loginThrottle';
import { CONSOLE_USER } from '../../security/authenticate';
import type { Principal } from '../../security/permissions';
import type { HandlerContext, HandlerDeps, HandlerGroup } from './context';

type SecurityMethods =
  | 'auth.login'
  | 'auth.logout'
  | 'auth.whoami'
  | 'user.list'
  | 'user.create'
  | 'user.update'
  | 'user.delete'
  | 'token.list'
  | 'token.create'
  | 'token.revoke'
  | 'permission.list'
  | 'permission.set'
  | 'audit.list';

const DAY_MS = 86_400_000;

function callerOf(ctx: HandlerContext): Principal {
  if (!ctx.caller) throw new ScaleOutError('UNAUTHORIZED', 'a valid bearer token is required');
  return ctx.caller;
}

function reserved(userName: string): void {
  if (userName.toLowerCase() === CONSOLE_USER)
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `"${CONSOLE_USER}" is the master's own console token; choose another name`,
      {
        field: 'userName',
      },
    );
}

/** Users, their sessions and API tokens, folder permissions and the audit (docs/security.md). */
export function securityHandlers(deps: HandlerDeps): HandlerGroup<SecurityMethods> {
  const { security } = deps.repos;
  const { throttle, sessionTtlMs, endStreams } = deps.auth;
  const consoleUser: UserRow = {
    userName: CONSOLE_USER,
    role: 'admin',
    description: "the master's own console token (desktop app, `scaleout master`)",
    disabled: false,
    createdAt: new Date(deps.startedAtMs).toISOString(),
    lastLoginAt: null,
  };
  /** A user other than the caller is named: only an admin may do that. */
  const otherUserNeedsAdmin = (caller: Principal, userName: string | undefined, method: string) => {
    if (userName === undefined || userName.toLowerCase() === caller.userName.toLowerCase()) return;
    if (caller.role !== 'admin')
      throw new ScaleOutError('FORBIDDEN', `${method} for another user (${userName}) needs the admin role`, {
        field: 'userName',
      });
  };

  return {
    'auth.login': async (input, ctx) => {
      const wait = throttle.retryAfterMs(input.userName, ctx.clientAddress);
      if (wait > 0) throw new LoginThrottled(wait);
      const user = await security.users.get(input.userName);
      // The same scrypt work whether or not the user exists: timing tells nothing.
      const matches = await verifyPassword(input.password, user?.password_hash ?? (await dummyHash()));
      if (!user || !matches) {
        throttle.failed(input.userName, ctx.clientAddress);
        throw new ScaleOutError('UNAUTHORIZED', 'the user name or password is wrong');
      }
      if (user.disabled) {
        throttle.failed(input.userName, ctx.clientAddress);
        throw new ScaleOutError('UNAUTHORIZED', `user ${user.user_name} is disabled`);
      }
      throttle.succeeded(input.userName);
      await security.users.recordLogin(
        user.user_id,
        needsRehash(user.password_hash) ? await hashPassword(input.password) : undefined,
      );
      const expiresAt = new Date(Date.now() + sessionTtlMs).toISOString();
      const { token } = await security.tokens.create({
        userId: user.user_id,
        kind: 'session',
        name: `login from ${ctx.clientAddress}`.slice(0, 128),
        expiresAt,
      });
      return { token, expiresAt, user: userRow(await security.users.mustGet(user.user_name)) };
    },
    'auth.logout': async (_input, ctx) => {
      const caller = callerOf(ctx);
      if (caller.tokenId) {
        await security.tokens.revoke(caller.tokenId);
        endStreams({ tokenIds: [caller.tokenId] });
      }
      return {};
    },
    'auth.whoami': async (_input, ctx) => {
      const caller = callerOf(ctx);
      if (caller.credential === 'console')
        return { user: consoleUser, credential: 'console' as const, permissions: [] };
      const users = await security.users.list();
      const user = users.find((u) => u.userName === caller.userName);
      if (!user) throw new ScaleOutError('UNAUTHORIZED', `user ${caller.userName} no longer exists`);
      return {
        user,
        credential: caller.credential,
        permissions: await security.permissions.list({ userName: caller.userName }),
      };
    },
    'user.list': async () => ({ users: await security.users.list() }),
    'user.create': async (input) => {
      reserved(input.userName);
      const user = await security.users.create({
        userName: input.userName,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        description: input.description,
      });
      return { user };
    },
    'user.update': async (input) => {
      reserved(input.userName);
      const user = await security.users.update(input.userName, {
        ...(input.role === undefined ? {} : { role: input.role }),
        ...(input.disabled === undefined ? {} : { disabled: input.disabled }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.password === undefined ? {} : { passwordHash: await hashPassword(input.password) }),
      });
      // A new password ends the user's sessions (not their API tokens, which are revoked on their own).
      if (input.password !== undefined) {
        const record = await security.users.mustGet(input.userName);
        const sessions = (await security.tokens.list(record.user_name)).filter(
          (t) => t.kind === 'session' && !t.revokedAt,
        );
        for (const t of sessions) await security.tokens.revoke(t.tokenId);
      }
      // Open event streams carry the rights of their start: they reconnect with the new ones.
      endStreams({ userName: user.userName });
      return { user };
    },
    'user.delete': async (input) => {
      reserved(input.userName);
      const record = await security.users.mustGet(input.userName);
      const tokenIds = await security.users.remove(record.user_name);
      endStreams({ tokenIds, userName: record.user_name });
      return {};
    },
    'token.list': async (input, ctx) => {
      const caller = callerOf(ctx);
      otherUserNeedsAdmin(caller, input.userName, 'token.list');
      if (input.userName === undefined && caller.credential === 'console')
        return { tokens: await security.tokens.list() };
      const userName = input.userName ?? caller.userName;
      await security.users.mustGet(userName);
      return { tokens: await security.tokens.list(userName) };
    },
    'token.create': async (input, ctx) => {
      const caller = callerOf(ctx);
      otherUserNeedsAdmin(caller, input.userName, 'token.create');
      const userName = input.userName ?? caller.userName;
      if (caller.credential === 'console' && input.userName === undefined)
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          'the console token is not a user: name the user the API token is for (userName)',
          { field: 'userName' },
        );
      const user = await security.users.mustGet(userName);
      const expiresAt =
        input.expiresInDays === null
          ? null
          : new Date(Date.now() + input.expiresInDays * DAY_MS).toISOString();
      const { token, row } = await security.tokens.create({
        userId: user.user_id,
        kind: 'api',
        name: input.name,
        expiresAt,
      });
      return { token, tokenRow: row };
    },
    'token.revoke': async (input, ctx) => {
      const caller = callerOf(ctx);
      const row = await security.tokens.get(input.tokenId);
      if (!row)
        throw new ScaleOutError('NOT_FOUND', `token ${input.tokenId} does not exist`, { field: 'tokenId' });
      otherUserNeedsAdmin(caller, row.userName, 'token.revoke');
      await security.tokens.revoke(input.tokenId);
      endStreams({ tokenIds: [input.tokenId] });
      return {};
    },
    'permission.list': async (input) => ({ permissions: await security.permissions.list(input) }),
    'permission.set': async (input) => {
      reserved(input.userName);
      await security.permissions.set(input);
      endStreams({ userName: input.userName });
      return {};
    },
    'audit.list': async (input) => security.audit.list(input),
  };
}
