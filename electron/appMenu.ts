import { Menu } from 'electron';
import { appMenuTemplate } from './menuTemplate';
import type { AppMenuActions } from './menuTemplate';

export type { AppMenuActions } from './menuTemplate';

export function buildAppMenu(actions: AppMenuActions, platform: NodeJS.Platform = process.platform): Menu {
  return Menu.buildFromTemplate(appMenuTemplate(actions, platform));
}
