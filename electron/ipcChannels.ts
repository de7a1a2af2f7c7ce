/**
 * The desktop bridge's contract, shared by the preload and the main process. No `electron` import
 * here: the sandboxed preload bundles this file, and the tests read it without Electron.
 */

export const IpcChannels = {
  appVersion: 'desktop:appVersion',
  chooseProjectFolder: 'desktop:chooseProjectFolder',
  notify: 'desktop:notify',
  connectToMaster: 'desktop:connectToMaster',
} as const;
export type IpcChannel = (typeof IpcChannels)[keyof typeof IpcChannels];

/** Bounds on what the renderer may send; anything longer is rejected, not truncated. */
export const NOTIFY_TITLE_MAX_LENGTH = 200;
export const NOTIFY_BODY_MAX_LENGTH = 2_000;
export const MASTER_URL_MAX_LENGTH = 2_000;

/** Every handler answers with an envelope, so errors cross the bridge as data, not as Electron's wrapped text. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** What `window.scaleoutDesktop` offers the console when it runs inside the desktop shell. */
export interface ScaleoutDesktopApi {
  appVersion(): Promise<string>;
  chooseProjectFolder(): Promise<string | null>;
  notify(title: string, body: string): void;
  /** Lets this window open another master's console (File > Connect to master, or the Connect dialog). */
  connectToMaster(baseUrl: string): Promise<void>;
}

export const DESKTOP_API_KEY = 'scaleoutDesktop';
