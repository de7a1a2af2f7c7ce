import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, MessageType, terminalStatuses } from '../protocol/codes';
import { ExecutableDef } from '../protocol/packageFormat';
import type { ApiClient } from '../protocol/apiClient';
import { openDb } from '../catalog/db';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';
import { echoProject } from './catalogApi.fixture';

/** Every table's rows, in order: the catalog's content, to compare before and after. */
async function catalogContent(file: string): Promise<string> {
  const db = await openDb(file);
  try {
    const tables = await db.all<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    );
    const dump: Record<string, unknown[]> = {};
    for (const { name } of tables) dump[name] = await db.all(`SELECT * FROM "${name}" ORDER BY rowid`);
    return JSON.stringify(dump);
  } finally {
    await db.close();
  }
}

describe('project versions, deletes and deploy atomicity', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let worker: Spawned;
  const project = { folderName: 'Ops', projectName: 'Echo' };

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
    worker = await startWorker(master, 'w1');
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.cleanup();
  });

  async function run() {
    const { executionId } = await client.call('execution.create', {
      ...project,
      packageName: 'Say',
      parameters: { Target: 't' },
    });
    await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    const { messages } = await client.call('execution.messages', {
      executionId,
      messageTypes: [MessageType.information],
    });
    return messages.find((m) => m.sourceName === 'Echo')!.message;
  }

  it('keeps each deploy as a version; restoring an older one runs the older packages', async () => {
    const v1 = await client.call('project.deploy', {
      folderName: 'Ops',
      bundle: echoProject({ version: '1' }),
    });
    const v2 = await client.call('project.deploy', {
      folderName: 'Ops',
      bundle: echoProject({ version: '2' }),
    });
    expect(v2.versionId).toBeGreaterThan(v1.versionId);
    expect(await run()).toMatch(/^version 2 /);
    const { versions } = await client.call('project.versions', project);
    expect(versions.map((v) => [v.versionId, v.isCurrent])).toEqual([
      [v2.versionId, true],
      [v1.versionId, false],
    ]);
    expect(versions[0]).toMatchObject({
      packageNames: ['Say'],
      deployedBy: 'console',
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    await client.call('project.restore', { ...project, versionId: v1.versionId });
    expect(await run()).toMatch(/^version 1 /);
    await expect(client.call('project.restore', { ...project, versionId: 999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'versionId',
    });
  });

  it('keeps at most MAX_PROJECT_VERSIONS versions (and never the current one away)', async () => {
    await client.call('property.set', { name: 'MAX_PROJECT_VERSIONS', value: '3' });
    for (let v = 3; v <= 7; v += 1)
      await client.call('project.deploy', { folderName: 'Ops', bundle: echoProject({ version: String(v) }) });
    const { versions } = await client.call('project.versions', project);
    expect(versions).toHaveLength(3);
    expect(versions[0]!.isCurrent).toBe(true);
    expect(await run()).toMatch(/^version 7 /);
    // Executions of removed versions are kept, without their version.
    const { executions } = await client.call('execution.list', { packageName: 'Say' });
    expect(executions.some((e) => e.versionId === null && e.status === ExecutionStatus.succeeded)).toBe(true);
  });

  it('a deploy that fails validation changes nothing in the catalog', async () => {
    const before = await catalogContent(master.catalogFile);
    const bad = echoProject({ version: '8' });
    bad.packages[0]!.tasks.push(
      ExecutableDef.parse({ name: 'Broken', type: 'executeProcess', executable: '@[$Package::Nope]' }),
    );
    await expect(client.call('project.deploy', { folderName: 'Elsewhere', bundle: bad })).rejects.toThrow(
      /Say: tasks.1.executable: unknown reference @\[\$Package::Nope\]/,
    );
    await expect(
      client.call('project.deploy', { folderName: 'Ops', bundle: { ...bad, packages: [] } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'bundle.packages',
    });
    expect(await catalogContent(master.catalogFile)).toBe(before);
  });

  it('two concurrent deploys of different content both land as consecutive versions', async () => {
    const [a, b] = await Promise.all([
      client.call('project.deploy', { folderName: 'Ops', bundle: echoProject({ version: 'A' }) }),
      client.call('project.deploy', { folderName: 'Ops', bundle: echoProject({ version: 'B' }) }),
    ]);
    expect(Math.abs(a.versionId - b.versionId)).toBe(1);
    const { versions } = await client.call('project.versions', project);
    expect(versions[0]!.versionId).toBe(Math.max(a.versionId, b.versionId));
    expect(await run()).toMatch(a.versionId > b.versionId ? /^version A / : /^version B /);
  });

  it('deletes a project only when nothing of it is queued, and a folder only when empty', async () => {
    await expect(client.call('folder.delete', { name: 'Ops' })).rejects.toThrow(
      /folder Ops is not empty \(1 projects, 0 environments\)/,
    );
    await client.call('project.delete', project);
    await expect(client.call('project.versions', project)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.call('folder.delete', { name: 'Ops' });
    expect((await client.call('catalog.tree', {})).folders).toEqual([]);
    // The executions stay, for the record.
    expect((await client.call('execution.list', { folderName: 'Ops' })).total).toBeGreaterThan(0);
  });
});
