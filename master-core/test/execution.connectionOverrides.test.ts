import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ApiClient } from '../protocol/apiClient';
import { ProjectBundle } from '../protocol/packageFormat';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

/** CM.<Name>.<Property> overrides, end to end: execution.create, the catalog, a real worker, real SQLite files. */
describe('connection manager overrides', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let worker: Spawned;
  let dir: string;
  const project = { folderName: 'Ops', projectName: 'Loads', packageName: 'Load' };

  const rows = (file: string) =>
    new Promise<unknown[]>((resolve, reject) => {
      const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (openError) => {
        if (openError) return reject(openError);
        db.all('SELECT v FROM t ORDER BY rowid', (error, result) => {
          db.close();
          if (error) reject(error);
          else resolve(result);
        });
      });
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cm-e2e-'));
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
    worker = await startWorker(master, 'w1');
    const write = (name: string, connection: string) => ({
      name,
      type: 'executeSql',
      connection,
      sqlStatement: `CREATE TABLE IF NOT EXISTS t (v TEXT); INSERT INTO t VALUES ('${name}')`,
    });
    await client.call('project.deploy', {
      folderName: 'Ops',
      bundle: ProjectBundle.parse({
        project: {
          name: 'Loads',
          connectionManagers: [
            { name: 'Warehouse', type: 'sqlite', connectionString: join(dir, 'design-warehouse.sqlite') },
            { name: 'Pg', type: 'postgresql', connectionString: 'host=127.0.0.1 port=9 dbname=app user=etl' },
          ],
        },
        packages: [
          {
            name: 'Load',
            connectionManagers: [
              { name: 'Staging', type: 'sqlite', connectionString: join(dir, 'design-staging.sqlite') },
            ],
            tasks: [write('ToWarehouse', 'Warehouse'), write('ToStaging', 'Staging')],
            precedenceConstraints: [{ from: 'ToWarehouse', to: 'ToStaging' }],
          },
        ],
      }),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs with the overriding connection strings and stores each override like a parameter, a Password encrypted', async () => {
    const warehouse = join(dir, 'run-warehouse.sqlite');
    const staging = join(dir, 'run-staging.sqlite');
    const { executionId } = await client.call('execution.create', {
      ...project,
      parameters: {
        'CM.Warehouse.ConnectionString': warehouse,
        'cm.staging.connectionstring': staging,
        'CM.Pg.Password': 'pg-override-secret-91',
      },
    });
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    expect(await rows(warehouse)).toEqual([{ v: 'ToWarehouse' }]);
    expect(await rows(staging)).toEqual([{ v: 'ToStaging' }]);
    expect(existsSync(join(dir, 'design-warehouse.sqlite'))).toBe(false);

    const { parameters } = await client.call('execution.parameters', { executionId });
    const overrides = parameters.filter((p) => p.name.startsWith('CM.'));
    expect(overrides).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'CM.Warehouse.ConnectionString', objectType: 20, value: warehouse }),
        expect.objectContaining({ name: 'CM.Staging.ConnectionString', objectType: 30, value: staging }),
        expect.objectContaining({ name: 'CM.Pg.Password', objectType: 20, sensitive: true, value: null }),
      ]),
    );
    expect(JSON.stringify(parameters)).not.toContain('pg-override-secret-91');
    const bytes = ['catalog.sqlite', 'catalog.sqlite-wal']
      .map((f) => {
        try {
          return readFileSync(join(master.dataDir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    expect(bytes).toContain('CM.Pg.Password');
    expect(bytes).not.toContain('pg-override-secret-91');
  });

  it('lists the project’s and each package’s connection managers in catalog.tree, for the console', async () => {
    const { folders } = await client.call('catalog.tree', {});
    const loads = folders.find((f) => f.name === 'Ops')!.projects.find((p) => p.name === 'Loads')!;
    expect(loads.connectionManagers).toEqual([
      { name: 'Warehouse', type: 'sqlite', description: '' },
      { name: 'Pg', type: 'postgresql', description: '' },
    ]);
    expect(loads.packages[0]!.connectionManagers).toEqual([
      { name: 'Staging', type: 'sqlite', description: '' },
    ]);
  });

  it('refuses an override of an unknown manager or property, naming the key, and queues nothing', async () => {
    const before = (await client.call('execution.list', {})).total;
    await expect(
      client.call('execution.create', { ...project, parameters: { 'CM.Nope.ConnectionString': 'x' } }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'parameters.CM.Nope.ConnectionString',
      message: expect.stringContaining('no connection manager "Nope" (they have: Staging, Warehouse, Pg)'),
    });
    await expect(
      client.call('execution.create', { ...project, parameters: { 'CM.Staging.Password': 'x' } }),
    ).rejects.toMatchObject({
      field: 'parameters.CM.Staging.Password',
      message: expect.stringContaining('a sqlite connection manager has no property "Password"'),
    });
    expect((await client.call('execution.list', {})).total).toBe(before);
  });
});
