import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, MessageType, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import type { ScaleOutError } from '../protocol/errors';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';
import { echoProject } from './catalogApi.fixture';

/** Parameters, server values, environments and references, end to end through a real worker. */
describe('parameter values resolve execution > environment/server > default', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let worker: Spawned;
  const project = { folderName: 'Ops', projectName: 'Echo' };

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
    worker = await startWorker(master, 'w1');
    await client.call('project.deploy', { folderName: 'Ops', bundle: echoProject() });
    await client.call('folder.create', { name: 'Shared' });
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.cleanup();
  });

  async function runAndRead(input: Record<string, unknown>) {
    const { executionId } = await client.call('execution.create', {
      ...project,
      packageName: 'Say',
      ...input,
    });
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    const { messages } = await client.call('execution.messages', {
      executionId,
      messageTypes: [MessageType.information],
    });
    return { executionId, done, said: messages.find((m) => m.sourceName === 'Echo')?.message ?? '' };
  }

  it('refuses an execution whose required parameter has no value, naming it, and queues nothing', async () => {
    const before = (await client.call('execution.list', {})).total;
    await expect(client.call('execution.create', { ...project, packageName: 'Say' })).rejects.toMatchObject({
      code: 'PARAMETER_REQUIRED',
      field: 'parameters.$Package::Target',
      message: expect.stringContaining('$Package::Target is required'),
    });
    expect((await client.call('execution.list', {})).total).toBe(before);
  });

  it('uses server values and environment variables through a reference', async () => {
    await client.call('environment.create', {
      folderName: 'Shared',
      environmentName: 'Prod',
      description: 'production',
    });
    await client.call('environment.setVariable', {
      folderName: 'Shared',
      environmentName: 'Prod',
      name: 'TargetDb',
      dataType: 'String',
      value: 'prod-db',
    });
    await client.call('environment.setVariable', {
      folderName: 'Shared',
      environmentName: 'Prod',
      name: 'Secret',
      dataType: 'String',
      value: 'hunter2-from-env',
      sensitive: true,
    });
    const { referenceId } = await client.call('reference.add', {
      ...project,
      environmentFolderName: 'Shared',
      environmentName: 'Prod',
    });
    await client.call('project.configure', { ...project, reference: '$Project::Env', value: 'Staging' });
    await client.call('project.configure', {
      ...project,
      reference: '$Package::Target',
      packageName: 'Say',
      referencedVariable: 'TargetDb',
    });
    await client.call('project.configure', {
      ...project,
      reference: '$Project::Password',
      referencedVariable: 'Secret',
    });

    const run = await runAndRead({ referenceId, parameters: { Count: '3' } });
    expect(run.done.status).toBe(ExecutionStatus.succeeded);
    expect(run.done.environmentName).toBe('Shared/Prod');
    expect(run.said).toMatch(/^version 1 Staging prod-db 3 pw=/);
    const { parameters } = await client.call('execution.parameters', { executionId: run.executionId });
    const byName = Object.fromEntries(parameters.map((p) => [p.name, p]));
    expect(byName.Env).toMatchObject({ objectType: 20, value: 'Staging', source: 'server' });
    expect(byName.Target).toMatchObject({ objectType: 30, value: 'prod-db', source: 'environment' });
    expect(byName.Count).toMatchObject({ value: 3, source: 'execution' });
    expect(byName.Password).toMatchObject({ sensitive: true, value: null, source: 'environment' });
    expect(byName.LOGGING_LEVEL).toMatchObject({ objectType: 50, value: 1, source: 'system' });
  });

  it('without the reference, a parameter that needs a variable is refused with the reason', async () => {
    await expect(client.call('execution.create', { ...project, packageName: 'Say' })).rejects.toThrow(
      /\$Package::Target is required and has no value; it references environment variable TargetDb, but no environment reference was chosen/,
    );
  });

  it('never returns sensitive values, and keeps them out of messages and of the catalog file in plain text', async () => {
    const { parameters } = await client.call('project.parameters', project);
    const password = parameters.find((p) => p.name === 'Password')!;
    expect(password).toMatchObject({
      sensitive: true,
      defaultValue: null,
      serverValue: { kind: 'reference', variableName: 'Secret' },
    });
    const { environments } = await client.call('environment.list', { folderName: 'Shared' });
    expect(environments[0]!.variables.find((v) => v.name === 'Secret')).toMatchObject({
      sensitive: true,
      value: null,
    });
    const tree = JSON.stringify(await client.call('catalog.tree', {}));
    expect(tree).not.toContain('hunter2-from-env');
    expect(tree).not.toContain('design-secret');

    await client.call('project.configure', {
      ...project,
      reference: '$Project::Password',
      value: 'literal-secret-42',
    });
    const { referenceId } = (await client.call('project.references', project)).references[0]!;
    const run = await runAndRead({ referenceId });
    expect(run.done.status).toBe(ExecutionStatus.succeeded);
    const all = await client.call('execution.messages', { executionId: run.executionId });
    // The package printed it; the engine masks sensitive values in every message.
    const text = all.messages.map((m) => m.message).join('\n');
    expect(text).not.toContain('literal-secret-42');
    expect(text).toContain('pw=********');
    const params = JSON.stringify(
      await client.call('execution.parameters', { executionId: run.executionId }),
    );
    expect(params).not.toContain('literal-secret-42');

    const bytes = ['catalog.sqlite', 'catalog.sqlite-wal']
      .map((f) => {
        try {
          return readFileSync(`${master.dataDir}/${f}`).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(bytes).not.toContain('literal-secret-42');
    expect(bytes).not.toContain('hunter2-from-env');
  });

  it('refuses configure of an unknown parameter or a value of the wrong type', async () => {
    await expect(
      client.call('project.configure', { ...project, reference: '$Project::Nope', value: 1 }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'reference',
    });
    await expect(
      client.call('project.configure', {
        ...project,
        reference: '$Package::Count',
        packageName: 'Say',
        value: 'x',
      }),
    ).rejects.toThrow(/expected an Int32/);
  });

  it('deletes environments, variables and references, naming what is missing', async () => {
    const err = await client
      .call('environment.deleteVariable', { folderName: 'Shared', environmentName: 'Prod', name: 'Nope' })
      .catch((e: ScaleOutError) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'environment Shared/Prod has no variable Nope' });
    const refs = (await client.call('project.references', project)).references;
    await client.call('reference.remove', { referenceId: refs[0]!.referenceId });
    expect((await client.call('project.references', project)).references).toEqual([]);
    await expect(client.call('folder.delete', { name: 'Shared' })).rejects.toThrow(
      /not empty \(0 projects, 1 environments\)/,
    );
    await client.call('environment.delete', { folderName: 'Shared', environmentName: 'Prod' });
    await client.call('folder.delete', { name: 'Shared' });
    expect((await client.call('catalog.tree', {})).folders.map((f) => f.name)).toEqual(['Ops']);
  });
});
