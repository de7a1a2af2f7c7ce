import { tokensEqual } from '../gateway/workerAuth';
import type { SecurityRepo, UserRecord } from '../catalog/securityRepo';
import type { Principal } from './permissions';

/** The per-launch console token's principal: the built-in admin "console". */
export const CONSOLE_USER = 'console';

export type Authentication =
  | { ok: true; principal: Principal }
  /** userName: the user the token belonged to, when known (the refusal is audited under it). */
  | { ok: false; message: string; userName: string | null };

const TOUCH_EVERY_MS = 60_000;

/**
 * Turns a bearer token into the caller: the master's console token (the built-in admin), or a
 * user's session or API token, refused at once when revoked, expired, or its user is disabled or
 * deleted (checked on every request: there is no cache to outlive a revocation).
 */
export function createAuthenticator(deps: { consoleToken: string; security: SecurityRepo }) {
  const touched = new Map<string, number>();

  async function principalOf(
    user: UserRecord,
    credential: Principal['credential'],
    tokenId: string,
    expiresAt: string | null,
  ) {
    const grants = await deps.security.permissions.list({ userName: user.user_name });
    return {
      userName: user.user_name,
      role: user.role,
      credential,
      tokenId,
      expiresAt,
      userId: user.user_id,
      folders: new Map(grants.map((g) => [g.folderName.toLowerCase(), g])),
    } satisfies Principal;
  }

  async function authenticate(token: string): Promise<Authentication> {
    const invalid = { ok: false as const, message: 'a valid bearer token is required', userName: null };
    if (token.length === 0) return invalid;
    if (tokensEqual(token, deps.consoleToken))
      return {
        ok: true,
        principal: {
          userName: CONSOLE_USER,
          role: 'admin',
          credential: 'console',
          tokenId: null,
          expiresAt: null,
          userId: null,
          folders: new Map(),
        },
      };
    const found = await deps.security.tokens.find(token);
    if (!found) return invalid;
    const { token: row, user } = found;
    const refuse = (message: string) => ({ ok: false as const, message, userName: user.user_name });
    if (row.revokedAt) return refuse(`token ${row.tokenId} was revoked at ${row.revokedAt}`);
    if (row.expiresAt && row.expiresAt <= new Date().toISOString())
      return refuse(
        row.kind === 'session'
          ? `the session expired at ${row.expiresAt}: log in again`
          : `token ${row.tokenId} expired at ${row.expiresAt}`,
      );
    if (user.disabled) return refuse(`user ${user.user_name} is disabled`);
    const last = touched.get(row.tokenId) ?? 0;
    if (Date.now() - last > TOUCH_EVERY_MS) {
      touched.set(row.tokenId, Date.now());
      if (touched.size > 10_000) touched.clear();
      await deps.security.tokens.touch(row.tokenId);
    }
    return { ok: true, principal: await principalOf(user, row.kind, row.tokenId, row.expiresAt) };
  }

  return { authenticate };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
