import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, spawnCli, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

/** The operator's enrolment commands, each a real `scaleout` process against a real master. */
describe('enrolment from the command line', () => {
  let master: MasterProcess;
  const spawned: Spawned[] = [];
  const cli = (...args: string[]) => runCli(args, master.cliEnv);

  beforeAll(async () => {
    master = await startMaster(['--local-worker', '--agent-names', 'scaleout.example.test']);
  });
  afterAll(async () => {
    await Promise.all(spawned.map((w) => w.stop('SIGKILL')));
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('prints the CA fingerprint; the local worker trusts the CA file over loopback TLS', async () => {
    expect(master.agentUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(master.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
    await master.waitForLine(/\[worker local\] connected to wss:\/\/127\.0\.0\.1:\d+ as local/);
  });

  it('worker-token create -> worker enrol -> worker -> workers revoke', async () => {
    const created = await cli(
      'worker-token',
      'create',
      '--expires',
      '10m',
      '--name',
      'cli-w',
      '--tags',
      'a,b',
    );
    expect(created.code).toBe(0);
    const token = created.stdout.match(/^\s+(SOE1\.\S+)$/m)![1]!;
    const port = new URL(master.agentUrl).port;
    expect(created.stdout).toContain(
      `Master CA fingerprint (SHA-256, in the token): ${master.caFingerprint}`,
    );
    expect(created.stdout).toContain(
      `scaleout worker install --master wss://scaleout.example.test:${port} --token ${token}`,
    );

    const workDir = join(master.dataDir, 'enrolled');
    const enrolled = await runCli([
      'worker',
      'enrol',
      '--master',
      master.agentUrl,
      '--token',
      token,
      '--work-dir',
      workDir,
    ]);
    expect(enrolled.stderr).toBe('');
    expect(enrolled.stdout).toMatch(
      new RegExp(`enrolled as worker \\S+; master CA ${master.caFingerprint} pinned`),
    );

    const reused = await runCli([
      'worker',
      'enrol',
      '--master',
      master.agentUrl,
      '--token',
      token,
      '--work-dir',
      `${workDir}2`,
    ]);
    expect(reused.code).toBe(2);
    expect(reused.stderr).toMatch(/enrolment refused: this enrolment token was already used .* \[token\]/);

    const worker = spawnCli(['worker', '--work-dir', workDir]);
    spawned.push(worker);
    await worker.waitForLine(/connected to wss:\/\/127\.0\.0\.1:\d+ as cli-w/);
    expect((await cli('worker-token', 'list')).stdout).toMatch(/\S+\s+used\s+cli-w\s+a,b\s+.*cli-w\n/);

    const revoked = await cli('workers', 'revoke', 'cli-w');
    expect(revoked.stdout).toMatch(/^worker cli-w \(\S+\) revoked; disconnected\n$/);
    await worker.waitForLine(/stopping: the master revoked this worker \(4007/);
    expect((await cli('workers')).stdout).toMatch(/cli-w\s+offline\s+no\s+.*revoked at /);
  });

  it('refuses bad flags naming them, and rotates the server certificate keeping the fingerprint', async () => {
    const bad = await cli('worker-token', 'create', '--expires', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--expires must be a duration such as 90s, 30m, 1h or 2d \(got "soon"\)/);
    const unpinned = await runCli([
      'worker',
      '--master',
      master.agentUrl,
      '--token',
      master.agentToken,
      '--work-dir',
      join(master.dataDir, 'x'),
    ]);
    expect(unpinned.code).toBe(2);
    expect(unpinned.stderr).toMatch(/wss:\/\/ needs the master pinned: --ca-fingerprint/);
    const rotated = await cli('master', 'rotate-certificate');
    expect(rotated.stdout).toBe(
      `server certificate rotated; CA fingerprint unchanged: ${master.caFingerprint}\n`,
    );
  });
});

describe('an insecure agent endpoint', () => {
  it('says so loudly, serves ws://, and enrols nobody', async () => {
    const master = await startMaster(['--insecure-agent-endpoint']);
    try {
      expect(master.agentUrl).toMatch(/^ws:\/\//);
      await master.waitForLine(/INSECURE AGENT ENDPOINT: plain ws:\/\/, no TLS/);
      const refused = await runCli(['worker-token', 'create'], master.cliEnv);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /runs without TLS \(--insecure-agent-endpoint\): no certificate authority, no enrolment/,
      );
      const worker = spawnCli(
        ['worker', '--master', master.agentUrl, '--work-dir', join(master.dataDir, 'w')],
        {
          SCALEOUT_AGENT_TOKEN: master.agentToken,
        },
      );
      await worker.waitForLine(/connected to ws:\/\//);
      await worker.stop();
    } finally {
      await master.stop();
      removeDir(master.dataDir);
    }
  });
});
