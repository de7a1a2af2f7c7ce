import { BrowserWindow, shell } from 'electron';
import type { Session, WebContents } from 'electron';
import type { Logger } from '../master-core/logger';
import { isAllowedNavigation, isSafeExternalUrl, originOf } from './navigationPolicy';
import { consoleWindowOptions } from './windowOptions';

/**
 * The one place that creates windows. Every window is sandboxed, isolated and without Node; it
 * shows the master's console origin and nothing else.
 */

export interface ConsoleWindowOptions {
  /** The console page to load, e.g. http://127.0.0.1:53123/#token=... */
  url: string;
  /** `scheme://host:port` of the master's console listener: the only place the window may go. */
  consoleOrigin: string;
  /** Other masters' console origins the user chose to open in this window (File > Connect to master). */
  otherOrigins: ReadonlySet<string>;
  /** The bundled CommonJS preload (a sandboxed preload cannot be ESM). */
  preloadPath: string;
  log: Logger;
  title?: string;
}

const hardenedSessions = new WeakSet<Session>();

/** Denies every permission the page could ask for (camera, geolocation, notifications, ...). */
function hardenSession(session: Session): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** https links go to the system browser; everything else is dropped. */
function openExternally(url: string, log: Logger): void {
  if (!isSafeExternalUrl(url)) {
    log.warn(`blocked opening ${url.slice(0, 200)}`);
    return;
  }
  shell.openExternal(url).catch((error: unknown) => log.warn(`could not open ${url}: ${String(error)}`));
}

function guardContents(
  contents: WebContents,
  consoleOrigin: string,
  otherOrigins: ReadonlySet<string>,
  log: Logger,
): void {
  const allowed = (url: string) =>
    isAllowedNavigation(url, consoleOrigin) || otherOrigins.has(originOf(url) ?? '');
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url, log);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (allowed(event.url)) return;
    event.preventDefault();
    openExternally(event.url, log);
  });
  contents.on('will-redirect', (event) => {
    if (allowed(event.url)) return;
    event.preventDefault();
    log.warn(`blocked a redirect to ${event.url.slice(0, 200)}`);
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('blocked a <webview>');
  });
  contents.on('render-process-gone', (_event, details) => {
    log.error(`console renderer process gone: ${details.reason} (exit code ${details.exitCode})`);
  });
}

export function createConsoleWindow(options: ConsoleWindowOptions): BrowserWindow {
  const window = new BrowserWindow(
    consoleWindowOptions(options.preloadPath, options.title ?? 'Scale Out Console'),
  );
  hardenSession(window.webContents.session);
  guardContents(window.webContents, options.consoleOrigin, options.otherOrigins, options.log);
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.url).catch((error: unknown) => {
    options.log.error(`could not load the console: ${String(error)}`);
    window.show();
  });
  return window;
}
