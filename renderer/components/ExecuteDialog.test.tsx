// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ParameterInfo, Targeting, WorkerRow } from '../../master-core/protocol/api';
import { ScaleOutError } from '../../master-core/protocol/errors';
import type { ExecuteTarget } from '../state/executeTargets';
import type { FakeHandlers } from '../test/fakeApiClient';
import { renderWithApi } from '../test/renderWithApi';
import { ExecuteDialog } from './ExecuteDialog';
import { workerRow } from '../state/workerFixture';

const param = (
  reference: string,
  dataType: ParameterInfo['dataType'],
  extra: Partial<ParameterInfo> = {},
): ParameterInfo => ({
  name: reference.split('::')[1]!,
  reference,
  dataType,
  defaultValue: null,
  required: false,
  sensitive: false,
  description: '',
  serverValue: null,
  ...extra,
});

const load: ExecuteTarget = {
  key: 'Ops/Loads/Load',
  folderName: 'Ops',
  projectName: 'Loads',
  packageName: 'Load',
  projectParameters: [param('$Project::ApiKey', 'String', { sensitive: true })],
  packageParameters: [
    param('$Package::Day', 'DateTime', { required: true }),
    param('$Package::Count', 'Int32', { defaultValue: 3 }),
  ],
  projectConnectionManagers: [{ name: 'Warehouse', type: 'postgresql', description: '' }],
  packageConnectionManagers: [{ name: 'Out', type: 'sqlite', description: '' }],
};
const report: ExecuteTarget = {
  key: 'Finance/Reports/Daily',
  folderName: 'Finance',
  projectName: 'Reports',
  packageName: 'Daily',
  projectParameters: [],
  packageParameters: [param('$Package::Region', 'String', { required: true })],
  projectConnectionManagers: [],
  packageConnectionManagers: [],
};

const worker = (name: string, over: Partial<WorkerRow> = {}) =>
  workerRow({
    workerId: name,
    name,
    machineName: `${name}.example`,
    stateReason: 'ready for work',
    freeDiskBytes: null,
    ...over,
  });
const workers = [worker('w1', { tags: ['linux'] }), worker('w2', { tags: ['linux', 'gpu'] }), worker('w3')];

/** The master's preview for these workers: tags and names filter; w3 is offline. */
function preview({ targeting }: { targeting: Targeting }) {
  const rows = workers.map((w) => {
    const chosen =
      targeting.kind === 'any' ||
      (targeting.kind === 'workers' && targeting.names.includes(w.name)) ||
      (targeting.kind === 'tags' && targeting.tags.every((t) => w.tags.includes(t)));
    const eligible = chosen && w.name !== 'w3';
    return {
      name: w.name,
      state: w.name === 'w3' ? 'offline' : 'online',
      eligible,
      reason: !chosen ? 'not chosen by this machine selection' : eligible ? '' : 'offline: not connected',
    };
  });
  return { eligibleWorkers: rows.filter((r) => r.eligible).length, neverRunnable: false, workers: rows };
}

function handlers(extra: FakeHandlers = {}): FakeHandlers {
  let next = 100;
  return {
    'execution.preview': preview,
    'project.references': ({ projectName }) => ({
      references:
        projectName === 'Loads'
          ? [{ referenceId: 7, referenceType: 'A', environmentFolderName: 'Shared', environmentName: 'Prod' }]
          : [],
    }),
    'execution.create': () => ({ executionId: next++ }),
    ...extra,
  };
}

function show(targets: ExecuteTarget[], extra: FakeHandlers = {}) {
  const onCreated = vi.fn();
  const onClose = vi.fn();
  const result = renderWithApi(
    <ExecuteDialog targets={targets} workers={workers} onClose={onClose} onCreated={onCreated} />,
    handlers(extra),
  );
  return { ...result, onCreated, onClose };
}

