import { app, dialog, Menu, nativeImage, Notification, Tray } from 'electron';
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
import { PRODUCT_NAME } from './menuTemplate';
import { resumeLocalWorker, shutdownDesktopMaster } from './shutdownSequence';
import { readTrayStatus } from './trayStatus';
import { createConsoleWindow } from './windowFactory';

/**
 * The desktop shell: runs the master in this process, this machine's worker beside it, and shows
 * the console the master serves in one sandboxed window.
 */

/** Drain (10 s for running work), hand-over, then master.close(); never wait forever. */
const SHUTDOWN_DEADLINE_MS = 30_000;
const TRAY_REFRESH_MS = 5000;

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
let tray: Tray | null = null;
/** Other masters' consoles the user connected to in this window (they get no desktop bridge). */
const otherOrigins = new Set<string>();
let trayTimer: NodeJS.Timeout | undefined;

function currentWindow(): BrowserWindow | null {
  return consoleWindow && !consoleWindow.isDestroyed() ? consoleWindow : null;
}

/** Shows the console window, creating it when there is none; a second launch lands here too. */
function showWindow(fragment?: string): void {
  const existing = currentWindow();
  if (existing) {
    if (fragment && running) void existing.loadURL(`${running.master.consoleUrl}/${fragment}`);
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
    otherOrigins,
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
  notification.on('click', () => showWindow());
  notification.show();
}

function installMenu({ master, client }: Running): void {
  const menu = buildAppMenu({
    deployProject: () => void deployProjectInteractively(currentWindow(), client, log),
    // The console shows its Connect dialog for "#connect" (remote master URL and token).
    connectToMaster: () => showWindow('#connect'),
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

/** The tray icon: a status summary (workers online, running, failed in the last hour) and Show/Quit. */
function installTray({ client }: Running): void {
  const icon = nativeImage.createFromPath(join(paths.iconsDir, '32x32.png'));
  tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon);
  tray.setToolTip(PRODUCT_NAME);
  tray.on('click', () => showWindow());
  const refresh = () =>
    readTrayStatus(client).then(
      (status) => {
        if (!tray || tray.isDestroyed()) return;
        tray.setToolTip(status.tooltip);
        tray.setContextMenu(
          Menu.buildFromTemplate([
            ...status.lines.map((label) => ({ label, enabled: false })),
            { type: 'separator' as const },
            { label: `Show ${PRODUCT_NAME}`, click: () => showWindow() },
            { label: 'Quit', click: () => app.quit() },
          ]),
        );
      },
      (error: unknown) => log.debug(`tray status: ${coerceError(error).message}`),
    );
  void refresh();
  trayTimer = setInterval(() => void refresh(), TRAY_REFRESH_MS);
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
  installTray(running);
  showWindow();
  log.info(`console window opened on ${master.consoleUrl}; data folder ${master.dataDir}`);
}

/** Everything the shell hangs on a running master: sample on first run, the bridge, failure notices. */
async function connectShell(master: Master): Promise<Running> {
  const client = createDesktopClient(master.consoleUrl, master.consoleToken);
  await resumeLocalWorker(client, master.dataDir, log).catch((error: unknown) =>
    log.warn(`could not enable the local worker again: ${coerceError(error).message}`),
  );
  await deploySampleOnFirstRun(client, paths.sampleDirs, log).catch((error: unknown) =>
    log.warn(`could not deploy the sample project: ${coerceError(error).message}`),
  );
  const consoleOrigin = new URL(master.consoleUrl).origin;
  return {
    master,
    client,
    consoleOrigin,
    removeIpc: registerDesktopIpc({
      consoleOrigin,
      version: MASTER_VERSION,
      log,
      notify,
      allowOrigin: (origin) => otherOrigins.add(origin),
    }),
    stopEvents: watchExecutionFailures(client, log, (notice) => notify(notice.title, notice.body)),
  };
}

/** Stops following events, then quits the master without losing work (shutdownSequence.ts). */
async function shutdown(): Promise<boolean> {
  await starting.catch(() => undefined);
  const current = running;
  running = null;
  clearInterval(trayTimer);
  tray?.destroy();
  tray = null;
  if (!current) return true;
  current.stopEvents();
  current.removeIpc();
  const report = await shutdownDesktopMaster({
    client: current.client,
    closeMaster: () => current.master.close(),
    dataDir: current.master.dataDir,
    log,
    deadlineMs: SHUTDOWN_DEADLINE_MS,
  });
  return report.clean;
}

function installLifecycle(): void {
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
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
