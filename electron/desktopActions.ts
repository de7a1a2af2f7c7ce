import { dialog, shell } from 'electron';
import type { BrowserWindow, MessageBoxOptions, OpenDialogOptions } from 'electron';
import type { ApiClient } from '../master-core/protocol/apiClient';
import { coerceError } from '../master-core/protocol/errors';
import type { Logger } from '../master-core/logger';
import { DEFAULT_DEPLOY_FOLDER, deployProjectDir, describeDeploy } from './deployProject';

/** What the menu items do. Each reports its outcome to the operator; none throws. */

function showOpenDialog(parent: BrowserWindow | null, options: OpenDialogOptions) {
  return parent ? dialog.showOpenDialog(parent, options) : dialog.showOpenDialog(options);
}

function showMessage(parent: BrowserWindow | null, options: MessageBoxOptions): Promise<unknown> {
  return parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options);
}

/** File > Deploy project...: choose a folder, validate it, deploy it into "Default". */
export async function deployProjectInteractively(
  parent: BrowserWindow | null,
  client: ApiClient,
  log: Logger,
): Promise<void> {
  const choice = await showOpenDialog(parent, {
    title: 'Deploy project: choose the project folder (with project.json)',
    properties: ['openDirectory'],
  });
  const dir = choice.filePaths[0];
  if (choice.canceled || !dir) return;
  try {
    const outcome = await deployProjectDir(client, dir, DEFAULT_DEPLOY_FOLDER);
    log.info(describeDeploy(outcome));
    await showMessage(parent, { type: 'info', title: 'Deploy project', message: describeDeploy(outcome) });
  } catch (error) {
    const message = coerceError(error).message;
    log.warn(`deploy of ${dir} failed: ${message}`);
    dialog.showErrorBox('Deploy failed', `The project in ${dir} was not deployed.\n\n${message}`);
  }
}

/** Opens a folder in the system's file manager; says so when it cannot. */
export async function openFolder(path: string, log: Logger): Promise<void> {
  const problem = await shell.openPath(path);
  if (problem) {
    log.warn(`could not open ${path}: ${problem}`);
    dialog.showErrorBox('Cannot open folder', `${path}\n\n${problem}`);
  }
}

export interface AboutInfo {
  version: string;
  dataDir: string;
  consoleUrl: string;
  agentUrl: string;
}

/** Help > About: the version and where the catalog lives. */
export async function showAbout(parent: BrowserWindow | null, info: AboutInfo): Promise<void> {
  await showMessage(parent, {
    type: 'info',
    title: 'About Scale Out Console',
    message: `Scale Out Console ${info.version}`,
    detail: [
      `Data folder: ${info.dataDir}`,
      `Console: ${info.consoleUrl}`,
      `Agent endpoint: ${info.agentUrl}`,
      `Electron ${process.versions.electron ?? '?'}, Node ${process.versions.node}`,
    ].join('\n'),
  });
}
