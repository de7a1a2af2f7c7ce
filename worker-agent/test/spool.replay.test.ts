import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { caFileOf, spawnCli, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';
import { ExecutionStatus, terminalStatuses } from '../../master-core/protocol/codes';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import type { ApiInput } from '../../master-core/protocol/api';

/*
 * Events and final reports reach the catalog once, even when the master is away while an attempt
 * ends, and even when the agent itself is killed before the master took the report. The master
 * is stopped and started again on the same data directory and ports (no acknowledgement can
 * arrive while it is away); the worker is the real CLI process.
 */

const LINES = 40;
/** Prints LINES lines once the gate file exists: the test decides when the package makes its messages. */
const gateScript = [
  "const fs = require('fs');",
  'const [gate, n] = process.argv.slice(1);',
  "const go = () => { for (let i = 1; i <= Number(n); i++) console.log('line ' + i); };",
  'const wait = () => (fs.existsSync(gate) ? go() : setTimeout(wait, 10));',
  'wait();',
].join('\n');
const bundle: ApiInput<'project.deploy'>['bundle'] = {
  project: { name: 'SpoolTests' },
  packages: [
    {
      name: 'Gate',
      parameters: [
        { name: 'GateFile', dataType: 'String', defaultValue: '' },
        { name: 'Lines', dataType: 'Int32', defaultValue: LINES },
      ],
      tasks: [
        {
          name: 'Wait for gate',
          type: 'executeProcess',
          executable: '@[System::NodePath]',
          arguments: ['-e', gateScript, '@[$Package::GateFile]', '@[$Package::Lines]'],
          timeoutMs: 60_000,
        },
      ],
    },
  ],
};

let dataDir = '';
let master: MasterProcess | null = null;
let client: ApiClient;
const workers: Spawned[] = [];

/** The real master process; again on the same data directory and agent port after a stop. */
async function startMasterOn(port = 0): Promise<MasterProcess> {
  master = await startMaster(['--auto-enable-workers', '--agent-port', String(port)], dataDir);
  client = nodeClient(master.consoleUrl, master.consoleToken);
  return master;
}

async function startWorkerIn(workDir: string): Promise<Spawned> {
  const worker = spawnCli(
    [
      'worker',
      '--master',
      master!.agentUrl,
      '--name',
      'w1',
      '--work-dir',
      workDir,
      '--ca-file',
      caFileOf(dataDir),
    ],
    {
      SCALEOUT_AGENT_TOKEN: master!.agentToken,
      SCALEOUT_LOG_LEVEL: 'debug',
    },
  );
  workers.push(worker);
  await worker.waitForLine(/connected to wss?:\/\//);
  return worker;
}

/** Runs Gate until its process waits, stops the master, opens the gate and waits for the worker's report. */
async function finishWhileMasterIsAway(worker: Spawned, workDir: string) {
  const gate = join(dataDir, 'gate');
  await client.call('project.deploy', { folderName: 'Spool', bundle });
  const { executionId } = await client.call('execution.create', {
    folderName: 'Spool',
    projectName: 'SpoolTests',
    packageName: 'Gate',
    parameters: { GateFile: gate },
  });
  await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);
  await worker.waitForLine(new RegExp(`running execution ${executionId} `));
  const port = Number(new URL(master!.agentUrl).port);
  await master!.stop();
  await worker.waitForLine(/disconnected from the master/);
  writeFileSync(gate, 'open');
  await worker.waitForLine(new RegExp(`execution ${executionId} attempt 1 succeeded`));
  const [file] = readdirSync(join(workDir, 'spool'));
  const spooled = readFileSync(join(workDir, 'spool', file!), 'utf8')
    .trim()
    .split('\n');
  expect(spooled.filter((l) => l.includes('"line ')).length).toBe(LINES);
  expect(JSON.parse(spooled.at(-1)!)).toMatchObject({ type: 'task.finished', outcome: 'succeeded' });
  return { executionId, port };
}

async function expectStoredOnce(executionId: number) {
  const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
  expect(done).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1 });
  const { messages } = await client.call('execution.messages', { executionId });
  const lines = messages.filter((m) => m.message.startsWith('line ')).map((m) => m.message);
  expect(lines).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
  expect(messages.map((m) => m.message).join('\n')).not.toMatch(/were not received|was lost/);
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'scaleout-spool-it-'));
  await startMasterOn();
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
  await master?.stop();
  master = null;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('spool replay with the real master', () => {
  it('replays events and the final report the master missed while it was away', async () => {
    const workDir = join(dataDir, 'w1');
    const worker = await startWorkerIn(workDir);
    const { executionId, port } = await finishWhileMasterIsAway(worker, workDir);

    await startMasterOn(port);
    await worker.waitForLine(/replayed \d+ unacknowledged events and reports/);
    await expectStoredOnce(executionId);
    await worker.waitForLine(/the master stored its final report/);
    expect(readdirSync(join(workDir, 'spool'))).toEqual([]);
  });

  it('replays them from a new agent process after the agent was killed holding the report', async () => {
    const workDir = join(dataDir, 'w1');
    const first = await startWorkerIn(workDir);
    const { executionId, port } = await finishWhileMasterIsAway(first, workDir);
    await first.stop('SIGKILL');

    await startMasterOn(port);
    const second = await startWorkerIn(workDir);
    await second.waitForLine(/spool: 1 earlier attempts to replay \(1 with a final report\)/);
    await expectStoredOnce(executionId);
    await second.waitForLine(/the master stored its final report/);
    expect(existsSync(join(workDir, 'spool'))).toBe(true);
    expect(readdirSync(join(workDir, 'spool'))).toEqual([]);
  });
});
