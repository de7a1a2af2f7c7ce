// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AttemptRow, ExecutionParameterRow, ExecutionRow } from '../../master-core/protocol/api';
import { ScaleOutError } from '../../master-core/protocol/errors';
import type { FakeHandlers } from '../test/fakeApiClient';
import { renderWithApi } from '../test/renderWithApi';
import { ExecutionView } from './ExecutionView';

const execution = (over: Partial<ExecutionRow> = {}): ExecutionRow => ({
  executionId: 42,
  folderName: 'Samples',
  projectName: 'HelloScaleOut',
  packageName: 'Hello',
  versionId: 3,
  status: 4,
  createdAt: '2026-11-29T10:00:00.000Z',
  startedAt: '2026-11-29T10:00:01.000Z',
  endedAt: '2026-11-29T10:00:41.000Z',
  workerName: 'etl-02',
  machineName: 'etl-02.example',
  attempts: 2,
  retryCount: 1,
  priority: 5,
  loggingLevel: 3,
  timeoutMs: 60_000,
  targeting: { kind: 'tags', tags: ['etl'] },
  environmentName: null,
  createdBy: 'ops',
  lastError: 'disk full',
  ...over,
});

const attempts: AttemptRow[] = [
  {
    attemptNumber: 1,
    workerId: 'w1',
    workerName: 'etl-01',
    machineName: 'etl-01.example',
    outcome: 'lost',
    startedAt: '2026-11-29T10:00:01.000Z',
    endedAt: '2026-11-29T10:00:11.000Z',
    exitCode: null,
    error: 'worker etl-01 stopped answering (lease ran out)',
  },
  {
    attemptNumber: 2,
    workerId: 'w2',
    workerName: 'etl-02',
    machineName: 'etl-02.example',
    outcome: 'failed',
    startedAt: '2026-11-29T10:00:21.000Z',
    endedAt: '2026-11-29T10:00:41.000Z',
    exitCode: 1,
    error: 'disk full',
  },
];

const parameters: ExecutionParameterRow[] = [
  { objectType: 20, name: 'Mode', dataType: 'String', sensitive: false, value: 'full', source: 'execution' },
  { objectType: 20, name: 'Password', dataType: 'String', sensitive: true, value: null, source: 'execution' },
  { objectType: 30, name: 'Greeting', dataType: 'String', sensitive: false, value: 'hi', source: 'default' },
  { objectType: 50, name: 'LOGGING_LEVEL', dataType: 'Int32', sensitive: false, value: 3, source: 'system' },
];

function handlers(over: FakeHandlers = {}): FakeHandlers {
  return {
    'execution.get': () => ({ execution: execution() }),
    'execution.messages': () => ({ messages: [] }),
    'execution.attempts': () => ({ attempts }),
    'execution.parameters': () => ({ parameters }),
    ...over,
  };
}

