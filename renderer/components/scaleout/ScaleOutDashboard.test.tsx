// @vitest-environment jsdom
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { useDashboard } from '../../hooks/useDashboard';
import { renderWithApi } from '../../test/renderWithApi';
import { workerRow } from '../../state/workerFixture';
import { ScaleOutDashboard } from './ScaleOutDashboard';
import { dashboard, FINGERPRINT, masterInfo } from './scaleOutFixtures';

function Dashboard() {
  return <ScaleOutDashboard state={useDashboard()} />;
}

afterEach(() => vi.useRealTimers());

describe('ScaleOutDashboard', () => {
  it('shows loading until the master answers', () => {
    renderWithApi(<Dashboard />, {
      'master.dashboard': () => new Promise(() => undefined),
      'master.info': () => new Promise(() => undefined),
    });
    expect(screen.getByTestId('dashboard-loading')).toBeTruthy();
  });

  it('shows the endpoint, fingerprint, TLS, uptime, queue, workers by state and the hour', async () => {
    renderWithApi(<Dashboard />, {
      'master.dashboard': () => dashboard(),
      'master.info': () => masterInfo(),
    });
    expect((await screen.findByTestId('dashboard-endpoint')).textContent).toBe(
      'wss://master.example:8391/agent',
    );
    expect(screen.getByTestId('dashboard-ca-fingerprint').textContent).toBe(FINGERPRINT);
    expect(screen.getByTestId('dashboard-tls').dataset.tls).toBe('true');
    expect(screen.queryByTestId('dashboard-tls-warning')).toBeNull();
    expect(screen.getByTestId('dashboard-uptime').textContent).toBe('2 h 05 min');
    expect(screen.getByTestId('dashboard-queue').textContent).toBe('4');
    expect(screen.getByTestId('dashboard-running').textContent).toBe('3');
    expect(screen.getByTestId('dashboard-workers-offline').dataset.count).toBe('3');
    expect(screen.getByTestId('dashboard-workers-suspect').dataset.count).toBe('0');
    expect(screen.getByTestId('dashboard-workers').textContent).toContain('Workers (7)');
    expect(screen.getByTestId('dashboard-hour-totals').textContent).toBe(
      'Last hour: 64 started, 61 succeeded, 1 failed',
    );
    expect(screen.queryByTestId('dashboard-loading')).toBeNull();
  });

  it('warns when the agent endpoint has no TLS and shows a CA rotation', async () => {
    renderWithApi(<Dashboard />, {
      'master.dashboard': () => dashboard(),
      'master.info': () =>
        masterInfo({
          agentTls: false,
          advertisedAgentUrl: '',
          agentUrl: 'ws://10.0.0.1:8391/agent',
          pendingCaFingerprint: 'cd'.repeat(32),
          caSwitchAt: '2026-12-01T00:00:00.000Z',
        }),
    });
    expect((await screen.findByTestId('dashboard-tls-warning')).textContent).toContain('not encrypted');
    expect(screen.getByTestId('dashboard-endpoint').textContent).toBe('ws://10.0.0.1:8391/agent');
    expect(screen.getByTestId('dashboard-ca-rotation').textContent).toContain('cd'.repeat(32));
  });

  it('copies the CA fingerprint', async () => {
    const user = userEvent.setup();
    renderWithApi(<Dashboard />, {
      'master.dashboard': () => dashboard(),
      'master.info': () => masterInfo(),
    });
    await user.click(await screen.findByTestId('dashboard-copy-fingerprint'));
    expect(await navigator.clipboard.readText()).toBe(FINGERPRINT);
    expect(await screen.findByText('Copied')).toBeTruthy();
  });

  it('shows the master’s error instead of swallowing it', async () => {
    renderWithApi(<Dashboard />, {
      'master.dashboard': () => {
        throw new ScaleOutError('INTERNAL', 'catalog is locked');
      },
      'master.info': () => masterInfo(),
    });
    expect((await screen.findByTestId('dashboard-error')).textContent).toBe('catalog is locked');
    expect(screen.getByTestId('dashboard-endpoint')).toBeTruthy();
  });

  it('refreshes on live events, throttled', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let queue = 4;
    const { api } = renderWithApi(<Dashboard />, {
      'master.dashboard': () => dashboard({ queueDepth: queue }),
      'master.info': () => masterInfo(),
    });
    expect((await screen.findByTestId('dashboard-queue')).textContent).toBe('4');
    await act(async () => vi.advanceTimersByTimeAsync(4000));
    const before = api.callsOf('master.dashboard').length;
    queue = 9;
    act(() => {
      for (let i = 0; i < 5; i += 1) api.emit({ type: 'worker:changed', worker: workerRow() });
    });
    await waitFor(() => expect(screen.getByTestId('dashboard-queue').textContent).toBe('9'));
    await act(async () => vi.advanceTimersByTimeAsync(3500));
    // Five events: one refresh at once, one folded trailing refresh.
    expect(api.callsOf('master.dashboard').length - before).toBeLessThanOrEqual(2);
  });

  it('loads once at start and again after the events socket comes back', async () => {
    const { api } = renderWithApi(<Dashboard />, {
      'master.dashboard': () => dashboard(),
      'master.info': () => masterInfo(),
    });
    await screen.findByTestId('dashboard-queue');
    await new Promise((r) => setTimeout(r, 50));
    expect(api.callsOf('master.dashboard')).toHaveLength(1);
    act(() => api.setConnected(false));
    act(() => api.setConnected(true));
    await waitFor(() => expect(api.callsOf('master.dashboard')).toHaveLength(2));
  });
});
