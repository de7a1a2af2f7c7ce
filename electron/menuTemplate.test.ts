import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate } from './menuTemplate';

const actions = () => ({
  deployProject: vi.fn(),
  connectToMaster: vi.fn(),
  openDataFolder: vi.fn(),
  about: vi.fn(),
  openDocumentation: vi.fn(),
});

const submenu = (template: MenuItemConstructorOptions[], label: string) =>
  (template.find((m) => m.label === label)?.submenu ?? []) as MenuItemConstructorOptions[];
const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role ?? i.type);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();

describe('the application menu', () => {
  it('has File (Deploy project, Connect to master, Open data folder, Quit), Edit, View and Help', () => {
    const template = appMenuTemplate(actions(), 'linux');
    expect(labels(template)).toEqual(['&File', 'editMenu', '&View', '&Help']);
    expect(labels(submenu(template, '&File'))).toEqual([
      'Deploy project...',
      'Connect to master...',
      'Open data folder',
      'separator',
      'quit',
    ]);
    expect(labels(submenu(template, '&Help'))).toEqual([
      'Documentation',
      'separator',
      'About Scale Out Console',
    ]);
  });

  it('each item calls its own action', () => {
    const a = actions();
    const template = appMenuTemplate(a, 'linux');
    const file = submenu(template, '&File');
    click(file.find((i) => i.label === 'Deploy project...'));
    click(file.find((i) => i.label === 'Connect to master...'));
    click(file.find((i) => i.label === 'Open data folder'));
    const help = submenu(template, '&Help');
    click(help.find((i) => i.label === 'Documentation'));
    click(help.find((i) => i.label === 'About Scale Out Console'));
    for (const fn of Object.values(a)) expect(fn).toHaveBeenCalledTimes(1);
  });

  it('adds the macOS application menu only on macOS', () => {
    expect(appMenuTemplate(actions(), 'darwin')[0]).toEqual({ role: 'appMenu' });
    expect(appMenuTemplate(actions(), 'win32')[0]?.label).toBe('&File');
  });
});
