// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ApiOutput, ExecutionRow } from '../../master-core/protocol/api';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { useState } from 'react';
import { EMPTY_FILTERS, filtersForPath } from '../state/executionsQuery';
import type { ExecutionsFilterRequest } from '../state/executionsQuery';
import type { FakeHandlers } from '../test/fakeApiClient';
import { renderWithApi } from '../test/renderWithApi';
import { ExecutionsView } from './ExecutionsView';

const execution = (executionId: number, over: Partial<ExecutionRow> = {}): ExecutionRow => ({
  executionId,
  folderName: 'Samples',
  projectName: 'HelloScaleOut',
  packageName: 'Hello',
  versionId: 1,
  status: 7,
  createdAt: '2026-11-29T10:00:00.000Z',
  startedAt: '2026-11-29T10:00:01.000Z',
  endedAt: '2026-11-29T10:00:03.500Z',
  workerName: 'etl-01',
  machineName: 'etl-01.example',
  attempts: 1,
  retryCount: 0,
  priority: 0,
  loggingLevel: 1,
  timeoutMs: null,
  targeting: { kind: 'any' },
  environmentName: null,
  createdBy: 'ops',
  lastError: null,
  ...over,
});

const catalog: ApiOutput<'catalog.tree'> = {
  folders: [
    {
      name: 'Samples',
      description: '',
      environments: [],
      projects: [
        {
          name: 'HelloScaleOut',
          description: '',
          versionId: 1,
          deployedAt: '2026-11-29T09:00:00.000Z',
          deployedBy: 'ops',
          parameters: [],
          references: [],
          packages: [{ name: 'Hello', description: '', taskCount: 1, parameters: [] }],
        },
      ],
    },
  ],
};

function handlers(list: FakeHandlers['execution.list']): FakeHandlers {
  return {
    'execution.list': list,
    'catalog.tree': () => catalog,
    'worker.list': () => ({ workers: [] }),
  };
}

const page =
  (rows: ExecutionRow[], total = rows.length) =>
  () => ({ executions: rows, total });

function show(list: FakeHandlers['execution.list'], onOpenExecution = vi.fn()) {
  const result = renderWithApi(
    <ExecutionsView onOpenExecution={onOpenExecution} filterDelayMs={0} liveRefreshMs={0} />,
    handlers(list),
  );
  return { ...result, onOpenExecution };
}

const lastList = (api: ReturnType<typeof show>['api']) => api.callsOf('execution.list').at(-1);

