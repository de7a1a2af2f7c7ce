import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

const countdown = { folderName: 'Samples', projectName: 'HelloScaleOut', packageName: 'Countdown' };
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe('re-adoption', () => {
  it('a master restarted while an attempt runs re-adopts it: it finishes once, every message stored once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-readopt-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const first = await startTestMaster({ dataDir, timings: { heartbeatIntervalMs: 200 } });
    const ports = {
      consolePort: Number(new URL(first.consoleUrl).port),
      agentPort: Number(new URL(first.agentUrl).port),
    };
    let client = nodeClient(first.consoleUrl, first.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    const worker: Spawned = await startWorker(first, 'steady');
    cleanups.push(() => worker.stop('SIGKILL'));
    const { executionId } = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 3 },
    });
    await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);

    await first.close();
    const second = await startTestMaster({ dataDir, ...ports, timings: { heartbeatIntervalMs: 200 } });
    cleanups.push(() => second.close());
    client = nodeClient(second.consoleUrl, second.consoleToken);
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1, workerName: 'steady' });
    const { messages } = await client.call('execution.messages', { executionId });
    const texts = messages.filter((m) => m.sourceName === 'Count down').map((m) => m.message);
    expect(texts.filter((t) => t === 'lift-off')).toHaveLength(1);
    expect(texts.filter((t) => / s left$/.test(t))).toEqual(['0% 3 s left', '33% 2 s left', '67% 1 s left']);
  });

  it('a worker that comes back after its agent died has its old attempts ended at once and retried', async () => {
    // A lease far longer than the test: only the hello's list of running attempts can end the attempt.
    const master = await startTestMaster({ timings: { leaseMs: 10 * 60_000, heartbeatIntervalMs: 200 } });
    cleanups.push(() => master.cleanup());
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    const before = await startWorker(master, 'phoenix');
    const { executionId } = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 2 },
      retryCount: 1,
    });
    await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);
    await before.stop('SIGKILL');

    const after = await startWorker(master, 'phoenix');
    cleanups.push(() => after.stop('SIGKILL'));
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 2 });
    const { messages } = await client.call('execution.messages', { executionId });
    expect(messages.map((m) => m.message).join('\n')).toMatch(
      /Attempt 1 was lost: the worker reconnected without this attempt/,
    );
  });
});
