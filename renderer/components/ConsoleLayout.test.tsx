// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
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
});
