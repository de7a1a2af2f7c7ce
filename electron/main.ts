import { app, dialog, Menu, Notification } from 'electron';
import type { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MASTER_VERSION } from '../master-core/createMaster';
import type { Master } from '../master-core/createMaster';
import { createLogger } from '../master-core/logger';
import type { ApiClient } from '../master-core/protocol/apiClient';
import { coerceError } from '../master-core/protocol/errors';
import { buildAppMenu } from './appMenu';
import { resolveAppPaths } from './appPaths';
import { deployProjectInteractively, openFolder, showAbout } from './desktopActions';
import { registerDesktopIpc } from './desktopIpc';
import { deploySampleOnFirstRun } from './deployProject';
import { parseLogLevel, resolveLaunchConfig } from './launchConfig';
import { createDesktopClient, watchExecutionFailures } from './masterEvents';
import { startDesktopMaster } from './startMaster';
import { createConsoleWindow } from './windowFactory';

/**
 * The desktop shell: runs the master in this process, this machine's worker beside it, and shows
 * the console the master serves in one sandboxed window.
 */

const PRODUCT_NAME = 'Scale Out Console';
/** master.close() stops the local worker (SIGKILL after 10 s) and checkpoints the catalog; never wait forever. */
const SHUTDOWN_DEADLINE_MS = 20_000;

const paths = resolveAppPaths(fileURLToPath(import.meta.url));
const logLevel = parseLogLevel(process.env.SCALEOUT_LOG_LEVEL);
const log = createLogger('desktop', logLevel);

interface Running {
  master: Master;
  client: ApiClient;
  consoleOrigin: string;
  stopEvents(): void;
  removeIpc(): void;
}

let running: Running | null = null;
let consoleWindow: BrowserWindow | null = null;
let starting: Promise<void> = Promise.resolve();
let shutdownStarted = false;

function currentWindow(): BrowserWindow | null {
  return consoleWindow && !consoleWindow.isDestroyed() ? consoleWindow : null;
}

/** Shows the console window, creating it when there is none; a second launch lands here too. */
function showWindow(): void {
  const existing = currentWindow();
  if (existing) {
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
    return;
  }
  if (!running) return;
  const { master, consoleOrigin } = running;
  consoleWindow = createConsoleWindow({
    url: `${master.consoleUrl}/#token=${master.consoleToken}`,
    consoleOrigin,
    preloadPath: paths.preload,
    log,
    title: PRODUCT_NAME,
  });
  consoleWindow.on('closed', () => {
    consoleWindow = null;
  });
}

function notify(title: string, body: string): void {
  if (!Notification.isSupported()) {
    log.info(`${title}: ${body}`);
    return;
  }
  const notification = new Notification({ title, body });
  notification.on('click', showWindow);
  notification.show();
}

function installMenu({ master, client }: Running): void {
  const menu = buildAppMenu({
    deployProject: () => void deployProjectInteractively(currentWindow(), client, log),
    openDataFolder: () => void openFolder(master.dataDir, log),
    openDocumentation: () => void openFolder(paths.docsDir, log),
    about: () =>
      void showAbout(currentWindow(), {
        version: MASTER_VERSION,
        dataDir: master.dataDir,
        consoleUrl: master.consoleUrl,
        agentUrl: master.agentUrl,
      }),
  });
  Menu.setApplicationMenu(menu);
}

function failToStart(error: unknown): void {
  const message = coerceError(error).message;
  process.stderr.write(`${PRODUCT_NAME}: the master could not start: ${message}\n`);
  dialog.showErrorBox(`${PRODUCT_NAME} cannot start`, `The master could not start.\n\n${message}`);
  app.exit(1);
}

async function start(): Promise<void> {
  let master: Master;
  try {
    const config = resolveLaunchConfig(process.env, app.getPath('userData'));
    master = await startDesktopMaster(config, paths, createLogger('master', logLevel));
  } catch (error) {
    failToStart(error);
    return;
  }
  try {
    running = await connectShell(master);
  } catch (error) {
    await master.close().catch(() => undefined);
    failToStart(error);
    return;
  }
  installMenu(running);
  showWindow();
  log.info(`console window opened on ${master.consoleUrl}; data folder ${master.dataDir}`);
}

/** Everything the shell hangs on a running master: sample on first run, the bridge, failure notices. */
async function connectShell(master: Master): Promise<Running> {
  const client = createDesktopClient(master.consoleUrl, master.consoleToken);
  await deploySampleOnFirstRun(client, paths.sampleDirs, log).catch((error: unknown) =>
    log.warn(`could not deploy the sample project: ${coerceError(error).message}`),
  );
  const consoleOrigin = new URL(master.consoleUrl).origin;
  return {
    master,
    client,
    consoleOrigin,
    removeIpc: registerDesktopIpc({ consoleOrigin, version: MASTER_VERSION, log, notify }),
    stopEvents: watchExecutionFailures(client, log, (notice) => notify(notice.title, notice.body)),
  };
}

/** Stops following events, then closes the master (local worker, listeners, catalog checkpoint). */
async function shutdown(): Promise<boolean> {
  await starting.catch(() => undefined);
  const current = running;
  running = null;
  if (!current) return true;
  current.stopEvents();
  current.removeIpc();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`not closed after ${SHUTDOWN_DEADLINE_MS} ms`)),
      SHUTDOWN_DEADLINE_MS,
    );
  });
  try {
    await Promise.race([current.master.close(), deadline]);
    return true;
  } catch (error) {
    log.error(`shutdown failed: ${coerceError(error).message}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function installLifecycle(): void {
  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quit waits for the master to close cleanly; app.exit() then ends without a second before-quit.
  app.on('before-quit', (event) => {
    event.preventDefault();
    if (shutdownStarted) return;
    shutdownStarted = true;
    log.info('quitting: stopping the master');
    void shutdown().then((clean) => app.exit(clean ? 0 : 1));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

// Name and data path first: the single-instance lock lives in the userData folder, and Electron
// would otherwise name it after itself when started as `electron dist/electron/main.mjs`.
app.setName(PRODUCT_NAME);
app.setPath('userData', join(app.getPath('appData'), PRODUCT_NAME));
if (process.platform === 'win32') app.setAppUserModelId('org.scaleout.console');

if (!app.requestSingleInstanceLock()) {
  process.stderr.write(`${PRODUCT_NAME} is already running; its window was brought to the front.\n`);
  app.quit();
} else {
  installLifecycle();
  starting = app.whenReady().then(start);
}
