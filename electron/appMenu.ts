import { Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';

/** The application menu. The actions live elsewhere; this file only lays them out. */
export interface AppMenuActions {
  deployProject(): void;
  openDataFolder(): void;
  about(): void;
  openDocumentation(): void;
}

export function buildAppMenu(actions: AppMenuActions, platform: NodeJS.Platform = process.platform): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Deploy project...', accelerator: 'CmdOrCtrl+O', click: () => actions.deployProject() },
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
        { label: 'About Scale Out Console', click: () => actions.about() },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
