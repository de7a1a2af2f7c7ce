// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { EnrolmentTokenRow, WorkerRow } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { useWorkers } from '../../hooks/useWorkers';
import { workerRow } from '../../state/workerFixture';
import type { FakeHandlers } from '../../test/fakeApiClient';
import { renderWithApi } from '../../test/renderWithApi';
import { ScaleOutManager } from './ScaleOutManager';
import { dashboard, masterInfo } from './scaleOutFixtures';

function Manager({ onOpenWorkerHealth }: { onOpenWorkerHealth?: () => void }) {
  return <ScaleOutManager workers={useWorkers()} onOpenWorkerHealth={onOpenWorkerHealth} />;
}

const alpha = workerRow({ workerId: 'a', name: 'alpha', tags: ['etl'], stateReason: 'idle' });
const bravo = workerRow({
  workerId: 'b',
  name: 'bravo',
  enabled: false,
  state: 'disabled',
  stateReason: 'disabled: enable it to let it take work',
});

const token = (over: Partial<EnrolmentTokenRow> = {}): EnrolmentTokenRow => ({
  tokenId: 'tok-1',
  presetName: null,
  presetTags: null,
  createdBy: 'console',
  createdAt: '2026-11-29T02:00:00.000Z',
  expiresAt: '2026-11-29T03:00:00.000Z',
  usedAt: null,
  usedByWorkerId: null,
  usedByWorkerName: null,
  revokedAt: null,
  state: 'active',
  ...over,
});

function handlers(workers: WorkerRow[] = [alpha, bravo], over: FakeHandlers = {}): FakeHandlers {
  return {
    'master.dashboard': () => dashboard(),
    'master.info': () => masterInfo(),
    'worker.list': () => ({ workers }),
    'worker.enrolmentToken.list': () => ({ tokens: [] }),
    ...over,
  };
}

