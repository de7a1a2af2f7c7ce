import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { createLogger } from '../logger';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

/** An agent frozen (SIGSTOP) past its lease, then resumed: its late result is rejected; one terminal state. */
describe('a frozen agent', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const logLines: string[] = [];
  const workers = new Map<string, Spawned>();

  beforeAll(async () => {
    master = await startTestMaster({
      timings: { heartbeatIntervalMs: 200, leaseMs: 1_000, offlineAfterMs: 1_000, sweepIntervalMs: 100 },
      log: createLogger('test', 'warn', (line) => {
        logLines.push(line);
        return true;
      }),
    });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    for (const name of ['ice', 'fire'])
      workers.set(name, await startWorker(master, name, ['--max-tasks', '1']));
  });
  afterAll(async () => {
    for (const w of workers.values()) {
      if (w.child.pid) process.kill(w.child.pid, 'SIGCONT');
      await w.stop('SIGKILL');
    }
    await master?.cleanup();
  });

  it('loses its lease, the execution is retried elsewhere, and its late report is rejected', async () => {
    const { executionId } = await client.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
      packageName: 'Countdown',
      parameters: { Seconds: 2 },
      retryCount: 1,
    });
    const first = await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);
    const frozen = workers.get(first.workerName!)!;
    process.kill(frozen.child.pid!, 'SIGSTOP');
    // The lease runs out; the retry starts on the other worker.
    const retried = await waitForExecution(
      client,
      executionId,
      (e) => e.status === ExecutionStatus.running && e.attempts === 2,
    );
    expect(retried.workerName).not.toBe(first.workerName);
    process.kill(frozen.child.pid!, 'SIGCONT');

    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done).toMatchObject({
      status: ExecutionStatus.succeeded,
      attempts: 2,
      workerName: retried.workerName,
    });
    // The frozen agent's child kept counting and reports when it wakes; wait for the master to refuse it.
    await frozen.waitForLine(/rejected by the master: the attempt was fenced/);
    expect(logLines.join('')).toMatch(/late report for attempt .* rejected \(fenced: its lease ended\)/);
    const again = (await client.call('execution.get', { executionId })).execution;
    expect(again).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 2 });
    const { messages } = await client.call('execution.messages', { executionId });
    expect(messages.filter((m) => m.message === 'lift-off' && m.attemptNumber === 2)).toHaveLength(1);
  });
});
