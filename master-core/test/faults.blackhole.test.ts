import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startBlackholeProxy } from '../../e2e/harness/proxy';
import { startTestMaster } from './masterFixture';

/** The network path to the master black-holes for longer than a heartbeat, then heals. */
describe('a black-holed connection', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let proxy: Awaited<ReturnType<typeof startBlackholeProxy>>;
  let worker: Spawned;

  beforeAll(async () => {
    master = await startTestMaster({
      timings: { heartbeatIntervalMs: 200, offlineAfterMs: 1_500, leaseMs: 5_000, sweepIntervalMs: 100 },
    });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    proxy = await startBlackholeProxy(Number(new URL(master.agentUrl).port));
    worker = await startWorker({ ...master, agentUrl: `wss://127.0.0.1:${proxy.port}` }, 'remote');
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await proxy?.close();
    await master?.cleanup();
  });

  it('the agent notices, reconnects when it heals, and the running execution finishes once with every message', async () => {
    const { executionId } = await client.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
      packageName: 'Countdown',
      parameters: { Seconds: 3 },
    });
    await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);
    proxy.blackhole();
    // Three silent heartbeat intervals: the agent gives the connection up and keeps trying.
    await worker.waitForLine(/no answer from the master for \d+ s: reconnecting/);
    proxy.heal();
    await worker.waitForLine(/connected to wss:\/\/127\.0\.0\.1:\d+ as remote/);

    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1, workerName: 'remote' });
    const { messages } = await client.call('execution.messages', { executionId });
    const counted = messages.filter((m) => m.sourceName === 'Count down').map((m) => m.message);
    expect(counted).toEqual([
      'Count down: starting (script task).',
      '0% 3 s left',
      '33% 2 s left',
      '67% 1 s left',
      'lift-off',
      expect.stringMatching(/^Count down: finished with success in \d+ ms\.$/),
    ]);
  });
});
