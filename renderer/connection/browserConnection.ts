import {
  asksToConnect,
  clearSessionConnection,
  CONNECT_MODE_KEY,
  hashWithoutToken,
  parseConnectMode,
  readTokenFromHash,
  recentMasters,
  rememberMaster,
  REMEMBERED_URL_KEY,
  resolveStartupConnection,
  saveSessionConnection,
} from '../state/connectionParams';
import type { Connection } from '../state/connectionParams';

/** The browser side of connectionParams: location, history and the two storages. */

/**
 * Reads the connection at start. A token in the fragment is moved to sessionStorage and removed
 * from the address bar, so it is neither bookmarked nor shown, and a reload still works.
 */
export function takeStartupConnection(): Connection | null {
  if (asksToConnect(window.location.hash)) {
    clearSessionConnection(window.sessionStorage);
    const { pathname, search } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}`);
    return null;
  }
  const connection = resolveStartupConnection(
    window.location.hash,
    window.location.origin,
    window.sessionStorage,
  );
  if (readTokenFromHash(window.location.hash) && connection) {
    saveSessionConnection(window.sessionStorage, connection);
    const { pathname, search, hash } = window.location;
    window.history.replaceState(window.history.state, '', `${pathname}${search}${hashWithoutToken(hash)}`);
  }
  return connection;
}

export function saveConnection(connection: Connection): void {
  saveSessionConnection(window.sessionStorage, connection);
  // Only the URL is remembered across sessions; the token never leaves sessionStorage.
  rememberMaster(window.localStorage, connection.baseUrl);
}

export function forgetConnection(): void {
  clearSessionConnection(window.sessionStorage);
}

/** The master URL to offer in the Connect dialog. */
export function rememberedMasterUrl(): string {
  return window.localStorage.getItem(REMEMBERED_URL_KEY) ?? window.location.origin;
}

/** The masters this user connected to from this console, most recent first. */
export function rememberedMasters(): string[] {
  return recentMasters(window.localStorage);
}

/** Opens another master's console in this window (inside the desktop app, after it allows that origin). */
export async function openRemoteConsole(baseUrl: string, url: string): Promise<void> {
  rememberMaster(window.localStorage, baseUrl);
  const desktop = (window as { scaleoutDesktop?: { connectToMaster?: (u: string) => Promise<void> } })
    .scaleoutDesktop;
  if (desktop?.connectToMaster) await desktop.connectToMaster(baseUrl);
  window.location.assign(url);
}

/** How this user last got in (token or sign in), so Connect offers that first. */
export function rememberedConnectMode(): 'token' | 'password' {
  return parseConnectMode(window.localStorage.getItem(CONNECT_MODE_KEY));
}

export function rememberConnectMode(mode: 'token' | 'password'): void {
  window.localStorage.setItem(CONNECT_MODE_KEY, mode);
}