describe('ExecutionView (execution overview)', () => {
  it('shows each attempt on the time axis with its worker and outcome, and its error on click', async () => {
    renderWithApi(<ExecutionView executionId={42} />, handlers());
    const first = await screen.findByTestId('attempt-42-1');
    expect(first.getAttribute('aria-label')).toBe('Attempt 1 on etl-01: Lost, 10.0 s');
    expect(screen.getByTestId('attempt-outcome-42-2').textContent).toContain('Failed');
    expect(within(screen.getByTestId('attempts-42')).getByText('#2 etl-02')).toBeTruthy();
    // Attempt 2 starts half-way along the 40 s axis.
    expect(getComputedStyle(screen.getByTestId('attempt-42-2')).left).toBe('50%');
    await userEvent.click(first);
    expect(screen.getByTestId('attempt-error-42-1').textContent).toBe(
      'worker etl-01 stopped answering (lease ran out)',
    );
  });

  it('loads the attempts again when the execution changes', async () => {
    const { api } = renderWithApi(<ExecutionView executionId={42} />, handlers());
    await screen.findByTestId('attempt-42-2');
    api.handle({
      'execution.attempts': () => ({
        attempts: [
          ...attempts,
          { ...attempts[1]!, attemptNumber: 3, outcome: 'running', endedAt: null, error: null },
        ],
      }),
    });
    act(() =>
      api.emit({
        type: 'execution:changed',
        execution: execution({ status: 2, attempts: 3, endedAt: null }),
      }),
    );
    expect((await screen.findByTestId('attempt-outcome-42-3')).textContent).toContain('Running');
  });

  it('says when there is no attempt yet, and shows an attempts error instead of hiding it', async () => {
    const { unmount } = renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({
        'execution.get': () => ({
          execution: execution({ status: 5, startedAt: null, endedAt: null, attempts: 0 }),
        }),
        'execution.attempts': () => ({ attempts: [] }),
        'execution.explain': () => ({ status: 5, eligibleWorkers: 0, neverRunnable: false, workers: [] }),
      }),
    );
    expect(await screen.findByText('No attempt yet: it has not been given to a worker.')).toBeTruthy();
    unmount();
    renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({
        'execution.attempts': () => {
          throw new ScaleOutError('NOT_FOUND', 'execution 42 does not exist');
        },
      }),
    );
    expect(await screen.findByText('Attempts could not be loaded: execution 42 does not exist')).toBeTruthy();
  });

  it('lists the parameter values with their source, sensitive ones masked', async () => {
    renderWithApi(<ExecutionView executionId={42} />, handlers());
    await userEvent.click(await screen.findByTestId('execution-page-parameters-42'));
    const table = await screen.findByTestId('parameters-42');
    const mode = within(table).getByTestId('parameter-20-Mode');
    expect(mode.textContent).toContain('full');
    expect(mode.textContent).toContain('Set at execution');
    const password = within(table).getByTestId('parameter-20-Password');
    expect(password.textContent).toContain('••••••••');
    expect(password.textContent).toContain('(sensitive)');
    expect(within(table).getByTestId('parameter-30-Greeting').textContent).toContain('Design default');
    expect(screen.getByTestId('execution-page-parameters-42').textContent).toBe('Parameters (4)');
  });

  it('shows a parameters error, and an empty list as such', async () => {
    const { unmount } = renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({
        'execution.parameters': () => {
          throw new ScaleOutError('INTERNAL', 'catalog is locked');
        },
      }),
    );
    await userEvent.click(await screen.findByTestId('execution-page-parameters-42'));
    expect(await screen.findByText('Parameters could not be loaded: catalog is locked')).toBeTruthy();
    unmount();
    renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({ 'execution.parameters': () => ({ parameters: [] }) }),
    );
    await userEvent.click(await screen.findByTestId('execution-page-parameters-42'));
    expect(await screen.findByText('This execution has no parameter values.')).toBeTruthy();
  });

  it('runs again with the values set at execution and its options, asking for the sensitive one, then opens it', async () => {
    const onOpenExecution = vi.fn();
    const { api } = renderWithApi(
      <ExecutionView executionId={42} onOpenExecution={onOpenExecution} />,
      handlers({ 'execution.create': () => ({ executionId: 43 }) }),
    );
    await userEvent.click(await screen.findByTestId('run-again-42'));
    const dialog = await screen.findByTestId('run-again-dialog-42');
    expect(within(dialog).getByTestId('run-again-sensitive-42').textContent).toContain('cannot be repeated');
    expect(dialog.textContent).toContain('$Project::Mode = full');
    expect(dialog.textContent).toContain('Retry count 1, priority 5, logging level Verbose, timeout 60 s');
    await userEvent.click(within(dialog).getByTestId('run-again-ok-42'));
    expect(await within(dialog).findByText(/\$Project::Password: enter the value again/)).toBeTruthy();
    expect(api.callsOf('execution.create')).toEqual([]);
    await userEvent.type(within(dialog).getByTestId('run-again-value-$Project::Password'), 's3cret');
    await userEvent.click(within(dialog).getByTestId('run-again-ok-42'));
    await waitFor(() => expect(onOpenExecution).toHaveBeenCalledWith(43));
    expect(api.callsOf('execution.create')).toEqual([
      {
        folderName: 'Samples',
        projectName: 'HelloScaleOut',
        packageName: 'Hello',
        parameters: { '$Project::Mode': 'full', '$Project::Password': 's3cret' },
        retryCount: 1,
        priority: 5,
        loggingLevel: 3,
        timeoutMs: 60_000,
        targeting: { kind: 'tags', tags: ['etl'] },
        maxQueueWaitMs: null,
      },
    ]);
  });

  it('runs again with the same environment reference, and shows the master’s refusal', async () => {
    const { api } = renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({
        'execution.get': () => ({ execution: execution({ environmentName: 'Prod' }) }),
        'execution.parameters': () => ({ parameters: [] }),
        'catalog.tree': () => ({
          folders: [
            {
              name: 'Samples',
              description: '',
              environments: [],
              projects: [
                {
                  name: 'HelloScaleOut',
                  description: '',
                  versionId: 3,
                  deployedAt: '2026-11-29T09:00:00.000Z',
                  deployedBy: 'ops',
                  parameters: [],
                  packages: [],
                  references: [
                    {
                      referenceId: 7,
                      referenceType: 'R',
                      environmentFolderName: 'Samples',
                      environmentName: 'Prod',
                    },
                  ],
                },
              ],
            },
          ],
        }),
        'execution.create': () => {
          throw new ScaleOutError('NOT_FOUND', 'package Hello is not in the current version');
        },
      }),
    );
    await userEvent.click(await screen.findByTestId('run-again-42'));
    const ok = await screen.findByTestId('run-again-ok-42');
    await waitFor(() => expect((ok as HTMLButtonElement).disabled).toBe(false));
    await userEvent.click(ok);
    expect((await screen.findByTestId('run-again-error-42')).textContent).toBe(
      'package Hello is not in the current version',
    );
    expect(api.callsOf('execution.create')[0]).toMatchObject({ referenceId: 7, parameters: {} });
  });

  it('says where it runs and with which environment', async () => {
    renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({ 'execution.get': () => ({ execution: execution({ environmentName: 'Prod' }) }) }),
    );
    expect(await screen.findByText('Tags: etl')).toBeTruthy();
    expect(screen.getByText('Prod')).toBeTruthy();
  });

  it('keeps Stop for a running execution', async () => {
    const { api } = renderWithApi(
      <ExecutionView executionId={42} />,
      handlers({
        'execution.get': () => ({ execution: execution({ status: 2, endedAt: null, lastError: null }) }),
        'execution.stop': () => ({ execution: execution({ status: 8 }) }),
      }),
    );
    await userEvent.click(await screen.findByTestId('stop-42'));
    await waitFor(() => expect(api.callsOf('execution.stop')).toEqual([{ executionId: 42 }]));
  });
});
