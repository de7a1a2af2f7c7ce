// @vitest-environment jsdom
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ExecutionRow } from '../../../master-core/protocol/api';
import { AccessProvider } from '../../connection/AccessProvider';
import { folders } from '../../state/catalogFixture';
import { workerRow } from '../../state/workerFixture';
import { renderWithApi } from '../../test/renderWithApi';
import { ExecutionControls } from '../ExecutionControls';
import { ObjectExplorer } from '../ObjectExplorer';
import { WorkerActions } from '../WorkerActions';
import { permissionRow, whoami } from './securityFixtures';

type WhoAmI = ReturnType<typeof whoami>;

function explorer(me: WhoAmI) {
  return renderWithApi(
    <AccessProvider>
      <ObjectExplorer
        folders={folders}
        workers={[workerRow()]}
        errors={[]}
        onExecute={() => undefined}
        onOpenWorkers={() => undefined}
        onRefresh={() => undefined}
        onShowExecutions={() => undefined}
      />
    </AccessProvider>,
    { 'auth.whoami': () => me },
  );
}

/** The menu entries offered on a tree item, once whoami has answered. */
async function menuOf(testId: string, api: { callsOf: (m: 'auth.whoami') => unknown[] }): Promise<string[]> {
  await waitFor(() => expect(api.callsOf('auth.whoami')).toHaveLength(1));
  await waitFor(() => expect(screen.queryByRole('menu')).toBeNull());
  fireEvent.contextMenu(testId === 'SSISDB' ? screen.getByText('SSISDB') : await screen.findByTestId(testId));
  const items = await screen.findAllByRole('menuitem');
  const ids = items.map((i) => i.getAttribute('data-testid') ?? '');
  fireEvent.keyDown(items[0]!, { key: 'Escape' });
  return ids;
}

describe('role-aware Object Explorer', () => {
  it('offers a viewer no Execute, Deploy, Configure, Create or Delete, only reading', async () => {
    const { api } = explorer(whoami('viewer'));
    await waitFor(() => expect(screen.queryByTestId('toolbar-execute')).toBeNull());
    expect(await menuOf('tree-folder-Sales', api)).toEqual([
      'menu-report-all-executions',
      'menu-properties',
      'menu-refresh',
    ]);
    expect(await menuOf('tree-project-Sales/Load', api)).toEqual([
      'menu-versions',
      'menu-report-all-executions',
      'menu-properties',
      'menu-refresh',
    ]);
  });

  it('offers an executor Execute but not Deploy on a folder without Modify, and Deploy where it has Modify', async () => {
    const { api } = explorer(whoami('executor', [permissionRow({ folderName: 'Finance', modify: true })]));
    expect(await menuOf('tree-folder-Sales', api)).toEqual([
      'menu-execute',
      'menu-report-all-executions',
      'menu-properties',
      'menu-refresh',
    ]);
    expect(await menuOf('tree-folder-Finance', api)).toEqual([
      'menu-execute',
      'menu-deploy',
      'menu-create-environment',
      'menu-report-all-executions',
      'menu-properties',
      'menu-refresh',
    ]);
    // SSISDB: no Create Folder or catalog properties (admin), Deploy since one folder allows it.
    expect(await menuOf('SSISDB', api)).toEqual(['menu-deploy', 'menu-refresh']);
  });

  it('offers an admin everything, the console credential included', async () => {
    const { api } = explorer(whoami('admin', [], 'console'));
    expect(await menuOf('tree-folder-Sales', api)).toEqual([
      'menu-execute',
      'menu-deploy',
      'menu-create-environment',
      'menu-report-all-executions',
      'menu-delete',
      'menu-properties',
      'menu-refresh',
    ]);
  });

  it('offers everything and says why when the master cannot say who is calling', async () => {
    const { api } = renderWithApi(
      <AccessProvider>
        <ObjectExplorer
          folders={folders}
          workers={[]}
          errors={[]}
          onExecute={() => undefined}
          onOpenWorkers={() => undefined}
          onRefresh={() => undefined}
        />
      </AccessProvider>,
      {},
    );
    expect(await menuOf('tree-folder-Sales', api)).toContain('menu-delete');
  });
});

describe('role-aware actions', () => {
  it('shows worker actions to an admin only', async () => {
    renderWithApi(
      <AccessProvider>
        <WorkerActions worker={workerRow()} onEdit={() => undefined} onRevoke={() => undefined} />
      </AccessProvider>,
      { 'auth.whoami': () => whoami('executor') },
    );
    // Nothing while whoami is on its way, nothing for an executor afterwards.
    expect(screen.queryByTestId('worker-disable-etl-01')).toBeNull();
    await waitFor(() => expect(screen.queryByRole('button')).toBeNull());
  });

  it('disables Stop and Run again for a viewer, saying why', async () => {
    const execution: ExecutionRow = {
      executionId: 7,
      folderName: 'Sales',
      projectName: 'Load',
      packageName: 'a.pkg',
      versionId: 1,
      status: 2,
      createdAt: '2026-11-29T10:00:00.000Z',
      startedAt: '2026-11-29T10:00:01.000Z',
      endedAt: null,
      workerName: 'etl-01',
      machineName: 'etl-01.example',
      attempts: 1,
      retryCount: 0,
      priority: 5,
      loggingLevel: 1,
      timeoutMs: null,
      targeting: { kind: 'any' },
      environmentName: null,
      createdBy: 'ops',
      lastError: null,
    };
    renderWithApi(
      <AccessProvider>
        <ExecutionControls execution={execution} />
      </AccessProvider>,
      { 'auth.whoami': () => whoami('viewer') },
    );
    const reason = 'ann (viewer) has no Execute permission on the folder Sales';
    await waitFor(() =>
      expect(screen.getByTestId('stop-7').closest('[data-why-not]')?.getAttribute('data-why-not')).toBe(
        reason,
      ),
    );
    expect((screen.getByTestId('stop-7') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('run-again-7') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getAllByLabelText(reason)).toHaveLength(2);
  });
});
