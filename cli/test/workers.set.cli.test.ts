import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runCli, startMaster, startWorker } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

/** `scaleout workers set` against a real master and worker: live on the worker, refused flags change nothing. */
describe('changing worker settings from the command line', () => {
  let master: MasterProcess;
  let worker: Spawned;
  const cli = (...args: string[]) => runCli(args, master.cliEnv);

  beforeAll(async () => {
    master = await startMaster();
    worker = await startWorker(master, 'w1', ['--tags', 'linux', '--max-tasks', '1']);
  });
  afterAll(async () => {
    await worker?.stop();
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('renames, retags and resizes a connected worker live', async () => {
    const set = await cli(
      'workers',
      'set',
      'w1',
      '--name',
      'gpu-1',
      '--description',
      'the GPU box',
      '--tags',
      'gpu,linux',
      '--max-tasks',
      '3',
      '--max-cpu-percent',
      '99.5',
      '--min-free-memory-mb',
      '16',
    );
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe(
      'worker w1 (now gpu-1) updated: tags gpu,linux, max 3 tasks, CPU <= 99.5%, free memory >= 16 MB; applied live\n',
    );
    await worker.waitForLine(
      /the master set this worker's settings: name gpu-1, tags \[gpu, linux\], max 3 tasks, CPU <= 99.5%, free memory >= 16 MiB/,
    );
    expect((await cli('workers')).stdout).toMatch(
      /gpu-1\s+(online|busy)\s+yes\s+\S+\s+0\/3\s+\S*\s+gpu,linux/,
    );
  });

  it('refuses bad flags and unknown workers naming the problem, and changes nothing', async () => {
    const before = (await cli('workers')).stdout;
    const zero = await cli('workers', 'set', 'gpu-1', '--max-tasks', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      'scaleout: --max-tasks must be a whole number from 1 to 1024 (got "0") [maxTasks]\n',
    );
    expect((await cli('workers', 'set', 'gpu-1')).stderr).toMatch(/nothing to change/);
    expect((await cli('workers', 'set', 'nobody', '--tags', 'x')).stderr).toBe(
      'scaleout: no worker named nobody [name]\n',
    );
    const strip = (text: string) => text.replace(/\s+\S+Z\s+/g, ' ').replace(/\s\d+\s/g, ' ');
    expect(strip((await cli('workers')).stdout)).toBe(strip(before));
  });
});
