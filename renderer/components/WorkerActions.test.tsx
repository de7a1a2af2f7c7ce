// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { WorkerRow } from '../../master-core/protocol/api';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { workerRow } from '../state/workerFixture';
import { renderWithApi } from '../test/renderWithApi';
import { WorkerActions } from './WorkerActions';

const worker = (over: Partial<WorkerRow> = {}) =>
  workerRow({ stateReason: 'ready for work', freeDiskBytes: null, ...over });

describe('WorkerActions', () => {
  it('offers Disable and Drain on an enabled worker and sends the call', async () => {
    const { api } = renderWithApi(<WorkerActions worker={worker()} />, { 'worker.disable': () => ({}) });
    expect(screen.queryByTestId('worker-enable-etl-01')).toBeNull();
    await userEvent.click(screen.getByTestId('worker-disable-etl-01'));
    await waitFor(() => expect(api.callsOf('worker.disable')).toEqual([{ name: 'etl-01' }]));
  });

  it('offers Enable on a disabled worker', () => {
    renderWithApi(<WorkerActions worker={worker({ enabled: false, state: 'disabled' })} />);
    expect(screen.getByTestId('worker-enable-etl-01')).toBeTruthy();
    expect(screen.queryByTestId('worker-drain-etl-01')).toBeNull();
  });

  it('shows the master’s refusal instead of swallowing it', async () => {
    renderWithApi(<WorkerActions worker={worker()} />, {
      'worker.drain': () => {
        throw new ScaleOutError('NOT_FOUND', 'worker etl-01 is not in the catalog');
      },
    });
    await userEvent.click(screen.getByTestId('worker-drain-etl-01'));
    expect(await screen.findByText('worker etl-01 is not in the catalog')).toBeTruthy();
  });
});

describe('WorkerActions edit and revoke', () => {
  it('offers Edit and Revoke when asked for, handing over the worker', async () => {
    const edited: string[] = [];
    const revoked: string[] = [];
    renderWithApi(
      <WorkerActions
        worker={worker()}
        onEdit={(w) => edited.push(w.name)}
        onRevoke={(w) => revoked.push(w.name)}
      />,
    );
    await userEvent.click(screen.getByTestId('worker-edit-etl-01'));
    await userEvent.click(screen.getByTestId('worker-revoke-etl-01'));
    expect(edited).toEqual(['etl-01']);
    expect(revoked).toEqual(['etl-01']);
  });

  it('offers nothing on a revoked worker', () => {
    renderWithApi(
      <WorkerActions
        worker={worker({ revokedAt: '2026-11-29T03:00:00.000Z', enabled: false })}
        onEdit={() => undefined}
        onRevoke={() => undefined}
      />,
    );
    expect(screen.queryByRole('button')).toBeNull();
  });
});
