/**
 * Where the console's token and master URL come from. The master opens the console as
 * http://127.0.0.1:PORT/#token=TOKEN; the token moves to sessionStorage (so a reload works and the
 * URL no longer shows it) and the master URL the user typed into Connect is kept in localStorage.
 */

export interface Connection {
  baseUrl: string;
  token: string;
}

/** The subset of Storage used here, so tests pass a Map-backed fake. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const SESSION_TOKEN_KEY = 'scaleout.token';
export const SESSION_BASE_URL_KEY = 'scaleout.baseUrl';
export const REMEMBERED_URL_KEY = 'scaleout.masterUrl';
/** The masters this user connected to, most recent first (URLs only, never tokens). */
export const RECENT_MASTERS_KEY = 'scaleout.recentMasters';
export const RECENT_MASTERS_MAX = 8;
/** How this user last got in: with a token or by signing in (not a secret: localStorage). */
export const CONNECT_MODE_KEY = 'scaleout.connectMode';

/** The token in a "#token=..." fragment (other fragment parameters are allowed), else null. */
export function readTokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token && token.trim() !== '' ? token.trim() : null;
}

/** "#connect" (the desktop app's File > Connect to master...): show Connect, whatever was saved. */
export function asksToConnect(hash: string): boolean {
  return new URLSearchParams(hash.replace(/^#/, '')).has('connect');
}

/** The fragment with the token removed ('' when nothing else was in it). */
export function hashWithoutToken(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  params.delete('token');
  const rest = params.toString();
  return rest === '' ? '' : `#${rest}`;
}

/** "http://host:port" with no trailing slash or path, or null when the text is not an http(s) URL. */
export function normalizeBaseUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}

/**
 * The connection to use at start: a token in the fragment (served by this origin's master) wins,
 * then the one saved for this browser tab; null means ask the user.
 */
export function resolveStartupConnection(
  hash: string,
  origin: string,
  session: KeyValueStore,
): Connection | null {
  const fromHash = readTokenFromHash(hash);
  if (fromHash) return { baseUrl: origin, token: fromHash };
  if (asksToConnect(hash)) return null;
  const token = session.getItem(SESSION_TOKEN_KEY);
  if (!token) return null;
  return { baseUrl: session.getItem(SESSION_BASE_URL_KEY) ?? origin, token };
}

export function saveSessionConnection(session: KeyValueStore, connection: Connection): void {
  session.setItem(SESSION_TOKEN_KEY, connection.token);
  session.setItem(SESSION_BASE_URL_KEY, connection.baseUrl);
}

export function clearSessionConnection(session: KeyValueStore): void {
  session.removeItem(SESSION_TOKEN_KEY);
  session.removeItem(SESSION_BASE_URL_KEY);
}

/** The recent masters list from storage; anything malformed is ignored, not trusted. */
export function recentMasters(store: KeyValueStore): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store.getItem(RECENT_MASTERS_KEY) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const urls = parsed
    .flatMap((u) => (typeof u === 'string' ? [normalizeBaseUrl(u)] : []))
    .filter((u) => u !== null);
  return [...new Set(urls)].slice(0, RECENT_MASTERS_MAX);
}

/** Puts `baseUrl` first in the recent masters list (deduplicated, bounded) and as the remembered URL. */
export function rememberMaster(store: KeyValueStore, baseUrl: string): void {
  const list = [baseUrl, ...recentMasters(store).filter((u) => u !== baseUrl)].slice(0, RECENT_MASTERS_MAX);
  store.setItem(RECENT_MASTERS_KEY, JSON.stringify(list));
  store.setItem(REMEMBERED_URL_KEY, baseUrl);
}

/**
 * A master's console only answers its own origin (no cross-origin calls, by design), so connecting
 * to another master means opening that master's console, with the token in the fragment (never
 * sent to a server, moved to sessionStorage and out of the address bar on arrival).
 */
export function remoteConsoleUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/#token=${encodeURIComponent(token)}`;
}

export function isSameOrigin(baseUrl: string, origin: string): boolean {
  try {
    return new URL(baseUrl).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}

/** What Connect says after the master refused the credential, with the master's own reason. */
export function refusedCredentialNotice(reason: string): string {
  const why = reason.trim() === '' ? '' : ` (${reason.trim().replace(/\.$/, '')})`;
  return `The master refused the credential${why}. The session may have expired or been signed out, the token revoked, or the master restarted with a new token: sign in or connect again.`;
}

/** The Connect dialog's way in as stored ('token' unless 'password' was saved). */
export function parseConnectMode(value: string | null): 'token' | 'password' {
  return value === 'password' ? 'password' : 'token';
}

/** Signing in to another master happens on that master's own console: it opens showing Connect. */
export function remoteSignInUrl(baseUrl: string): string {
  return `${baseUrl}/#connect`;
}