describe('ExecutionsView (All Executions)', () => {
  it('shows loading until the first page arrives, then the rows and the total', async () => {
    let answer!: (out: ApiOutput<'execution.list'>) => void;
    const { api } = show(() => new Promise((resolve) => (answer = resolve)));
    expect(await screen.findByRole('progressbar')).toBeTruthy();
    await waitFor(() => expect(api.callsOf('execution.list').length).toBeGreaterThan(0));
    act(() =>
      answer({ executions: [execution(7), execution(6, { status: 4, lastError: 'boom' })], total: 120 }),
    );
    expect(await screen.findByTestId('status-7')).toHaveProperty('textContent', 'Succeeded');
    expect(screen.getByTestId('status-6').textContent).toBe('Failed');
    expect(screen.getByText('120 executions, updated live')).toBeTruthy();
    expect(lastList(api)).toEqual({ offset: 0, limit: 50, sortBy: 'executionId', sortDirection: 'desc' });
  });

  it('says when nothing matches the filters, and clears them from there', async () => {
    const { api } = show(page([]));
    expect(await screen.findByText('No executions yet')).toBeTruthy();
    fireEvent.change(screen.getByTestId('executions-search'), { target: { value: 'nothing like this' } });
    expect(await screen.findByText('No executions match these filters')).toBeTruthy();
    expect(lastList(api)?.search).toBe('nothing like this');
    await userEvent.click(screen.getByTestId('executions-empty-clear'));
    await waitFor(() =>
      expect(lastList(api)).toEqual({ offset: 0, limit: 50, sortBy: 'executionId', sortDirection: 'desc' }),
    );
    expect((screen.getByTestId('executions-search') as HTMLInputElement).value).toBe('');
  });

  it('waits for typing to pause, then sends one request for the whole search', async () => {
    const { api } = renderWithApi(
      <ExecutionsView onOpenExecution={vi.fn()} filterDelayMs={800} liveRefreshMs={0} />,
      handlers(page([execution(7)])),
    );
    await screen.findByTestId('status-7');
    const before = api.callsOf('execution.list').length;
    await userEvent.type(screen.getByTestId('executions-search'), 'abc');
    await waitFor(() => expect(lastList(api)?.search).toBe('abc'), { timeout: 4000 });
    expect(
      api
        .callsOf('execution.list')
        .slice(before)
        .map((c) => c.search),
    ).toEqual(['abc']);
  });

  it('shows the master’s error instead of an empty list', async () => {
    show(() => {
      throw new ScaleOutError('BAD_REQUEST', 'execution.list: sortBy: not a column');
    });
    expect((await screen.findByTestId('executions-error')).textContent).toContain(
      'execution.list: sortBy: not a column',
    );
    expect(screen.queryByTestId('executions-empty')).toBeNull();
  });

  it('asks the master for the next page and for a sort, with exact inputs', async () => {
    const rows = [execution(200), execution(199)];
    const { api } = show(page(rows, 130));
    await screen.findByTestId('status-200');
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(lastList(api)).toEqual({ offset: 50, limit: 50, sortBy: 'executionId', sortDirection: 'desc' }),
    );
    await userEvent.click(screen.getByRole('columnheader', { name: /Duration/ }));
    // A new sort starts again at the first page.
    await waitFor(() =>
      expect(lastList(api)).toEqual({ offset: 0, limit: 50, sortBy: 'duration', sortDirection: 'asc' }),
    );
  });

  it('sends the filter bar’s status, names, caller and time range', async () => {
    {
      const { api } = show(page([execution(7)]));
      await screen.findByTestId('status-7');
      fireEvent.mouseDown(within(screen.getByRole('search')).getAllByRole('combobox')[0]!);
      await userEvent.click(await screen.findByTestId('executions-filter-status-4'));
      await userEvent.click(screen.getByTestId('executions-filter-status-2'));
      await userEvent.keyboard('{Escape}');
      const typeIn = (testId: string, value: string) =>
        fireEvent.change(screen.getByTestId(testId), { target: { value } });
      typeIn('executions-filter-folder', 'Samples');
      typeIn('executions-filter-package', 'Hello');
      typeIn('executions-filter-worker', 'etl-01');
      typeIn('executions-filter-caller', 'ops');
      fireEvent.mouseDown(screen.getByRole('combobox', { name: /Created/ }));
      await userEvent.click(await screen.findByTestId('executions-filter-time-day'));
      await waitFor(() =>
        expect(lastList(api)).toEqual({
          offset: 0,
          limit: 50,
          sortBy: 'executionId',
          sortDirection: 'desc',
          statuses: [2, 4],
          folderName: 'Samples',
          packageName: 'Hello',
          workerName: 'etl-01',
          createdBy: 'ops',
          createdAfter: expect.any(String),
        }),
      );
      // Last 24 hours counts back from when the request went out.
      const after = Date.parse(lastList(api)!.createdAfter!);
      expect(Math.abs(Date.now() - 86_400_000 - after)).toBeLessThan(60_000);
    }
  });

  it('refuses a custom range that ends before it starts, naming the field, and sends nothing for it', async () => {
    const { api } = show(page([execution(7)]));
    await screen.findByTestId('status-7');
    fireEvent.mouseDown(screen.getByRole('combobox', { name: /Created/ }));
    await userEvent.click(await screen.findByTestId('executions-filter-time-custom'));
    fireEvent.change(screen.getByTestId('executions-filter-from'), { target: { value: '2026-11-02T08:00' } });
    fireEvent.change(screen.getByTestId('executions-filter-to'), { target: { value: '2026-11-01T08:00' } });
    expect(await screen.findByText('To: must be after From')).toBeTruthy();
    const calls = api.callsOf('execution.list').length;
    await new Promise((r) => setTimeout(r, 50));
    expect(api.callsOf('execution.list').length).toBe(calls);
    expect(lastList(api)?.createdBefore).toBeUndefined();
  });

  it('patches a row in place on execution:changed, then fetches the page again for new ones', async () => {
    const { api } = show(page([execution(8, { status: 2, endedAt: null }), execution(7)], 2));
    expect((await screen.findByTestId('status-8')).textContent).toBe('Running');
    const before = api.callsOf('execution.list').length;
    api.handle({ 'execution.list': () => new Promise(() => {}) });
    act(() =>
      api.emit({ type: 'execution:changed', execution: execution(8, { status: 4, lastError: 'disk full' }) }),
    );
    // Patched at once, before any answer to the refetch.
    expect(screen.getByTestId('status-8').textContent).toBe('Failed');
    expect(screen.getByText('disk full')).toBeTruthy();
    await waitFor(() => expect(api.callsOf('execution.list').length).toBe(before + 1));
  });

  it('stops the selected running and queued ones, and says which could not be stopped and why', async () => {
    const rows = [
      execution(9, { status: 2, endedAt: null }),
      execution(8, { status: 5, startedAt: null, endedAt: null }),
      execution(7),
    ];
    const { api } = show(page(rows));
    await screen.findByTestId('status-9');
    api.handle({
      'execution.stop': ({ executionId }) => {
        if (executionId === 8) throw new ScaleOutError('CONFLICT', 'execution 8 already ended');
        return { execution: execution(executionId, { status: 8 }) };
      },
    });
    expect((screen.getByTestId('executions-stop') as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all rows' }));
    expect(screen.getByTestId('executions-stop').textContent).toBe('Stop (2)');
    await userEvent.click(screen.getByTestId('executions-stop'));
    const result = await screen.findByTestId('executions-stop-result');
    expect(result.textContent).toContain('1 execution stopped; 1 could not be stopped.');
    expect(result.textContent).toContain('Execution 8: execution 8 already ended');
    expect(api.callsOf('execution.stop')).toEqual([{ executionId: 9 }, { executionId: 8 }]);
  });

  it('opens an execution on double-click and on Enter', async () => {
    const { onOpenExecution } = show(page([execution(7), execution(6)]));
    await userEvent.dblClick(await screen.findByTestId('status-7'));
    expect(onOpenExecution).toHaveBeenLastCalledWith(7);
    const cell = screen
      .getAllByRole('gridcell')
      .find((c) => c.getAttribute('data-field') === 'packageName' && c.closest('[data-id="6"]'));
    fireEvent.keyDown(cell!, { key: 'Enter' });
    expect(onOpenExecution).toHaveBeenLastCalledWith(6);
  });

  it('starts with the filters it is asked for: the first request is already filtered', async () => {
    const onFiltersApplied = vi.fn();
    const { api } = renderWithApi(
      <ExecutionsView
        onOpenExecution={vi.fn()}
        filterDelayMs={0}
        liveRefreshMs={0}
        filterRequest={{ key: 1, filters: filtersForPath({ folder: 'Samples', project: 'HelloScaleOut' }) }}
        onFiltersApplied={onFiltersApplied}
      />,
      handlers(page([execution(7)])),
    );
    await screen.findByTestId('status-7');
    // Every request, the first included (a reconnect asks again), carries the filters.
    const calls = api.callsOf('execution.list');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls).toEqual(
      calls.map(() => ({
        offset: 0,
        limit: 50,
        sortBy: 'executionId',
        sortDirection: 'desc',
        folderName: 'Samples',
        projectName: 'HelloScaleOut',
      })),
    );
    expect((screen.getByTestId('executions-filter-folder') as HTMLInputElement).value).toBe('Samples');
    expect((screen.getByTestId('executions-filter-project') as HTMLInputElement).value).toBe('HelloScaleOut');
    expect(onFiltersApplied).toHaveBeenLastCalledWith(
      filtersForPath({ folder: 'Samples', project: 'HelloScaleOut' }),
    );
  });

  it('replaces its filters with a new request, at once and from the first page; the same request again still applies', async () => {
    const onFiltersApplied = vi.fn();
    const PACKAGE = filtersForPath({ folder: 'Samples', project: 'HelloScaleOut', package: 'Hello' });
    /** Stands in for ConsoleLayout: "ask" sends Reports > All Executions again, "same" re-renders the same key. */
    function Harness() {
      const [request, setRequest] = useState<ExecutionsFilterRequest>({ key: 0, filters: EMPTY_FILTERS });
      return (
        <>
          <button
            data-testid="ask"
            onClick={() => setRequest((r) => ({ key: r.key + 1, filters: PACKAGE }))}
          />
          <button data-testid="same" onClick={() => setRequest((r) => ({ ...r }))} />
          <ExecutionsView
            onOpenExecution={vi.fn()}
            filterDelayMs={0}
            liveRefreshMs={0}
            filterRequest={request}
            onFiltersApplied={onFiltersApplied}
          />
        </>
      );
    }
    const { api } = renderWithApi(<Harness />, handlers(page([execution(200), execution(199)], 130)));
    await screen.findByTestId('status-200');
    // The operator pages on and types a search of their own...
    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    fireEvent.change(screen.getByTestId('executions-search'), { target: { value: 'abc' } });
    await waitFor(() => expect(lastList(api)?.search).toBe('abc'));
    // ...then Reports > All Executions on a package replaces every filter and starts at page one.
    const before = api.callsOf('execution.list').length;
    await userEvent.click(screen.getByTestId('ask'));
    await waitFor(() => expect(api.callsOf('execution.list').length).toBeGreaterThan(before));
    expect(api.callsOf('execution.list').slice(before)).toEqual([
      {
        offset: 0,
        limit: 50,
        sortBy: 'executionId',
        sortDirection: 'desc',
        folderName: 'Samples',
        projectName: 'HelloScaleOut',
        packageName: 'Hello',
      },
    ]);
    expect((screen.getByTestId('executions-search') as HTMLInputElement).value).toBe('');
    expect((screen.getByTestId('executions-filter-package') as HTMLInputElement).value).toBe('Hello');

    // Clear filters clears what the request set.
    await userEvent.click(screen.getByTestId('executions-clear-filters'));
    await waitFor(() =>
      expect(lastList(api)).toEqual({ offset: 0, limit: 50, sortBy: 'executionId', sortDirection: 'desc' }),
    );
    expect((screen.getByTestId('executions-filter-folder') as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(onFiltersApplied).toHaveBeenLastCalledWith(EMPTY_FILTERS));

    // The same request under a new key applies again; re-rendering the same key does not.
    await userEvent.click(screen.getByTestId('same'));
    await new Promise((r) => setTimeout(r, 30));
    expect(lastList(api)?.folderName).toBeUndefined();
    await userEvent.click(screen.getByTestId('ask'));
    await waitFor(() => expect(lastList(api)?.packageName).toBe('Hello'));
    expect((screen.getByTestId('executions-filter-folder') as HTMLInputElement).value).toBe('Samples');
  });
});
