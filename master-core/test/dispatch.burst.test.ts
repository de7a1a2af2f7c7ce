import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { ProjectBundle } from '../protocol/packageFormat';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

const noop = ProjectBundle.parse({
  project: { name: 'Burst' },
  packages: [{ name: 'Noop', tasks: [{ name: 'Nothing', type: 'script', code: 'return;' }] }],
});

/**
 * A queue much longer than the fleet's capacity drains completely while heartbeats (fast here) keep
 * arriving in the middle of it: a worker's load is the catalog's truth, never a stale report.
 */
describe('a burst larger than the fleet', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    master = await startTestMaster({ timings: { heartbeatIntervalMs: 50 } });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', { folderName: 'Burst', bundle: noop });
    for (const [name, mode] of [
      ['p1', 'process'],
      ['p2', 'pooled'],
    ] as const) {
      workers.push(await startWorker(master, name, ['--max-tasks', '2', '--execution-mode', mode]));
    }
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.cleanup();
  });

  it('runs every one of 120 executions submitted at once, on both workers', async () => {
    const ids = await Promise.all(
      Array.from({ length: 120 }, () =>
        client
          .call('execution.create', { folderName: 'Burst', projectName: 'Burst', packageName: 'Noop' })
          .then((r) => r.executionId),
      ),
    );
    const done = await Promise.all(
      ids.map((id) => waitForExecution(client, id, (e) => terminalStatuses.has(e.status))),
    );
    const wrong = done.filter((e) => e.status !== ExecutionStatus.succeeded || e.attempts !== 1);
    expect(
      wrong.map((e) => ({ id: e.executionId, status: e.status, attempts: e.attempts, error: e.lastError })),
    ).toEqual([]);
    expect(new Set(done.map((e) => e.workerName))).toEqual(new Set(['p1', 'p2']));
  });
});
