import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { caFileOf, repoRoot, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess } from '../../e2e/harness/processes';
import { ExecutionStatus, MessageType, terminalStatuses } from '../../master-core/protocol/codes';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import type { ApiInput } from '../../master-core/protocol/api';
import { createAgent } from '../agent';
import type { Agent, AgentOptions } from '../agent';

/*
 * The spool's limits with the real master: a spool too small for what the package logs while the
 * master is away, and a spool whose disk refuses every write. The agent runs in-process so that
 * the test can give it a tiny limit and a failing write function.
 */

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
        { name: 'Lines', dataType: 'Int32', defaultValue: 40 },
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
let agent: Agent | null = null;
const logged: string[] = [];
const wakers = new Set<() => void>();

/** The real master process; again on the same data directory and agent port after a stop. */
async function startMasterOn(port = 0): Promise<MasterProcess> {
  master = await startMaster(['--auto-enable-workers', '--agent-port', String(port)], dataDir);
  client = nodeClient(master.consoleUrl, master.consoleToken);
  return master;
}

/** Resolves with the first log line (already logged or to come) matching. */
function logLine(pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    const look = () => {
      const line = logged.find((l) => pattern.test(l));
      if (line === undefined) return;
      wakers.delete(look);
      resolve(line);
    };
    wakers.add(look);
    look();
  });
}

function startAgent(options: Partial<AgentOptions>): Agent {
  const line = (level: string) => (message: string) => {
    logged.push(`${level} ${message}`);
    wakers.forEach((wake) => wake());
  };
  agent = createAgent({
    masterUrl: master!.agentUrl,
    token: master!.agentToken,
    caFile: caFileOf(dataDir),
    name: 'w1',
    tags: [],
    maxTasks: 1,
    workDir: join(dataDir, 'w1'),
    hostEntry: join(repoRoot, 'dist', 'executionHost.mjs'),
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    ...options,
  });
  return agent;
}

/** Starts Gate, stops the master while it waits, opens the gate; resolves once the agent reports. */
async function runWhileMasterIsAway(lines: number) {
  await logLine(/connected to wss?:/);
  await client.call('project.deploy', { folderName: 'Spool', bundle });
  const gate = join(dataDir, 'gate');
  const { executionId } = await client.call('execution.create', {
    folderName: 'Spool',
    projectName: 'SpoolTests',
    packageName: 'Gate',
    parameters: { GateFile: gate, Lines: lines },
  });
  await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);
  const port = Number(new URL(master!.agentUrl).port);
  await master!.stop();
  await logLine(/disconnected from the master/);
  writeFileSync(gate, 'open');
  await logLine(new RegExp(`execution ${executionId} attempt 1 succeeded`));
  return { executionId, port };
}

async function messagesOf(executionId: number) {
  const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
  expect(done).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1 });
  return (await client.call('execution.messages', { executionId })).messages;
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'scaleout-spool-limits-'));
  await startMasterOn();
});
afterEach(async () => {
  await agent?.stop(0);
  await master?.stop();
  agent = null;
  master = null;
  logged.length = 0;
  rmSync(dataDir, { recursive: true, force: true });
});

describe('spool limits with the real master', () => {
  it('drops what does not fit with one marker, and tells the master how many at the next seq', async () => {
    startAgent({ spoolLimitBytes: 8 * 1024 });
    const { executionId, port } = await runWhileMasterIsAway(200);
    const spoolDir = join(dataDir, 'w1', 'spool');
    const spooled = readdirSync(spoolDir).flatMap((f) =>
      readFileSync(join(spoolDir, f), 'utf8').trim().split('\n'),
    );
    expect(spooled.filter((l) => l.includes('"type":"spool.dropped"'))).toHaveLength(1);
    expect(logged.filter((l) => l.startsWith('warn spool full'))).toHaveLength(1);

    await startMasterOn(port);
    const messages = await messagesOf(executionId);
    const lines = messages.filter((m) => m.message.startsWith('line ')).map((m) => m.message);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines).toEqual(lines.map((_, i) => `line ${i + 1}`));
    const warning = messages.find((m) => m.messageType === MessageType.warning && /dropped/.test(m.message));
    const dropped = Number(warning?.message.match(/^(\d+) package messages were dropped/)?.[1]);
    // The rest of the 200 lines, plus the end-of-task messages that came after them.
    expect(dropped).toBeGreaterThanOrEqual(200 - lines.length);
    expect(dropped).toBeLessThan(200 - lines.length + 10);
    // Sequence numbers stayed gap-free: the master received every message the agent numbered.
    expect(messages.map((m) => m.message).join('\n')).not.toMatch(/were not received/);
  });

  it('keeps events in memory when the spool cannot be written, and still delivers each once', async () => {
    startAgent({
      spoolWrite: () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    });
    const { executionId, port } = await runWhileMasterIsAway(40);
    expect(logged.filter((l) => l.startsWith('error'))).toEqual([
      expect.stringMatching(/spool file of attempt \S+ cannot be written \(ENOSPC.*\); keeping .* in memory/),
    ]);
    expect(agent!.spoolBytes()).toBeGreaterThan(0);

    await startMasterOn(port);
    const messages = await messagesOf(executionId);
    const lines = messages.filter((m) => m.message.startsWith('line ')).map((m) => m.message);
    expect(lines).toEqual(Array.from({ length: 40 }, (_, i) => `line ${i + 1}`));
    await logLine(/the master stored its final report/);
    expect(agent!.spoolBytes()).toBe(0);
  });
});
