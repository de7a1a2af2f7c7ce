// Secrets end to end: a sensitive parameter, a sensitive environment variable (through an
// environment reference) and a connection manager Password override (CM.<Manager>.Password) used by
// a real package on a real worker, both real processes. None of the three values may appear in the
// execution's messages, the master's or the worker's output, the catalog database's bytes (and its
// -wal), or anything left in the data directory (the worker's work directory lives there) after the
// run; what the package prints is masked.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../protocol/apiClient';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import { ProjectBundle } from '../protocol/packageFormat';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { removeDir, startMaster, startWorker } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

const PARAM_SECRET = 'Param-S3cret-7f1c2a90';
const ENV_SECRET = 'EnvVar-S3cret-9b2d4e17';
const CM_SECRET = 'CmPass-S3cret-1a5e8c33';
const SECRETS = [PARAM_SECRET, ENV_SECRET, CM_SECRET];

/** Every file under `dir`, recursively (links are not followed). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

/** The files under `dir` whose bytes hold any of the secrets, as UTF-8 or UTF-16LE. */
function filesHoldingSecrets(dir: string): string[] {
  const needles = SECRETS.flatMap((s) => [Buffer.from(s, 'utf8'), Buffer.from(s, 'utf16le')]);
  return filesUnder(dir).filter((file) => {
    const bytes = readFileSync(file);
    return needles.some((needle) => bytes.includes(needle));
  });
}

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe('secrets stay secret', () => {
  let master: MasterProcess;
  let worker: Spawned;
  let client: ApiClient;
  let executionId: number;
  const workDir = () => join(master.dataDir, 'workers', 'w-secrets');

  beforeAll(async () => {
    master = await startMaster();
    worker = await startWorker(master, 'w-secrets');
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('folder.create', { name: 'Sec', description: '' });
    const printAll =
      'echo "param=$P_SECRET env=$E_SECRET"; echo "stderr $1 $2" >&2; echo "$P_SECRET $E_SECRET" > left-behind.txt';
    await client.call('project.deploy', {
      folderName: 'Sec',
      bundle: ProjectBundle.parse({
        project: {
          name: 'Vault',
          parameters: [
            { name: 'Password', dataType: 'String', sensitive: true, defaultValue: 'design-time-value' },
            { name: 'ApiKey', dataType: 'String', sensitive: true, defaultValue: 'design-time-key' },
          ],
          connectionManagers: [
            {
              name: 'Pg',
              type: 'postgresql',
              connectionString: 'host=127.0.0.1 port=9 dbname=app user=etl connect_timeout=2',
            },
          ],
        },
        packages: [
          {
            name: 'Leak',
            tasks: [
              {
                name: 'Print',
                type: 'script',
                code: [
                  "log.info('param=' + $Project.Password + ' env=' + $Project.ApiKey);",
                  "log.warning('again ' + [$Project.Password, $Project.ApiKey].join('|'));",
                  "console.log('stdout ' + $Project.Password + ' ' + $Project.ApiKey);",
                  "console.error('stderr ' + $Project.Password + ' ' + $Project.ApiKey);",
                ].join('\n'),
              },
              {
                name: 'Process',
                type: 'executeProcess',
                executable: 'sh',
                arguments: ['-c', printAll, 'sh', '@[$Project::Password]', '@[$Project::ApiKey]'],
                environment: { P_SECRET: '@[$Project::Password]', E_SECRET: '@[$Project::ApiKey]' },
              },
              // Connects with the overriding password to a port nobody listens on: it fails, and its
              // error must not carry the password.
              { name: 'Query', type: 'executeSql', connection: 'Pg', sqlStatement: 'SELECT 1' },
            ],
            precedenceConstraints: [
              { from: 'Print', to: 'Process' },
              { from: 'Process', to: 'Query' },
            ],
          },
        ],
      }),
    });
    await client.call('environment.create', { folderName: 'Sec', environmentName: 'Prod', description: '' });
    await client.call('environment.setVariable', {
      folderName: 'Sec',
      environmentName: 'Prod',
      name: 'ApiKey',
      dataType: 'String',
      value: ENV_SECRET,
      sensitive: true,
    });
    const { referenceId } = await client.call('reference.add', {
      folderName: 'Sec',
      projectName: 'Vault',
      environmentName: 'Prod',
    });
    await client.call('project.configure', {
      folderName: 'Sec',
      projectName: 'Vault',
      reference: '$Project::ApiKey',
      referencedVariable: 'ApiKey',
    });
    ({ executionId } = await client.call('execution.create', {
      folderName: 'Sec',
      projectName: 'Vault',
      packageName: 'Leak',
      referenceId,
      loggingLevel: 3,
      parameters: { Password: PARAM_SECRET, 'CM.Pg.Password': CM_SECRET },
    }));
    await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('ran the package to its end on the worker (the Query task fails: nobody listens)', async () => {
    const { execution } = await client.call('execution.get', { executionId });
    expect(execution.status).toBe(ExecutionStatus.failed);
    const { messages } = await client.call('execution.messages', { executionId, limit: 10_000 });
    const text = messages.map((m) => m.message).join('\n');
    // The package printed each secret several ways; every print is there, masked.
    expect(text).toMatch(/param=\*{8} env=\*{8}/);
    expect(text).toMatch(/again \*{8}\|\*{8}/);
    expect(text).toMatch(/stdout \*{8} \*{8}/);
    expect(text).toMatch(/stderr \*{8} \*{8}/);
    expect(text).toMatch(/Process: finished with success/);
    // The failed connection names its connection string, the password masked.
    expect(text).toMatch(/cannot open connection manager "Pg" \(.*password=\*{8}\)/);
  });

  it('no secret in the execution messages, parameters or the execution row', async () => {
    const { messages } = await client.call('execution.messages', { executionId, limit: 10_000 });
    expect(leaks(JSON.stringify(messages))).toEqual([]);
    const { parameters } = await client.call('execution.parameters', { executionId });
    expect(leaks(JSON.stringify(parameters))).toEqual([]);
    expect(parameters.filter((p) => p.sensitive).map((p) => [p.name, p.value])).toEqual(
      expect.arrayContaining([
        ['Password', null],
        ['ApiKey', null],
        ['CM.Pg.Password', null],
      ]),
    );
    expect(leaks(JSON.stringify(await client.call('execution.get', { executionId })))).toEqual([]);
    expect(leaks(JSON.stringify(await client.call('execution.attempts', { executionId })))).toEqual([]);
    expect(leaks(JSON.stringify(await client.call('environment.list', { folderName: 'Sec' })))).toEqual([]);
  });

  it("no secret in the master's or the worker's output", () => {
    expect(leaks(master.output())).toEqual([]);
    expect(leaks(worker.output())).toEqual([]);
  });

  it('no secret in the catalog database file, its -wal, or any file of the data and work directories', () => {
    const catalog = join(master.dataDir, 'catalog.sqlite');
    expect(existsSync(catalog)).toBe(true);
    expect(statSync(catalog).size).toBeGreaterThan(0);
    // Every file: catalog.sqlite, -wal, -shm, logs, the worker's spool and what its attempts left.
    expect(filesUnder(master.dataDir)).toContain(catalog);
    expect(filesHoldingSecrets(master.dataDir)).toEqual([]);
  });

  it("the attempt's working directory (where the package wrote a file holding the secrets) is gone", async () => {
    const { attempts } = await client.call('execution.attempts', { executionId });
    expect(attempts.map((a) => a.outcome)).toEqual(['failed']);
    const attemptsDir = join(workDir(), 'attempts');
    expect(existsSync(attemptsDir) ? readdirSync(attemptsDir) : []).toEqual([]);
    expect(filesUnder(workDir()).filter((f) => f.endsWith('left-behind.txt'))).toEqual([]);
  });

  it('after both processes stop, the files on disk still hold no secret', async () => {
    await worker.stop();
    await master.stop();
    expect(leaks(master.output() + worker.output())).toEqual([]);
    expect(filesHoldingSecrets(master.dataDir)).toEqual([]);
  });
});
