// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HealthSample, WorkerRow } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { useWorkers } from '../../hooks/useWorkers';
import { workerRow } from '../../state/workerFixture';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { renderWithApi } from '../../test/renderWithApi';
import { WorkerHealthView } from './WorkerHealthView';

function Health() {
  return <WorkerHealthView workers={useWorkers()} />;
}

const agoIso = (ms: number) => new Date(Date.now() - ms).toISOString();
const sample = (agoMs: number, cpuPercent: number): HealthSample => ({
  timeMs: Date.now() - agoMs,
  cpuPercent,
  freeMemoryBytes: 2e9,
  freeDiskBytes: 4e10,
  runningTasks: 1,
});

function fleet(): WorkerRow[] {
  return [
    workerRow({
      workerId: 'a',
      name: 'alpha',
      tags: ['etl'],
      cpuPercent: 20,
      runningTasks: 1,
      maxTasks: 4,
      lastSeenAt: agoIso(2000),
    }),
    workerRow({
      workerId: 'b',
      name: 'bravo',
      tags: ['etl', 'gpu'],
      cpuPercent: 80,
      lastSeenAt: agoIso(1000),
    }),
    workerRow({
      workerId: 'c',
      name: 'charlie',
      state: 'offline',
      stateReason: 'not connected; last seen 300 s ago',
      online: false,
      cpuPercent: null,
      freeMemoryBytes: null,
      freeDiskBytes: null,
      lastSeenAt: agoIso(300_000),
    }),
  ];
}

function handlers(workers: WorkerRow[] = fleet(), over: FakeHandlers = {}): FakeHandlers {
  return {
    'worker.list': () => ({ workers }),
    'worker.health': ({ workerId }) => ({
      samples: workerId === 'a' ? [sample(60_000, 10), sample(30_000, 15)] : [],
    }),
    ...over,
  };
}

const rowNames = () =>
  screen
    .getAllByRole('row')
    .slice(1)
    .map((r) => r.dataset.testid?.replace('health-row-', ''));

afterEach(() => vi.useRealTimers());