describe('ExecuteDialog', () => {
  it('blocks OK naming every required parameter left empty, in every package, and sends nothing', async () => {
    const { api } = show([load, report]);
    expect(screen.getAllByLabelText('required')).toHaveLength(1);
    await userEvent.click(screen.getByTestId('execute-ok'));
    expect((await screen.findByTestId('execute-missing')).textContent).toContain(
      'Required parameters without a value: Load: $Package::Day; Daily: $Package::Region',
    );
    expect(screen.getByTestId('execute-error').textContent).toContain(
      '2 of 2 packages could not be submitted: Load, Daily',
    );
    expect(screen.getByText('$Package::Day is required')).toBeTruthy();
    expect(screen.getByTestId('execute-problems-Finance/Reports/Daily').textContent).toContain('1 problem');
    expect(api.callsOf('execution.create')).toEqual([]);
  });

  it('masks a sensitive parameter until shown, and sends typed values, overrides, environment and options', async () => {
    const { api, onCreated } = show([load]);
    const secret = screen.getByTestId('param-Ops/Loads/Load-$Project::ApiKey');
    expect(secret.getAttribute('type')).toBe('password');
    await userEvent.type(secret, 'k-123');
    await userEvent.click(screen.getByTestId('param-Ops/Loads/Load-$Project::ApiKey-show'));
    expect(secret.getAttribute('type')).toBe('text');
    await userEvent.type(screen.getByTestId('param-Ops/Loads/Load-$Package::Day'), '2026-01-31');
    await userEvent.type(screen.getByTestId('param-Ops/Loads/Load-$Package::Count'), '9');

    await userEvent.click(await screen.findByRole('combobox', { name: 'Environment' }));
    await userEvent.click(await screen.findByRole('option', { name: 'Shared\\Prod' }));

    await userEvent.click(screen.getByTestId('execute-tab-connections'));
    const table = screen.getByTestId('connections-Ops/Loads/Load');
    expect(within(table).getByText('Warehouse (postgresql)')).toBeTruthy();
    expect(within(table).getByText('Out (sqlite)')).toBeTruthy();
    const password = screen.getByTestId('cm-Ops/Loads/Load-CM.Warehouse.Password');
    expect(password.getAttribute('type')).toBe('password');
    await userEvent.type(password, 'pw-1');
    await userEvent.type(screen.getByTestId('cm-Ops/Loads/Load-CM.Warehouse.ServerName'), 'db2:5433');

    await userEvent.click(screen.getByTestId('execute-tab-advanced'));
    await userEvent.clear(screen.getByTestId('execute-retry-count'));
    await userEvent.type(screen.getByTestId('execute-retry-count'), '2');
    await userEvent.type(screen.getByTestId('execute-max-queue-wait'), '300');

    await userEvent.click(screen.getByTestId('execute-ok'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith([100]));
    expect(api.callsOf('execution.create')).toEqual([
      {
        folderName: 'Ops',
        projectName: 'Loads',
        packageName: 'Load',
        parameters: {
          '$Project::ApiKey': 'k-123',
          '$Package::Day': '2026-01-31',
          '$Package::Count': 9,
          'CM.Warehouse.Password': 'pw-1',
          'CM.Warehouse.ServerName': 'db2:5433',
        },
        referenceId: 7,
        retryCount: 2,
        priority: 0,
        loggingLevel: 1,
        timeoutMs: null,
        maxQueueWaitMs: 300_000,
        targeting: { kind: 'any' },
      },
    ]);
  });

  it('previews the machine selection, again on each change and when a worker changes', async () => {
    const { api } = show([report]);
    expect((await screen.findByTestId('machine-preview-summary')).textContent).toContain(
      '2 of 3 workers eligible now',
    );
    expect(screen.getByTestId('machine-preview-w3').textContent).toContain(
      'w3: not eligibleoffline: not connected',
    );

    await userEvent.click(screen.getByTestId('machine-workers'));
    expect(screen.queryByTestId('machine-preview')).toBeNull();
    await userEvent.click(screen.getByTestId('machine-worker-w2'));
    await waitFor(() =>
      expect(screen.getByTestId('machine-preview-summary').textContent).toContain(
        '1 of 3 workers eligible now',
      ),
    );
    expect(screen.getByTestId('machine-preview-w1').textContent).toContain(
      'not chosen by this machine selection',
    );

    await userEvent.click(screen.getByTestId('machine-tags'));
    await userEvent.type(screen.getByTestId('execute-tags'), 'gpu{Enter}');
    expect(screen.getByTestId('machine-tag-gpu')).toBeTruthy();
    await waitFor(() =>
      expect(api.callsOf('execution.preview').at(-1)).toEqual({ targeting: { kind: 'tags', tags: ['gpu'] } }),
    );

    const before = api.callsOf('execution.preview').length;
    api.emit({ type: 'worker:changed', worker: workers[0]! });
    await waitFor(() => expect(api.callsOf('execution.preview').length).toBe(before + 1));
  });

  it('shows a preview that fails instead of hiding it', async () => {
    show([report], {
      'execution.preview': () => {
        throw new ScaleOutError('INTERNAL', 'catalog is busy');
      },
    });
    expect((await screen.findByTestId('machine-preview-error')).textContent).toContain(
      'Could not check the workers: catalog is busy',
    );
  });

  it('writes the equivalent CLI and HTTP calls, never the sensitive values', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    show([load]);
    await userEvent.type(screen.getByTestId('param-Ops/Loads/Load-$Project::ApiKey'), 'k-123');
    await userEvent.type(screen.getByTestId('param-Ops/Loads/Load-$Package::Day'), '2026-01-31');
    await userEvent.click(screen.getByTestId('execute-tab-connections'));
    await userEvent.type(screen.getByTestId('cm-Ops/Loads/Load-CM.Warehouse.Password'), 'pw-1');
    await userEvent.click(screen.getByTestId('execute-script'));
    const cli = await screen.findByTestId('script-cli');
    expect(cli.textContent).toContain('scaleout run Ops/Loads/Load \\');
    expect(cli.textContent).toContain(`--param '$Package::Day=2026-01-31'`);
    expect(cli.textContent).toContain(`--param '$Project::ApiKey='"$PROJECT_APIKEY"`);
    expect(cli.textContent).toContain('--param CM.Warehouse.Password="$CM_WAREHOUSE_PASSWORD"');
    const http = screen.getByTestId('script-http');
    expect(http.textContent).toContain('curl -sS -X POST http://127.0.0.1:8390/api/execution.create');
    expect(http.textContent).toContain('"CM.Warehouse.Password": "<sensitive: CM.Warehouse.Password>"');
    for (const text of [cli.textContent, http.textContent]) {
      expect(text).not.toContain('k-123');
      expect(text).not.toContain('pw-1');
    }
    await userEvent.click(screen.getByTestId('script-http-copy'));
    expect(writeText).toHaveBeenCalledWith(http.textContent);
    expect(await screen.findByText('Copied')).toBeTruthy();
  });

  it('keeps the dialog open with the package that failed, says why, and submits only it again', async () => {
    let refuse = true;
    const { api, onCreated } = show([load, report], {
      'execution.create': (input) => {
        if (input.packageName === 'Daily' && refuse)
          throw new ScaleOutError('NOT_FOUND', 'package Finance/Reports/Daily is not deployed');
        if (input.parameters['CM.Warehouse.ServerName'] === 'bad')
          throw new ScaleOutError('VALIDATION_FAILED', 'CM.Warehouse.ServerName: refused by the master', {
            field: 'parameters.CM.Warehouse.ServerName',
          });
        return { executionId: input.packageName === 'Load' ? 41 : 42 };
      },
    });
    await userEvent.type(screen.getByTestId('param-Ops/Loads/Load-$Package::Day'), '2026-01-31');
    await userEvent.click(screen.getByTestId('execute-package-Finance/Reports/Daily'));
    await userEvent.type(screen.getByTestId('param-Finance/Reports/Daily-$Package::Region'), 'EU');
    await userEvent.click(screen.getByTestId('execute-ok'));

    expect((await screen.findByTestId('execute-created')).textContent).toContain(
      'Created execution 41 (Load).',
    );
    expect(screen.getByTestId('execute-error').textContent).toContain(
      '1 of 2 packages could not be submitted: Daily',
    );
    expect(screen.getByTestId('execute-error-Finance/Reports/Daily').textContent).toContain(
      'package Finance/Reports/Daily is not deployed',
    );
    expect(onCreated).not.toHaveBeenCalled();

    refuse = false;
    await userEvent.click(screen.getByTestId('execute-ok'));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith([41, 42]));
    expect(api.callsOf('execution.create').map((c) => c.packageName)).toEqual(['Load', 'Daily', 'Daily']);
  });

  it('shows a refusal that names an override beside that input', async () => {
    show([load], {
      'execution.create': () => {
        throw new ScaleOutError('VALIDATION_FAILED', 'CM.Warehouse.ServerName: refused by the master', {
          field: 'parameters.CM.Warehouse.ServerName',
        });
      },
    });
    await userEvent.type(screen.getByTestId('param-Ops/Loads/Load-$Package::Day'), '2026-01-31');
    await userEvent.click(screen.getByTestId('execute-tab-connections'));
    await userEvent.type(screen.getByTestId('cm-Ops/Loads/Load-CM.Warehouse.ServerName'), 'x');
    await userEvent.click(screen.getByTestId('execute-tab-parameters'));
    await userEvent.click(screen.getByTestId('execute-ok'));
    // The dialog turns to the page with the problem.
    expect(await screen.findByText('CM.Warehouse.ServerName: refused by the master')).toBeTruthy();
    expect(screen.getByTestId('execute-tab-connections').textContent).toContain(
      'Connection Managers (1 error)',
    );
  });

  it('says when environment references cannot be read', async () => {
    show([load], {
      'project.references': () => {
        throw new ScaleOutError('FORBIDDEN', 'not allowed to read references');
      },
    });
    expect((await screen.findByTestId('execute-environment-error-Ops/Loads/Load')).textContent).toContain(
      'Environment references could not be read: not allowed to read references',
    );
  });

  it('says when a package has no connection managers', async () => {
    show([report]);
    await userEvent.click(screen.getByTestId('execute-tab-connections'));
    expect(screen.getByText('This package and its project have no connection managers.')).toBeTruthy();
  });

  it('says when there are no packages to run, with OK and Script off', () => {
    show([]);
    expect(screen.getByText('There are no packages to run here.')).toBeTruthy();
    expect((screen.getByTestId('execute-ok') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('execute-script') as HTMLButtonElement).disabled).toBe(true);
  });
});
