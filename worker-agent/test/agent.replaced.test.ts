import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caFileOf, removeDir, spawnCli, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

/** Two agents with one identity (a copied or shared work directory) must not take turns. */
describe('an agent replaced by another with its worker id', () => {
  let master: MasterProcess;
  let workDir = '';
  const workers: Spawned[] = [];

  const startWorker = async () => {
    const worker = spawnCli(
      [
        'worker',
        '--master',
        master.agentUrl,
        '--name',
        'twin',
        '--work-dir',
        workDir,
        '--ca-file',
        caFileOf(master.dataDir),
      ],
      {
        SCALEOUT_AGENT_TOKEN: master.agentToken,
      },
    );
    workers.push(worker);
    await worker.waitForLine(/connected to wss?:\/\//);
    return worker;
  };

  beforeAll(async () => {
    master = await startMaster(['--auto-enable-workers']);
    workDir = join(master.dataDir, 'twin');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('makes the older agent exit with code 2 and say why, while the newer one stays', async () => {
    const older = await startWorker();
    const exited = new Promise<number | null>((resolve) => older.child.once('exit', resolve));
    const newer = await startWorker();
    expect(await exited).toBe(2);
    expect(older.output()).toMatch(
      /stopping: another agent with this worker id connected to the master \(4004: replaced by a newer connection/,
    );
    expect(older.output()).not.toMatch(/retrying in/);
    expect(newer.child.exitCode).toBeNull();
    expect(newer.output()).not.toMatch(/disconnected/);
  });
});
