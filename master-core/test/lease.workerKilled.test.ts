import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient } from '../protocol/apiClient';
import type { ApiClient, EventSocket } from '../protocol/apiClient';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ExecutionRow } from '../protocol/api';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

/** A worker dies holding work: its lease runs out and the execution is retried on another worker. */
describe('a worker killed mid-execution', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const workers = new Map<string, Spawned>();

  beforeAll(async () => {
    master = await startTestMaster({
      timings: { heartbeatIntervalMs: 200, leaseMs: 1_500, offlineAfterMs: 1_500, sweepIntervalMs: 100 },
    });
    client = createApiClient({
      baseUrl: master.consoleUrl,
      token: master.consoleToken,
      createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as EventSocket,
    });
    await client.call('project.deploy', { folderName: 'Samples', bundle: loadProjectDir('samples/HelloScaleOut') });
    for (const name of ['one', 'two']) workers.set(name, await startWorker(master, name, ['--max-tasks', '1']));
  });
  afterAll(async () => {
    await Promise.all([...workers.values()].map((w) => w.stop('SIGKILL')));
    await master.cleanup();
  });

  /** Resolves with the first state of the execution that satisfies the predicate. */
  function waitFor(executionId: number, predicate: (e: ExecutionRow) => boolean): Promise<ExecutionRow> {
    return new Promise((resolve, reject) => {
      const check = () =>
        client.call('execution.get', { executionId }).then(({ execution }) => {
          if (predicate(execution)) {
            stop();
            resolve(execution);
          }
        }, reject);
      const stop = client.subscribe(
        (event) => event.type === 'execution:changed' && event.execution.executionId === executionId && void check(),
        (connected) => connected && void check(),
      );
    });
  }

  it('retries on the surviving worker and succeeds, saying the first attempt was lost', async () => {
    const { executionId } = await client.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
      packageName: 'Countdown',
      parameters: { Seconds: 3 },
      retryCount: 1,
    });
    const running = await waitFor(executionId, (e) => e.status === ExecutionStatus.running && e.workerName !== null);
    const victim = running.workerName!;
    await workers.get(victim)!.stop('SIGKILL');

    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    expect(done.attempts).toBe(2);
    expect(done.workerName).not.toBe(victim);
    const { messages } = await client.call('execution.messages', { executionId });
    expect(messages.map((m) => m.message).join('\n')).toMatch(/Attempt 1 was lost: the worker stopped renewing its lease/);
    expect(messages.filter((m) => m.message === 'lift-off')).toHaveLength(1);
  });

  it('ends unexpectedly (status 6) when no retry is left', async () => {
    const survivor = [...workers.entries()].find(([, w]) => w.child.exitCode === null && w.child.signalCode === null)!;
    const { executionId } = await client.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
      packageName: 'Countdown',
      parameters: { Seconds: 30 },
    });
    await waitFor(executionId, (e) => e.status === ExecutionStatus.running);
    await survivor[1].stop('SIGKILL');
    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.endedUnexpectedly);
    expect(done.lastError).toMatch(/stopped renewing its lease/);
  });
});
