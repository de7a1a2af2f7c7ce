import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { openCatalog } from '../catalog/openCatalog';
import { createRetentionRepo } from '../catalog/retentionRepo';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';
import { echoProject } from './catalogApi.fixture';

describe('executions in the catalog', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const say = { folderName: 'Ops', projectName: 'Echo', packageName: 'Say' };

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', { folderName: 'Ops', bundle: echoProject() });
  });
  afterAll(() => master?.cleanup());

  it('takes 1,000 concurrent submissions: each acknowledged once, with distinct ids and its parameters', async () => {
    const ids = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        client
          .call('execution.create', { ...say, parameters: { Target: `t${i}`, Count: i } })
          .then((r) => r.executionId),
      ),
    );
    expect(new Set(ids).size).toBe(1000);
    const { total } = await client.call('execution.list', { statuses: [ExecutionStatus.pending] });
    expect(total).toBe(1000);
    for (const i of [0, 499, 999]) {
      const { parameters } = await client.call('execution.parameters', { executionId: ids[i]! });
      expect(parameters.find((p) => p.name === 'Target')?.value).toBe(`t${i}`);
      expect(parameters.find((p) => p.name === 'Count')?.value).toBe(i);
    }
  });

  it('filters and pages the execution list, newest first, with a total', async () => {
    const first = await client.call('execution.list', { limit: 10, packageName: 'say', statuses: [5] });
    expect(first.executions).toHaveLength(10);
    expect(first.total).toBe(1000);
    const second = await client.call('execution.list', {
      limit: 10,
      beforeId: first.executions[9]!.executionId,
    });
    expect(second.executions[0]!.executionId).toBe(first.executions[9]!.executionId - 1);
    expect((await client.call('execution.list', { folderName: 'Nowhere' })).total).toBe(0);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await client.call('execution.list', { createdAfter: future })).total).toBe(0);
    await expect(client.call('execution.list', { statuses: [42] })).rejects.toMatchObject({
      field: 'statuses.0',
    });
  });

  it('records per-task statistics and worker health once a worker runs the queue', async () => {
    const worker = await startWorker(master, 'stats', ['--max-tasks', '2']);
    try {
      const { executionId } = await client.call('execution.create', {
        ...say,
        parameters: { Target: 'x' },
        priority: 100,
      });
      const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
      expect(done.status).toBe(ExecutionStatus.succeeded);
      const { statistics } = await client.call('execution.statistics', { executionId });
      expect(statistics).toEqual([
        expect.objectContaining({
          attemptNumber: 1,
          executionPath: '\\Package\\Echo',
          taskName: 'Echo',
          executionResult: 0,
        }),
        expect.objectContaining({
          attemptNumber: 1,
          executionPath: '\\Package',
          taskName: 'Say',
          executionResult: 0,
        }),
      ]);
      const { messages } = await client.call('execution.messages', { executionId });
      expect(messages.find((m) => m.sourceName === 'Echo')?.packagePath).toBe('\\Package\\Echo');
      const { workers } = await client.call('worker.list', {});
      const row = workers.find((w) => w.name === 'stats')!;
      expect(row).toMatchObject({
        agentVersion: '0.1.0',
        cpuCount: expect.any(Number),
        os: expect.stringMatching(/\w+ \w+/),
      });
      const { samples } = await client.call('worker.health', { workerId: row.workerId });
      expect(samples.length).toBeGreaterThan(0);
      expect(samples[0]).toMatchObject({
        cpuPercent: expect.any(Number),
        freeMemoryBytes: expect.any(Number),
      });
    } finally {
      await worker.stop('SIGKILL');
    }
  });

  it('validates catalog properties, and uses SERVER_LOGGING_LEVEL as the default logging level', async () => {
    await expect(client.call('property.set', { name: 'RETENTION_WINDOW', value: 'soon' })).rejects.toThrow(
      /property RETENTION_WINDOW must be a whole number from 1 to 36500 \(got "soon"\)/,
    );
    await expect(client.call('property.set', { name: 'NO_SUCH', value: '1' })).rejects.toMatchObject({
      field: 'name',
    });
    await client.call('property.set', { name: 'server_logging_level', value: '3' });
    const { properties } = await client.call('property.list', {});
    expect(properties.find((p) => p.name === 'SERVER_LOGGING_LEVEL')?.value).toBe('3');
    expect(properties.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'RETENTION_WINDOW',
        'OPERATION_CLEANUP_ENABLED',
        'MAX_PROJECT_VERSIONS',
        'VERSION_CLEANUP_ENABLED',
        'DEFAULT_EXECUTION_MODE',
      ]),
    );
    const { executionId } = await client.call('execution.create', { ...say, parameters: { Target: 'x' } });
    expect((await client.call('execution.get', { executionId })).execution.loggingLevel).toBe(3);
  });

  it('retention removes only ended executions older than the window, with their rows, in batches', async () => {
    const db = await openCatalog(master.catalogFile);
    try {
      await db.run(
        "UPDATE executions SET status = 7, created_time = '2000-01-01T00:00:00.000Z' WHERE execution_id <= 300",
      );
      const retention = createRetentionRepo(db);
      expect(await retention.deleteBatch('2001-01-01T00:00:00.000Z', 200)).toBe(200);
      expect(await retention.deleteBatch('2001-01-01T00:00:00.000Z', 200)).toBe(100);
      expect(await retention.deleteBatch('2001-01-01T00:00:00.000Z', 200)).toBe(0);
      const left = await db.get<{ n: number; orphans: number }>(
        'SELECT (SELECT COUNT(*) FROM executions WHERE execution_id <= 300) AS n, (SELECT COUNT(*) FROM execution_parameter_values WHERE execution_id <= 300) + (SELECT COUNT(*) FROM event_messages WHERE execution_id <= 300) AS orphans',
      );
      expect(left).toEqual({ n: 0, orphans: 0 });
    } finally {
      await db.close();
    }
    expect(
      (await client.call('execution.list', { statuses: [ExecutionStatus.pending] })).total,
    ).toBeGreaterThan(600);
  });
});
