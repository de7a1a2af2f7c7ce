import { BrowserWindow, dialog, ipcMain } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';
import type { Logger } from '../master-core/logger';
import { coerceError } from '../master-core/protocol/errors';
import { IpcChannels } from './ipcChannels';
import type { IpcChannel, IpcResult } from './ipcChannels';
import { isTrustedSender, ok, parseConnectArgs, parseNoArgs, parseNotifyArgs, rejected } from './ipcArgs';

/** The main-process side of the preload bridge. Each handler checks who asks and what they send. */

export interface DesktopIpcDeps {
  consoleOrigin: string;
  version: string;
  log: Logger;
  notify(title: string, body: string): void;
  /** Adds an origin the console window may navigate to (another master's console). */
  allowOrigin(origin: string): void;
}

type Answer<T> = (
  args: readonly unknown[],
  event: IpcMainInvokeEvent,
) => IpcResult<T> | Promise<IpcResult<T>>;

function handle<T>(channel: IpcChannel, deps: DesktopIpcDeps, answer: Answer<T>): void {
  ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<IpcResult<T>> => {
    const frameUrl = event.senderFrame?.url;
    if (!isTrustedSender(frameUrl, deps.consoleOrigin)) {
      deps.log.warn(`refused ${channel} from ${frameUrl?.slice(0, 200) ?? 'a frame that is gone'}`);
      return rejected('FORBIDDEN', 'the desktop bridge answers the console page only');
    }
    try {
      return await answer(args, event);
    } catch (error) {
      deps.log.error(`${channel} failed: ${coerceError(error).message}`);
      return rejected('INTERNAL', coerceError(error).message);
    }
  });
}

async function chooseProjectFolder(event: IpcMainInvokeEvent): Promise<string | null> {
  const options = { title: 'Choose a project folder', properties: ['openDirectory' as const] };
  const parent = BrowserWindow.fromWebContents(event.sender);
  const choice = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return choice.canceled ? null : (choice.filePaths[0] ?? null);
}

/** Registers the handlers; the returned function removes them again. */
export function registerDesktopIpc(deps: DesktopIpcDeps): () => void {
  handle(IpcChannels.appVersion, deps, (args) => {
    const parsed = parseNoArgs(args);
    return parsed.ok ? ok(deps.version) : parsed;
  });
  handle(IpcChannels.chooseProjectFolder, deps, async (args, event) => {
    const parsed = parseNoArgs(args);
    return parsed.ok ? ok(await chooseProjectFolder(event)) : parsed;
  });
  handle(IpcChannels.notify, deps, (args) => {
    const parsed = parseNotifyArgs(args);
    if (!parsed.ok) return parsed;
    deps.notify(parsed.value.title, parsed.value.body);
    return ok(null);
  });
  handle(IpcChannels.connectToMaster, deps, (args) => {
    const parsed = parseConnectArgs(args);
    if (!parsed.ok) return parsed;
    deps.allowOrigin(parsed.value);
    deps.log.info(`the console window may now open ${parsed.value}`);
    return ok(null);
  });
  return () => {
    for (const channel of Object.values(IpcChannels)) ipcMain.removeHandler(channel);
  };
}
