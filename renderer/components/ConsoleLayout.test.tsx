// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { folders } from '../state/catalogFixture';
import { workerRow } from '../state/workerFixture';
import type { FakeHandlers } from '../test/fakeApiClient';
import { renderWithApi } from '../test/renderWithApi';
import { ConsoleLayout } from './ConsoleLayout';
import { dashboard, masterInfo } from './scaleout/scaleOutFixtures';

const handlers: FakeHandlers = {
  'catalog.tree': () => ({ folders: [] }),
  'worker.list': () => ({ workers: [workerRow({ workerId: 'w1', name: 'w1' })] }),
  'worker.health': () => ({ samples: [] }),
  'worker.enrolmentToken.list': () => ({ tokens: [] }),
  'execution.list': () => ({ executions: [], total: 0 }),
  'master.info': () => masterInfo(),
  'master.dashboard': () => dashboard(),
};

describe('ConsoleLayout', () => {
  it('opens Scale Out Manager from a worker in the Object Explorer', async () => {
    renderWithApi(<ConsoleLayout onDisconnect={() => undefined} />, handlers);
    await userEvent.click(await screen.findByTestId('tree-worker-w1'));
    expect(await screen.findByTestId('tab-scale-out-manager')).toBeTruthy();
    expect((await screen.findByTestId('worker-online-w1')).dataset.state).toBe('online');
    expect(screen.getByTestId('workers-grid')).toBeTruthy();
  });

  it('opens Scale Out Manager and Worker Health from the header, each once', async () => {
    const user = userEvent.setup();
    renderWithApi(<ConsoleLayout onDisconnect={() => undefined} />, handlers);
    await user.click(screen.getByTestId('header-worker-health'));
    expect(await screen.findByTestId('health-row-w1')).toBeTruthy();
    await user.click(screen.getByTestId('header-scale-out-manager'));
    expect(await screen.findByTestId('scale-out-manager')).toBeTruthy();
    await user.click(screen.getByTestId('open-worker-health'));
    await waitFor(() =>
      expect(screen.getByTestId('tab-worker-health').getAttribute('aria-selected')).toBe('true'),
    );
    expect(screen.getAllByTestId('tab-worker-health')).toHaveLength(1);
  });

  it('Reports > All Executions shows the tab filtered to the folder, project or package, kept across tabs', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApi(<ConsoleLayout onDisconnect={() => undefined} />, {
      ...handlers,
      'catalog.tree': () => ({ folders }),
    });
    const inputValue = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement).value;
    const report = async (treeTestId: string) => {
      fireEvent.contextMenu(await screen.findByTestId(treeTestId));
      await user.click(screen.getByTestId('menu-report-all-executions'));
    };
    const base = { offset: 0, limit: 50, sortBy: 'executionId', sortDirection: 'desc' };
    const lastList = () => api.callsOf('execution.list').at(-1);

    // From another tab: All Executions comes to the front, already filtered to the project.
    await user.click(screen.getByTestId('header-scale-out-manager'));
    await screen.findByTestId('scale-out-manager');
    await report('tree-project-Sales/Load');
    await waitFor(() =>
      expect(screen.getByTestId('tab-executions').getAttribute('aria-selected')).toBe('true'),
    );
    await waitFor(() => expect(lastList()).toEqual({ ...base, folderName: 'Sales', projectName: 'Load' }));
    expect(inputValue('executions-filter-folder')).toBe('Sales');
    expect(inputValue('executions-filter-project')).toBe('Load');

    // A package replaces the filters; the same report twice still applies after the filters changed.
    await report('tree-package-Sales/Load/a.pkg');
    await waitFor(() =>
      expect(lastList()).toEqual({ ...base, folderName: 'Sales', projectName: 'Load', packageName: 'a.pkg' }),
    );
    await user.click(screen.getByTestId('executions-clear-filters'));
    await waitFor(() => expect(lastList()).toEqual(base));
    await report('tree-package-Sales/Load/a.pkg');
    await waitFor(() => expect(inputValue('executions-filter-package')).toBe('a.pkg'));

    // Switching tabs and back keeps what the filter bar shows (only the shown tab is mounted).
    await user.click(screen.getByTestId('tab-scale-out-manager'));
    await screen.findByTestId('scale-out-manager');
    await user.click(screen.getByTestId('tab-executions'));
    await waitFor(() => expect(inputValue('executions-filter-package')).toBe('a.pkg'));
    expect(lastList()).toEqual({ ...base, folderName: 'Sales', projectName: 'Load', packageName: 'a.pkg' });

    // A folder: only the folder.
    await report('tree-folder-Finance');
    await waitFor(() => expect(lastList()).toEqual({ ...base, folderName: 'Finance' }));
    expect(inputValue('executions-filter-project')).toBe('');
  });

  it('shows a package’s Properties from the Object Explorer', async () => {
    renderWithApi(<ConsoleLayout onDisconnect={() => undefined} />, {
      ...handlers,
      'catalog.tree': () => ({ folders }),
    });
    fireEvent.contextMenu(await screen.findByTestId('tree-package-Sales/Load/a.pkg'));
    await userEvent.click(screen.getByTestId('menu-properties'));
    expect(await screen.findByTestId('object-properties-parameter-Day')).toBeTruthy();
    expect(screen.getByTestId('object-property-project').textContent).toBe('Load');
  });
});
