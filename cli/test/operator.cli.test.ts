import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, startMaster, startWorker } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { ExecutionStatus } from '../../master-core/protocol/codes';

/** The README's by-hand flow, with SSIS's rule that a new worker starts disabled. */
describe('operating workers from the command line', () => {
  let master: MasterProcess;
  let worker: Spawned;
  const cli = (...args: string[]) => runCli(args, master.cliEnv);

  beforeAll(async () => {
    master = await startMaster(['--workers-disabled']);
    worker = await startWorker(master, 'w1');
    await cli('deploy', 'samples/HelloScaleOut', '--folder', 'Samples');
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('explains why queued work waits, runs it once the worker is enabled, and stops what runs', async () => {
    expect((await cli('workers')).stdout).toMatch(
      /w1\s+disabled\s+no\s+.*disabled: enable it to let it take work/,
    );
    const created = await cli('run', 'Samples/HelloScaleOut/Countdown', '--param', 'Seconds=30');
    const id = created.stdout.match(/execution (\d+) created/)![1]!;
    const explained = await cli('explain', id);
    expect(explained.stdout).toMatch(
      /is Pending; 0 eligible worker\(s\) now; no enabled worker could ever take it/,
    );
    expect(explained.stdout).toMatch(/w1\s+disabled\s+no\s+disabled: enable it/);

    expect((await cli('workers', 'enable', 'w1')).stdout).toBe('worker w1 enabled\n');
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    await waitForExecution(client, Number(id), (e) => e.status === ExecutionStatus.running);
    expect((await cli('stop', id)).stdout).toBe(`execution ${id} Stopping\n`);
    // logs --follow returns when the execution ends.
    const followed = await cli('logs', id, '--follow');
    expect(followed.stdout).toMatch(/Execution canceled: stopped by console/);
    expect((await cli('stop', id)).stderr).toMatch(/is not queued or running/);
    expect((await cli('workers', 'drain', 'w1', '--deadline', '60')).stdout).toBe(
      'worker w1 draining; deadline in 60 s\n',
    );
    expect((await cli('workers')).stdout).toMatch(/w1\s+draining\s+yes/);
    expect((await cli('workers', 'enable', 'nobody')).stderr).toMatch(/no worker named nobody \[name\]/);
  });
});
