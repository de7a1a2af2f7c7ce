import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import type { ConsoleEvent, WorkerRow } from '../protocol/api';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

const countdown = { folderName: 'Samples', projectName: 'HelloScaleOut', packageName: 'Countdown' };
const connections = (worker: Spawned) => worker.output().match(/connected to wss?:\/\//g)?.length ?? 0;

/**
 * Scale Out Manager's Edit Worker with real worker processes: settings apply live (no restart, no
 * reconnect), win over what the worker says when it comes back, and reach a worker that was away.
 */
describe('worker settings from the console', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let alpha: Spawned;
  let beta: Spawned;
  const events: ConsoleEvent[] = [];
  let unsubscribe = () => {};

  beforeAll(async () => {
    master = await startTestMaster({ timings: { heartbeatIntervalMs: 300, sweepIntervalMs: 100 } });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    unsubscribe = client.subscribe((event) => events.push(event));
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    alpha = await startWorker(master, 'alpha', ['--tags', 'linux', '--max-tasks', '1']);
    beta = await startWorker(master, 'beta', ['--tags', 'linux', '--max-tasks', '1']);
  });
  afterAll(async () => {
    unsubscribe();
    await Promise.all([alpha, beta].map((w) => w?.stop('SIGKILL')));
    await master?.cleanup();
  });

  const row = async (name: string): Promise<WorkerRow | undefined> =>
    (await client.call('worker.list', {})).workers.find((w) => w.name === name);
  const preview = async (tags: string[]) =>
    (await client.call('execution.preview', { targeting: { kind: 'tags', tags } })).workers.map((w) => ({
      name: w.name,
      eligible: w.eligible,
    }));

  it('changes which workers a targeting reaches as soon as the tags are saved, and says so', async () => {
    expect(await preview(['gpu'])).toEqual([
      { name: 'alpha', eligible: false },
      { name: 'beta', eligible: false },
    ]);
    const result = await client.call('worker.update', {
      name: 'alpha',
      tags: ['linux', 'gpu'],
      description: 'the GPU box',
    });
    expect(result.appliedLive).toBe(true);
    expect(result.worker).toMatchObject({
      name: 'alpha',
      tags: ['linux', 'gpu'],
      description: 'the GPU box',
    });
    expect(await preview(['gpu'])).toEqual([
      { name: 'alpha', eligible: true },
      { name: 'beta', eligible: false },
    ]);
    await alpha.waitForLine(/the master set this worker's settings: name alpha, tags \[linux, gpu\]/);
    expect(
      events.some(
        (e) =>
          e.type === 'worker:changed' && e.worker.name === 'alpha' && e.worker.description === 'the GPU box',
      ),
    ).toBe(true);
  });

  it('runs two attempts at once once max tasks goes from 1 to 2, without a restart or a reconnect', async () => {
    const targeting = { kind: 'workers' as const, names: ['alpha'] };
    const [first, second] = await Promise.all(
      [1, 2].map(() =>
        client.call('execution.create', { ...countdown, parameters: { Seconds: 60 }, targeting }),
      ),
    );
    const ids = [first!.executionId, second!.executionId];
    const running = await Promise.race(
      ids.map((id) => waitForExecution(client, id, (e) => e.status === ExecutionStatus.running)),
    );
    const other = ids.find((id) => id !== running.executionId)!;
    expect(await row('alpha')).toMatchObject({ state: 'busy', stateReason: 'busy 1/1', maxTasks: 1 });
    expect((await client.call('execution.get', { executionId: other })).execution.status).toBe(
      ExecutionStatus.pending,
    );

    const result = await client.call('worker.update', { name: 'alpha', maxTasks: 2 });
    expect(result).toMatchObject({ appliedLive: true, worker: { maxTasks: 2 } });
    await waitForExecution(client, other, (e) => e.status === ExecutionStatus.running);
    expect((await client.call('execution.get', { executionId: running.executionId })).execution.status).toBe(
      ExecutionStatus.running,
    );
    expect(await row('alpha')).toMatchObject({ runningTasks: 2, maxTasks: 2, stateReason: 'busy 2/2' });
    expect(connections(alpha)).toBe(1);

    for (const executionId of ids) await client.call('execution.stop', { executionId });
    await Promise.all(ids.map((id) => waitForExecution(client, id, (e) => terminalStatuses.has(e.status))));
  });

  it('reports a worker too busy at once when a threshold is raised past its free memory, and free again', async () => {
    const result = await client.call('worker.update', { name: 'beta', minFreeMemoryBytes: 2 ** 50 });
    expect(result.appliedLive).toBe(true);
    expect(result.worker).toMatchObject({ state: 'busy', minFreeMemoryBytes: 2 ** 50 });
    expect(result.worker.stateReason).toMatch(/^free memory \d+ MiB < 1073741824 MiB$/);
    await beta.waitForLine(/taking no new work: free memory \d+ MiB is below the 1073741824 MiB floor/);
    const back = await client.call('worker.update', { name: 'beta', minFreeMemoryBytes: 0 });
    expect(back.worker.state).toBe('online');
    await beta.waitForLine(/resources recovered: taking work again/);
  });

  it('renames a worker: targeting by the new name reaches it, the old one does not', async () => {
    const result = await client.call('worker.update', { name: 'alpha', newName: 'alpha-gpu' });
    expect(result).toMatchObject({ appliedLive: true, worker: { name: 'alpha-gpu' } });
    expect(await row('alpha')).toBeUndefined();
    const byName = async (name: string) =>
      (await client.call('execution.preview', { targeting: { kind: 'workers', names: [name] } }))
        .eligibleWorkers;
    expect(await byName('alpha-gpu')).toBe(1);
    expect(await byName('alpha')).toBe(0);
    await alpha.waitForLine(/the master set this worker's settings: name alpha-gpu/);
  });

  it('refuses bad changes with a clear error and changes nothing', async () => {
    const before = await client.call('worker.list', {});
    const strip = (rows: WorkerRow[]) =>
      rows.map(({ workerId, name, description, tags, maxTasks, maxCpuPercent, minFreeMemoryBytes }) => ({
        workerId,
        name,
        description,
        tags,
        maxTasks,
        maxCpuPercent,
        minFreeMemoryBytes,
      }));
    await expect(client.call('worker.update', { name: 'nobody', maxTasks: 2 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'no worker named nobody',
    });
    await expect(
      client.call('worker.update', { name: 'beta', newName: 'ALPHA-GPU', tags: ['x'] }),
    ).rejects.toMatchObject({ code: 'CONFLICT', field: 'newName' });
    await expect(client.call('worker.update', { name: 'beta', maxTasks: 0 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'maxTasks',
    });
    await expect(client.call('worker.update', { name: 'beta', maxCpuPercent: 101 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'maxCpuPercent',
    });
    await expect(client.call('worker.update', { name: 'beta' })).rejects.toThrow(/nothing to change/);
    expect(strip((await client.call('worker.list', {})).workers)).toEqual(strip(before.workers));
  });

  it('gives a worker that was away the settings changed meanwhile, when it connects again', async () => {
    await beta.stop('SIGTERM');
    const result = await client.call('worker.update', { name: 'beta', maxTasks: 3, tags: ['later'] });
    expect(result).toMatchObject({
      appliedLive: false,
      worker: { state: 'offline', maxTasks: 3, tags: ['later'] },
    });
    // Eligibility follows at once: beta has the tag, though it cannot take work while away.
    expect(
      (await client.call('execution.preview', { targeting: { kind: 'tags', tags: ['later'] } }))
        .neverRunnable,
    ).toBe(false);

    beta = await startWorker(master, 'beta', ['--tags', 'linux', '--max-tasks', '1']);
    await beta.waitForLine(/the master set this worker's settings: name beta, tags \[later\], max 3 tasks/);
    expect(await row('beta')).toMatchObject({ state: 'online', tags: ['later'], maxTasks: 3 });
  });

  it("keeps the operator's name, tags and max tasks when the worker comes back saying otherwise", async () => {
    await alpha.stop('SIGTERM');
    alpha = await startWorker(master, 'alpha', ['--tags', 'linux', '--max-tasks', '1']);
    await alpha.waitForLine(
      /the master set this worker's settings: name alpha-gpu, tags \[linux, gpu\], max 2 tasks/,
    );
    expect(await row('alpha')).toBeUndefined();
    expect(await row('alpha-gpu')).toMatchObject({
      state: 'online',
      tags: ['linux', 'gpu'],
      maxTasks: 2,
      description: 'the GPU box',
    });
    expect((await client.call('worker.list', {})).workers).toHaveLength(2);
  });
});
