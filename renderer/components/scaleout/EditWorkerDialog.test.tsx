// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ApiOutput } from '../../../master-core/protocol/api';
import { ScaleOutError } from '../../../master-core/protocol/errors';
import { workerRow } from '../../state/workerFixture';
import { renderWithApi } from '../../test/renderWithApi';
import { EditWorkerDialog } from './EditWorkerDialog';

const worker = workerRow({
  name: 'etl-01',
  description: 'rack 4',
  tags: ['etl'],
  maxTasks: 4,
  maxCpuPercent: 90,
  minFreeMemoryBytes: 256 * 2 ** 20,
});

function renderDialog(handler?: () => ApiOutput<'worker.update'>) {
  const saved: ApiOutput<'worker.update'>[] = [];
  const closed: number[] = [];
  const result = renderWithApi(
    <EditWorkerDialog
      worker={worker}
      knownTags={['etl', 'gpu']}
      onClose={() => closed.push(1)}
      onSaved={(r) => saved.push(r)}
    />,
    handler ? { 'worker.update': handler } : {},
  );
  return { ...result, saved, closed };
}

describe('EditWorkerDialog', () => {
  it('shows the worker’s values, and Save waits for a change', () => {
    renderDialog();
    expect((screen.getByTestId('edit-worker-name') as HTMLInputElement).value).toBe('etl-01');
    expect((screen.getByTestId('edit-worker-description') as HTMLTextAreaElement).value).toBe('rack 4');
    expect((screen.getByTestId('edit-worker-maxCpuPercent') as HTMLInputElement).value).toBe('90');
    expect((screen.getByTestId('edit-worker-minFreeMemoryMiB') as HTMLInputElement).value).toBe('256');
    expect(screen.getByText('etl')).toBeTruthy();
    expect((screen.getByTestId('edit-worker-save') as HTMLButtonElement).disabled).toBe(true);
  });

  it('sends exactly what changed: name, a new tag as a chip, thresholds in bytes', async () => {
    const { api, saved } = renderDialog(() => ({ worker: { ...worker, name: 'etl-02' }, appliedLive: true }));
    const user = userEvent.setup();
    const name = screen.getByTestId('edit-worker-name');
    await user.clear(name);
    await user.type(name, 'etl-02');
    await user.type(screen.getByTestId('edit-worker-tags'), 'gpu{Enter}');
    const memory = screen.getByTestId('edit-worker-minFreeMemoryMiB');
    await user.clear(memory);
    await user.type(memory, '1024');
    await user.click(screen.getByTestId('edit-worker-save'));
    await waitFor(() =>
      expect(api.callsOf('worker.update')).toEqual([
        { name: 'etl-01', newName: 'etl-02', tags: ['etl', 'gpu'], minFreeMemoryBytes: 1024 * 2 ** 20 },
      ]),
    );
    expect(saved).toEqual([{ worker: expect.objectContaining({ name: 'etl-02' }), appliedLive: true }]);
  });

  it('takes a typed tag not yet turned into a chip', async () => {
    const { api } = renderDialog(() => ({ worker, appliedLive: true }));
    const user = userEvent.setup();
    await user.type(screen.getByTestId('edit-worker-tags'), 'linux');
    await user.click(screen.getByTestId('edit-worker-save'));
    await waitFor(() =>
      expect(api.callsOf('worker.update')).toEqual([{ name: 'etl-01', tags: ['etl', 'linux'] }]),
    );
  });

  it('names bad fields and sends nothing', async () => {
    const { api } = renderDialog(() => ({ worker, appliedLive: true }));
    const user = userEvent.setup();
    const maxTasks = screen.getByTestId('edit-worker-maxTasks');
    await user.clear(maxTasks);
    await user.type(maxTasks, '0');
    const cpu = screen.getByTestId('edit-worker-maxCpuPercent');
    await user.clear(cpu);
    await user.type(cpu, 'abc');
    await user.click(screen.getByTestId('edit-worker-save'));
    expect(await screen.findByText('Max tasks: must be between 1 and 1024')).toBeTruthy();
    expect(screen.getByText('Max CPU %: "abc" is not a number')).toBeTruthy();
    expect(api.callsOf('worker.update')).toEqual([]);
  });

  it('puts the master’s field error on its field and other errors below', async () => {
    let error = new ScaleOutError('CONFLICT', 'a worker named etl-02 exists', { field: 'newName' });
    renderDialog(() => {
      throw error;
    });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('edit-worker-name'), '-x');
    await user.click(screen.getByTestId('edit-worker-save'));
    expect(await screen.findByText('a worker named etl-02 exists')).toBeTruthy();
    expect(screen.queryByTestId('edit-worker-error')).toBeNull();
    error = new ScaleOutError('UNAVAILABLE', 'catalog busy');
    await user.click(screen.getByTestId('edit-worker-save'));
    expect((await screen.findByTestId('edit-worker-error')).textContent).toBe('catalog busy');
  });
});
