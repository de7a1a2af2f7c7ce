import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The console window's options, Electron's security checklist in one place: sandboxed, isolated,
 * no Node anywhere (page, workers, subframes), web security on, no <webview>, no drag-and-drop
 * navigation. The window factory uses nothing else; the tests assert every one of these.
 */
export function consoleWindowOptions(preloadPath: string, title: string): BrowserWindowConstructorOptions {
  return {
    title,
    width: 1400,
    height: 900,
    minWidth: 800,
    minHeight: 500,
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}