describe('WorkerHealthView', () => {
  it('shows loading, then every worker with state, reason, figures and history', async () => {
    renderWithApi(<Health />, handlers());
    expect(screen.getByTestId('health-loading')).toBeTruthy();
    expect((await screen.findByTestId('health-state-charlie')).dataset.state).toBe('offline');
    expect(screen.getByText('not connected; last seen 300 s ago')).toBeTruthy();
    expect(screen.getByTestId('health-cpu-alpha').textContent).toBe('20.0 %');
    expect(screen.getByTestId('health-cpu-charlie').textContent).toBe('no report');
    expect(screen.getByTestId('health-memory-alpha').textContent).toBe('75 % used');
    expect(screen.getByTestId('health-disk-alpha').textContent).toBe('46.6 GB free');
    expect(screen.getByTestId('health-tasks-alpha').textContent).toBe('1 / 4');
    expect(screen.getByTestId('health-heartbeat-charlie').textContent).toBe('5 min 00 s ago');
    await waitFor(() => expect(screen.getByTestId('health-cpu-line-alpha').dataset.points).toBe('2'));
    // State sort by default: what needs attention first.
    expect(rowNames()).toEqual(['charlie', 'alpha', 'bravo']);
  });

  it('says when there are no workers', async () => {
    renderWithApi(<Health />, handlers([]));
    expect((await screen.findByTestId('health-empty')).textContent).toBe(
      'No workers yet: add one in Scale Out Manager.',
    );
  });

  it('shows why the workers could not load', async () => {
    renderWithApi(
      <Health />,
      handlers([], {
        'worker.list': () => {
          throw new ScaleOutError('UNAVAILABLE', 'master is starting');
        },
      }),
    );
    expect((await screen.findByTestId('health-error')).textContent).toBe('master is starting');
  });

  it('shows a worker’s history error on its row', async () => {
    renderWithApi(
      <Health />,
      handlers(undefined, {
        'worker.health': ({ workerId }) => {
          if (workerId === 'b') throw new ScaleOutError('INTERNAL', 'disk I/O error');
          return { samples: [] };
        },
      }),
    );
    expect((await screen.findByTestId('health-history-error-bravo')).textContent).toBe(
      'history: disk I/O error',
    );
  });

  it('adds live samples from worker:changed and updates the figures', async () => {
    const { api } = renderWithApi(<Health />, handlers());
    await waitFor(() => expect(screen.getByTestId('health-cpu-line-alpha').dataset.points).toBe('2'));
    act(() =>
      api.emit({
        type: 'worker:changed',
        worker: { ...fleet()[0]!, cpuPercent: 55, runningTasks: 3, lastSeenAt: agoIso(0) },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('health-cpu-alpha').textContent).toBe('55.0 %'));
    expect(screen.getByTestId('health-tasks-alpha').textContent).toBe('3 / 4');
    await waitFor(() => expect(screen.getByTestId('health-cpu-line-alpha').dataset.points).toBe('3'));
  });

  it('ticks the heartbeat age', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderWithApi(<Health />, handlers());
    expect((await screen.findByTestId('health-heartbeat-bravo')).textContent).toBe('1 s ago');
    await act(async () => vi.advanceTimersByTimeAsync(5000));
    expect(screen.getByTestId('health-heartbeat-bravo').textContent).toMatch(/^[67] s ago$/);
  });

  it('sorts by CPU, then the other way', async () => {
    renderWithApi(<Health />, handlers());
    await screen.findByTestId('health-row-alpha');
    await userEvent.click(screen.getByTestId('health-sort-cpu'));
    expect(rowNames()).toEqual(['alpha', 'bravo', 'charlie']);
    await userEvent.click(screen.getByTestId('health-sort-cpu'));
    expect(rowNames()).toEqual(['bravo', 'alpha', 'charlie']);
    await userEvent.click(screen.getByTestId('health-sort-name'));
    expect(rowNames()).toEqual(['alpha', 'bravo', 'charlie']);
  });

  it('filters by state, tag and text', async () => {
    const user = userEvent.setup();
    renderWithApi(<Health />, handlers());
    await screen.findByTestId('health-row-alpha');
    await user.click(screen.getByTestId('health-filter-state-offline'));
    expect(rowNames()).toEqual(['charlie']);
    expect(screen.getByTestId('health-count').textContent).toBe('1 of 3 workers');
    await user.click(screen.getByTestId('health-filter-state-offline'));
    await user.click(screen.getByTestId('health-filter-tags'));
    await user.click(within(screen.getByRole('listbox')).getByText('gpu'));
    expect(rowNames()).toEqual(['bravo']);
    await user.keyboard('{Backspace}');
    await user.type(screen.getByTestId('health-filter-text'), 'zulu');
    expect(screen.getByTestId('health-empty').textContent).toBe('No worker matches the filter.');
  });

  it('renders and fetches history only for the workers in view, and more as the list scrolls', async () => {
    const many = Array.from({ length: 400 }, (_, i) =>
      workerRow({ workerId: `w${i}`, name: `w${String(i).padStart(3, '0')}`, lastSeenAt: agoIso(1000) }),
    );
    const { api } = renderWithApi(<Health />, handlers(many, { 'worker.health': () => ({ samples: [] }) }));
    await screen.findByTestId('health-row-w000');
    const rendered = screen.getAllByRole('row').length - 1;
    expect(rendered).toBeLessThan(30);
    await waitFor(() => expect(api.callsOf('worker.health').length).toBe(rendered));
    expect(api.callsOf('worker.health')[0]).toEqual({ workerId: 'w0', limit: 150 });
    const list = screen.getByTestId('health-list');
    list.scrollTop = 200 * 64;
    fireEvent.scroll(list);
    expect(await screen.findByTestId('health-row-w200')).toBeTruthy();
    expect(screen.queryByTestId('health-row-w000')).toBeNull();
    await waitFor(() => expect(api.callsOf('worker.health').map((c) => c.workerId)).toContain('w200'));
    expect(api.callsOf('worker.health').map((c) => c.workerId)).not.toContain('w399');
  });

  it('fetches the shown workers’ history again after the events socket comes back', async () => {
    const { api } = renderWithApi(<Health />, handlers());
    await waitFor(() => expect(api.callsOf('worker.health')).toHaveLength(3));
    act(() => api.setConnected(false));
    act(() => api.setConnected(true));
    await waitFor(() => expect(api.callsOf('worker.health')).toHaveLength(6));
  });
});
