import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

/** An agent SIGKILLed while it holds two attempts: retried where retries allow, else ended unexpectedly. */
describe('an agent killed holding two attempts', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    master = await startTestMaster({
      timings: { heartbeatIntervalMs: 200, leaseMs: 1_200, offlineAfterMs: 1_200, sweepIntervalMs: 100 },
    });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    workers.push(await startWorker(master, 'doomed', ['--max-tasks', '2']));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.cleanup();
  });

  it('retries the one with retries left on another worker and ends the other as ended unexpectedly; none stays running', async () => {
    const create = (retryCount: number) =>
      client
        .call('execution.create', {
          folderName: 'Samples',
          projectName: 'HelloScaleOut',
          packageName: 'Countdown',
          parameters: { Seconds: 2 },
          retryCount,
        })
        .then((r) => r.executionId);
    const withRetry = await create(1);
    const withoutRetry = await create(0);
    for (const id of [withRetry, withoutRetry]) {
      expect(
        (await waitForExecution(client, id, (e) => e.status === ExecutionStatus.running)).workerName,
      ).toBe('doomed');
    }
    await workers[0]!.stop('SIGKILL');
    workers.push(await startWorker(master, 'rescuer'));

    const retried = await waitForExecution(client, withRetry, (e) => terminalStatuses.has(e.status));
    expect(retried).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 2, workerName: 'rescuer' });
    const lost = await waitForExecution(client, withoutRetry, (e) => terminalStatuses.has(e.status));
    expect(lost).toMatchObject({ status: ExecutionStatus.endedUnexpectedly, attempts: 1 });
    expect(lost.lastError).toMatch(/stopped renewing its lease/);
    const { total } = await client.call('execution.list', {
      statuses: [ExecutionStatus.running, ExecutionStatus.pending],
    });
    expect(total).toBe(0);
  });
});
