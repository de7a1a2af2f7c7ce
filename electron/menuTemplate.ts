import type { MenuItemConstructorOptions } from 'electron';

/** The application menu as data (built into a Menu by appMenu.ts); the actions live elsewhere. */
export interface AppMenuActions {
  deployProject(): void;
  connectToMaster(): void;
  openDataFolder(): void;
  about(): void;
  openDocumentation(): void;
}

export const PRODUCT_NAME = 'Scale Out Console';

export function appMenuTemplate(
  actions: AppMenuActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Deploy project...', accelerator: 'CmdOrCtrl+O', click: () => actions.deployProject() },
        {
          label: 'Connect to master...',
          accelerator: 'CmdOrCtrl+Shift+C',
          click: () => actions.connectToMaster(),
        },
        { label: 'Open data folder', click: () => actions.openDataFolder() },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'forceReload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: '&Help',
      submenu: [
        { label: 'Documentation', click: () => actions.openDocumentation() },
        { type: 'separator' },
        { label: `About ${PRODUCT_NAME}`, click: () => actions.about() },
      ],
    },
  ];
}