describe('ScaleOutManager', () => {
  it('lists every worker with its state and reason', async () => {
    renderWithApi(<Manager />, handlers());
    expect((await screen.findByTestId('worker-online-alpha')).dataset.state).toBe('online');
    expect(screen.getByTestId('worker-online-bravo').dataset.state).toBe('disabled');
    expect(screen.getByText('disabled: enable it to let it take work')).toBeTruthy();
    expect(screen.getByText('2 of 2 online')).toBeTruthy();
  });

  it('says when there are no workers yet', async () => {
    renderWithApi(<Manager />, handlers([]));
    expect(await screen.findByText('no workers yet: Add worker enrols one')).toBeTruthy();
  });

  it('shows why the worker list could not load', async () => {
    renderWithApi(
      <Manager />,
      handlers([], {
        'worker.list': () => {
          throw new ScaleOutError('UNAVAILABLE', 'catalog busy');
        },
      }),
    );
    expect((await screen.findByTestId('workers-error')).textContent).toBe('catalog busy');
  });

  it('follows worker:changed events', async () => {
    const { api } = renderWithApi(<Manager />, handlers());
    await screen.findByTestId('worker-online-bravo');
    act(() =>
      api.emit({
        type: 'worker:changed',
        worker: { ...bravo, enabled: true, state: 'online', stateReason: 'idle' },
      }),
    );
    await waitFor(() => expect(screen.getByTestId('worker-online-bravo').dataset.state).toBe('online'));
  });

  it('enables a worker with its name', async () => {
    const { api } = renderWithApi(<Manager />, handlers(undefined, { 'worker.enable': () => ({}) }));
    await userEvent.click(await screen.findByTestId('worker-enable-bravo'));
    await waitFor(() => expect(api.callsOf('worker.enable')).toEqual([{ name: 'bravo' }]));
  });

  it('edits a worker and says the change waits for an offline worker', async () => {
    const { api } = renderWithApi(
      <Manager />,
      handlers(undefined, {
        'worker.update': (input) => ({
          worker: { ...alpha, maxTasks: input.maxTasks ?? 4 },
          appliedLive: false,
        }),
      }),
    );
    await userEvent.click(await screen.findByTestId('worker-edit-alpha'));
    const maxTasks = screen.getByTestId('edit-worker-maxTasks');
    await userEvent.clear(maxTasks);
    await userEvent.type(maxTasks, '8');
    await userEvent.click(screen.getByTestId('edit-worker-save'));
    await waitFor(() => expect(api.callsOf('worker.update')).toEqual([{ name: 'alpha', maxTasks: 8 }]));
    expect((await screen.findByTestId('scale-out-notice')).textContent).toBe(
      'Worker alpha saved; applies when the worker connects',
    );
    expect(screen.queryByTestId('edit-worker-dialog')).toBeNull();
  });

  it('revokes a worker only after the operator confirms', async () => {
    const { api } = renderWithApi(
      <Manager />,
      handlers(undefined, { 'worker.revoke': () => ({ workerId: 'a', name: 'alpha', disconnected: true }) }),
    );
    await userEvent.click(await screen.findByTestId('worker-revoke-alpha'));
    const dialog = screen.getByTestId('revoke-worker-dialog');
    expect(within(dialog).getByText(/cannot be undone/)).toBeTruthy();
    expect(api.callsOf('worker.revoke')).toEqual([]);
    await userEvent.click(screen.getByTestId('revoke-worker-confirm'));
    await waitFor(() => expect(api.callsOf('worker.revoke')).toEqual([{ name: 'alpha' }]));
    expect((await screen.findByTestId('scale-out-notice')).textContent).toBe(
      'Worker alpha revoked and disconnected',
    );
  });

  it('keeps the revoke dialog open with the master’s refusal', async () => {
    renderWithApi(
      <Manager />,
      handlers(undefined, {
        'worker.revoke': () => {
          throw new ScaleOutError('CONFLICT', 'two workers are named alpha: revoke by id');
        },
      }),
    );
    await userEvent.click(await screen.findByTestId('worker-revoke-alpha'));
    await userEvent.click(screen.getByTestId('revoke-worker-confirm'));
    expect((await screen.findByTestId('revoke-worker-error')).textContent).toBe(
      'two workers are named alpha: revoke by id',
    );
  });

  it('lists enrolment tokens and revokes an unused one', async () => {
    let tokens = [
      token(),
      token({
        tokenId: 'tok-2',
        state: 'used',
        usedAt: '2026-11-29T02:10:00.000Z',
        usedByWorkerName: 'alpha',
      }),
    ];
    const { api } = renderWithApi(
      <Manager />,
      handlers(undefined, {
        'worker.enrolmentToken.list': () => ({ tokens }),
        'worker.enrolmentToken.revoke': ({ tokenId }) => {
          tokens = tokens.map((t) => (t.tokenId === tokenId ? { ...t, state: 'revoked' as const } : t));
          return { token: tokens.find((t) => t.tokenId === tokenId)! };
        },
      }),
    );
    await userEvent.click(await screen.findByTestId('scale-out-tab-tokens'));
    expect((await screen.findByTestId('token-state-tok-2')).textContent).toBe('Used');
    expect(screen.queryByTestId('token-revoke-tok-2')).toBeNull();
    expect(screen.getByText(/alpha at /)).toBeTruthy();
    await userEvent.click(screen.getByTestId('token-revoke-tok-1'));
    await waitFor(() => expect(api.callsOf('worker.enrolmentToken.revoke')).toEqual([{ tokenId: 'tok-1' }]));
    await waitFor(() => expect(screen.getByTestId('token-state-tok-1').textContent).toBe('Revoked'));
  });

  it('opens Worker health', async () => {
    let opened = 0;
    renderWithApi(<Manager onOpenWorkerHealth={() => (opened += 1)} />, handlers());
    await userEvent.click(await screen.findByTestId('open-worker-health'));
    expect(opened).toBe(1);
  });
});
