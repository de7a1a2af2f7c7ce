import { contextBridge, ipcRenderer } from 'electron';
import { DESKTOP_API_KEY, IpcChannels } from './ipcChannels';
import type { IpcChannel, IpcResult, ScaleoutDesktopApi } from './ipcChannels';

/**
 * The console's only door to the desktop: three calls, each a fixed channel. Runs sandboxed, so
 * it may use nothing but `contextBridge` and `ipcRenderer` (and the bundled channel table).
 */

async function invoke<T>(channel: IpcChannel, ...args: unknown[]): Promise<T> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<T>;
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}

const api: ScaleoutDesktopApi = {
  appVersion: () => invoke<string>(IpcChannels.appVersion),
  chooseProjectFolder: () => invoke<string | null>(IpcChannels.chooseProjectFolder),
  notify: (title: string, body: string) => {
    invoke<null>(IpcChannels.notify, title, body).catch((error: unknown) =>
      console.warn(`notify failed: ${String(error)}`),
    );
  },
  connectToMaster: async (baseUrl: string) => {
    await invoke<null>(IpcChannels.connectToMaster, baseUrl);
  },
};

contextBridge.exposeInMainWorld(DESKTOP_API_KEY, api);
