// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FolderInfo } from '../../master-core/protocol/api';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { folders as fixture } from '../state/catalogFixture';
import { renderWithApi } from '../test/renderWithApi';
import type { FakeHandlers } from '../test/fakeApiClient';
import { ObjectExplorer } from './ObjectExplorer';

const folders: FolderInfo[] = [
  ...fixture,
  {
    name: 'Ops',
    description: '',
    projects: [],
    environments: [{ name: 'Prod', description: '', variables: [] }],
  },
];

function renderExplorer(handlers: FakeHandlers = {}) {
  const props = {
    onExecute: vi.fn(),
    onOpenWorkers: vi.fn(),
    onRefresh: vi.fn(),
    onShowExecutions: vi.fn(),
  };
  const result = renderWithApi(
    <ObjectExplorer folders={folders} workers={[]} errors={[]} {...props} />,
    handlers,
  );
  return { ...result, ...props };
}

const menuLabels = () =>
  within(screen.getByRole('menu'))
    .getAllByRole('menuitem')
    .map((m) => m.textContent);
const setText = (testId: string, value: string) =>
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
const treeItem = (testId: string) => screen.getByTestId(testId).closest('li')!;

describe('ObjectExplorer context menus', () => {
  it('offers SSMS’s entries on a right-clicked project', () => {
    renderExplorer();
    fireEvent.contextMenu(screen.getByTestId('tree-project-Sales/Load'), { clientX: 50, clientY: 60 });
    expect(menuLabels()).toEqual([
      'Execute in Scale Out... (2 packages)',
      'Configure...',
      'Versions...',
      'Deploy Project...',
      'Reports > All Executions',
      'Delete',
      'Properties',
      'Refresh',
    ]);
  });

  it('opens the focused item’s menu with Shift+F10 and with the context menu key', async () => {
    renderExplorer();
    const folder = treeItem('tree-folder-Sales');
    folder.focus();
    fireEvent.keyDown(folder, { key: 'F10', shiftKey: true });
    expect(menuLabels()).toEqual([
      'Execute in Scale Out... (2 packages)',
      'Deploy Project...',
      'Create Environment...',
      'Reports > All Executions',
      'Delete',
      'Properties',
      'Refresh',
    ]);
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    const env = treeItem('tree-environment-Ops/Prod');
    fireEvent.keyDown(env, { key: 'ContextMenu' });
    expect(menuLabels()).toEqual(['Properties', 'Delete', 'Refresh']);
  });

  it('runs Execute in Scale Out with the package’s path', async () => {
    const { onExecute } = renderExplorer();
    fireEvent.contextMenu(screen.getByTestId('tree-package-Sales/Load/a.pkg'));
    await userEvent.click(screen.getByTestId('menu-execute'));
    expect(onExecute).toHaveBeenCalledWith([{ folder: 'Sales', project: 'Load', package: 'a.pkg' }]);
  });

  it('opens the All Executions report on a folder, a project and a package', async () => {
    const { onShowExecutions } = renderExplorer();
    for (const testId of ['tree-folder-Sales', 'tree-project-Sales/Load', 'tree-package-Sales/Load/a.pkg']) {
      fireEvent.contextMenu(screen.getByTestId(testId));
      await userEvent.click(screen.getByTestId('menu-report-all-executions'));
      await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
    }
    expect(onShowExecutions.mock.calls).toEqual([
      [{ folder: 'Sales' }],
      [{ folder: 'Sales', project: 'Load' }],
      [{ folder: 'Sales', project: 'Load', package: 'a.pkg' }],
    ]);
  });

  it('leaves the report out when there is no All Executions tab to show it', () => {
    renderWithApi(
      <ObjectExplorer
        folders={folders}
        workers={[]}
        errors={[]}
        onExecute={vi.fn()}
        onOpenWorkers={vi.fn()}
        onRefresh={vi.fn()}
      />,
    );
    fireEvent.contextMenu(screen.getByTestId('tree-package-Sales/Load/a.pkg'));
    expect(menuLabels()).toEqual(['Execute in Scale Out...', 'Configure...', 'Properties', 'Refresh']);
  });

  it('creates a folder from the SSISDB menu and refreshes the tree', async () => {
    const { api, onRefresh } = renderExplorer({ 'folder.create': () => ({ created: true }) });
    fireEvent.contextMenu(screen.getByText('SSISDB'));
    await userEvent.click(screen.getByTestId('menu-create-folder'));
    setText('create-folder-name', 'Marketing');
    setText('create-folder-description', 'Campaign loads');
    await userEvent.click(screen.getByTestId('create-folder-ok'));
    await waitFor(() => expect(screen.queryByTestId('create-folder-dialog')).toBeNull());
    expect(api.callsOf('folder.create')).toEqual([{ name: 'Marketing', description: 'Campaign loads' }]);
    expect(onRefresh).toHaveBeenCalled();
  });

  it('refuses a bad folder name before asking the master, and shows an existing folder', async () => {
    const { api } = renderExplorer({ 'folder.create': () => ({ created: false }) });
    fireEvent.contextMenu(screen.getByText('SSISDB'));
    await userEvent.click(screen.getByTestId('menu-create-folder'));
    setText('create-folder-name', '9 lives');
    await userEvent.click(screen.getByTestId('create-folder-ok'));
    expect(await screen.findByText(/Name must start with a letter/)).toBeTruthy();
    expect(api.callsOf('folder.create')).toEqual([]);
    setText('create-folder-name', 'Sales');
    await userEvent.type(screen.getByTestId('create-folder-name'), '{Enter}');
    expect((await screen.findByTestId('create-folder-error')).textContent).toBe(
      'A folder named Sales already exists.',
    );
  });

  it('asks before deleting a folder, naming it, and shows the master’s refusal', async () => {
    const { api, onRefresh } = renderExplorer({
      'folder.delete': () => {
        throw new ScaleOutError(
          'CONFLICT',
          'folder Sales holds 2 projects and 0 environments; delete them first',
        );
      },
    });
    fireEvent.contextMenu(screen.getByTestId('tree-folder-Sales'));
    await userEvent.click(screen.getByTestId('menu-delete'));
    expect(screen.getByTestId('confirm-question').textContent).toContain('"Sales"');
    expect(api.callsOf('folder.delete')).toEqual([]);
    await userEvent.click(screen.getByTestId('confirm-ok'));
    expect((await screen.findByTestId('confirm-error')).textContent).toBe(
      'folder Sales holds 2 projects and 0 environments; delete them first',
    );
    expect(api.callsOf('folder.delete')).toEqual([{ name: 'Sales' }]);
    expect(onRefresh).not.toHaveBeenCalled();
  });

  it('deletes a project and an environment after confirmation', async () => {
    const { api, onRefresh } = renderExplorer({
      'project.delete': () => ({}),
      'environment.delete': () => ({}),
    });
    fireEvent.contextMenu(screen.getByTestId('tree-project-Sales/Load'));
    await userEvent.click(screen.getByTestId('menu-delete'));
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    fireEvent.contextMenu(screen.getByTestId('tree-environment-Ops/Prod'));
    await userEvent.click(screen.getByTestId('menu-delete'));
    expect(screen.getByTestId('confirm-question').textContent).toContain('"Prod"');
    await userEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(api.callsOf('project.delete')).toEqual([{ folderName: 'Sales', projectName: 'Load' }]);
    expect(api.callsOf('environment.delete')).toEqual([{ folderName: 'Ops', environmentName: 'Prod' }]);
    expect(onRefresh).toHaveBeenCalledTimes(2);
  });

  it('cancelling a delete sends nothing', async () => {
    const { api } = renderExplorer({ 'project.delete': () => ({}) });
    fireEvent.contextMenu(screen.getByTestId('tree-project-Sales/Load'));
    await userEvent.click(screen.getByTestId('menu-delete'));
    await userEvent.click(screen.getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm-dialog')).toBeNull());
    expect(api.callsOf('project.delete')).toEqual([]);
  });

  it('creates an environment in the folder', async () => {
    const { api } = renderExplorer({ 'environment.create': () => ({}) });
    fireEvent.contextMenu(screen.getByTestId('tree-folder-Ops'));
    await userEvent.click(screen.getByTestId('menu-create-environment'));
    setText('create-environment-name', 'Test');
    await userEvent.type(screen.getByTestId('create-environment-name'), '{Enter}');
    await waitFor(() =>
      expect(api.callsOf('environment.create')).toEqual([
        { folderName: 'Ops', environmentName: 'Test', description: '' },
      ]),
    );
  });

  it('opens each dialog for the object it was opened on', async () => {
    renderExplorer({
      'project.versions': () => ({ versions: [] }),
      'project.parameters': () => ({ parameters: [] }),
      'project.references': () => ({ references: [] }),
      'environment.list': () => ({ environments: [{ name: 'Prod', description: '', variables: [] }] }),
      'property.list': () => ({ properties: [] }),
      'catalog.tree': () => ({ folders }),
    });
    const open = async (testId: string | HTMLElement, item: string, dialog: string, close: string) => {
      fireEvent.contextMenu(typeof testId === 'string' ? screen.getByTestId(testId) : testId);
      await userEvent.click(screen.getByTestId(`menu-${item}`));
      expect(await screen.findByTestId(dialog)).toBeTruthy();
      await userEvent.click(screen.getByTestId(close));
      await waitFor(() => expect(screen.queryByTestId(dialog)).toBeNull());
    };
    await open('tree-project-Sales/Load', 'versions', 'versions-dialog', 'versions-close');
    await open('tree-package-Sales/Load/a.pkg', 'configure', 'configure-dialog', 'configure-close');
    await open('tree-environment-Ops/Prod', 'properties', 'environment-dialog', 'environment-close');
    await open(screen.getByText('SSISDB'), 'properties', 'properties-dialog', 'properties-cancel');
    await open('tree-folder-Finance', 'properties', 'object-properties-dialog', 'object-properties-close');
    await open('tree-folder-Finance', 'deploy', 'deploy-dialog', 'deploy-close');
  });
});
