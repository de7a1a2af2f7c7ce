import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

const countdown = { folderName: 'Samples', projectName: 'HelloScaleOut', packageName: 'Countdown' };

/** Operator controls: enabling workers, draining, stopping, explaining the queue. New workers start disabled. */
describe('runtime controls', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    master = await startTestMaster({
      autoEnableWorkers: false,
      timings: { heartbeatIntervalMs: 200, sweepIntervalMs: 100 },
    });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.cleanup();
  });

  const workerRow = async (name: string) =>
    (await client.call('worker.list', {})).workers.find((w) => w.name === name)!;

  it('registers a new worker disabled, flags work nobody can take, and runs it once the worker is enabled', async () => {
    workers.push(await startWorker(master, 'alpha', ['--tags', 'linux', '--max-tasks', '1']));
    expect(await workerRow('alpha')).toMatchObject({
      enabled: false,
      state: 'disabled',
      stateReason: 'disabled: enable it to let it take work',
    });

    const { executionId } = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 0 },
    });
    const { messages } = await client.call('execution.messages', { executionId });
    expect(messages.map((m) => m.message).join('\n')).toMatch(
      /No enabled worker can run this execution as it is targeted \(alpha: disabled/,
    );
    const explained = await client.call('execution.explain', { executionId });
    expect(explained).toMatchObject({
      status: ExecutionStatus.pending,
      eligibleWorkers: 0,
      neverRunnable: true,
    });
    expect(explained.workers).toEqual([
      {
        name: 'alpha',
        state: 'disabled',
        eligible: false,
        reason: 'disabled: enable it to let it take work',
      },
    ]);

    await client.call('worker.enable', { name: 'alpha' });
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done).toMatchObject({ status: ExecutionStatus.succeeded, workerName: 'alpha' });
  });

  it('previews, before anything is submitted, which workers a targeting reaches and why not the others', async () => {
    const before = (await client.call('execution.list', {})).total;
    expect(await client.call('execution.preview', { targeting: { kind: 'tags', tags: ['gpu'] } })).toEqual({
      eligibleWorkers: 0,
      neverRunnable: true,
      workers: [
        {
          name: 'alpha',
          state: 'online',
          eligible: false,
          reason: 'tags do not match (needs gpu; has linux)',
        },
      ],
    });
    const byName = await client.call('execution.preview', {
      targeting: { kind: 'workers', names: ['alpha'] },
    });
    expect(byName).toMatchObject({
      eligibleWorkers: 1,
      neverRunnable: false,
      workers: [{ name: 'alpha', eligible: true }],
    });
    await expect(
      client.call('execution.preview', { targeting: { kind: 'tags', tags: [] } } as never),
    ).rejects.toThrow(/targeting/);
    // A preview creates nothing.
    expect((await client.call('execution.list', {})).total).toBe(before);
  });

  it('explains per worker why targeted work is not running, and fails it after its maximum queue wait', async () => {
    const { executionId } = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 0 },
      targeting: { kind: 'tags', tags: ['gpu'] },
      maxQueueWaitMs: 500,
    });
    const explained = await client.call('execution.explain', { executionId });
    expect(explained.workers).toEqual([
      { name: 'alpha', state: 'online', eligible: false, reason: 'tags do not match (needs gpu; has linux)' },
    ]);
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.failed);
    expect(done.lastError).toMatch(
      /waited \d+ s in the queue, past its maximum queue wait; no worker took it \(alpha: tags do not match/,
    );
  });

  it('stops a queued execution at once and a running one through stopping to canceled, without retrying it', async () => {
    const running = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 30 },
      retryCount: 3,
    });
    await waitForExecution(client, running.executionId, (e) => e.status === ExecutionStatus.running);
    const queued = await client.call('execution.create', { ...countdown, parameters: { Seconds: 0 } });
    expect((await workerRow('alpha')).state).toBe('busy');
    const explained = await client.call('execution.explain', { executionId: queued.executionId });
    expect(explained.workers[0]).toMatchObject({ eligible: false, reason: 'busy 1/1' });

    const stoppedQueued = await client.call('execution.stop', { executionId: queued.executionId });
    expect(stoppedQueued.execution).toMatchObject({
      status: ExecutionStatus.canceled,
      lastError: 'stopped by console before it started',
    });

    const stopping = await client.call('execution.stop', { executionId: running.executionId });
    expect(stopping.execution.status).toBe(ExecutionStatus.stopping);
    const done = await waitForExecution(client, running.executionId, (e) => terminalStatuses.has(e.status));
    expect(done).toMatchObject({ status: ExecutionStatus.canceled, attempts: 1 });
    await expect(client.call('execution.stop', { executionId: running.executionId })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('drains a worker: no new work, running work may finish; at the deadline the rest is stopped and retried', async () => {
    workers.push(await startWorker(master, 'beta', ['--max-tasks', '1']));
    await client.call('worker.enable', { name: 'beta' });
    const long = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 30 },
      retryCount: 1,
      targeting: { kind: 'workers', names: ['alpha'] },
    });
    await waitForExecution(client, long.executionId, (e) => e.status === ExecutionStatus.running);
    await client.call('worker.drain', { name: 'alpha', deadlineSeconds: 1 });
    expect(await workerRow('alpha')).toMatchObject({ state: 'draining', draining: true });
    const other = await client.call('execution.create', { ...countdown, parameters: { Seconds: 0 } });
    expect(
      (await waitForExecution(client, other.executionId, (e) => terminalStatuses.has(e.status))).workerName,
    ).toBe('beta');
    // Past the deadline the drained worker's attempt ends as lost; its retry waits for alpha, the only worker it may use.
    const retried = await waitForExecution(
      client,
      long.executionId,
      (e) => e.status === ExecutionStatus.pending && e.attempts === 1,
    );
    expect(retried.lastError).toMatch(/drain deadline/);
    await client.call('worker.enable', { name: 'alpha' });
    await waitForExecution(
      client,
      long.executionId,
      (e) => e.status === ExecutionStatus.running && e.attempts === 2,
    );
    await client.call('execution.stop', { executionId: long.executionId });
    await expect(client.call('worker.enable', { name: 'nobody' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'name',
    });
  });
});
