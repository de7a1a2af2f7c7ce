import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, MessageType, terminalStatuses } from '../../master-core/protocol/codes';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { removeDir, runCli, startMaster, startWorker } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

/** The walking skeleton: a real master process, two real worker processes, the sample project. */
describe('master + two workers run the sample project', () => {
  let master: MasterProcess;
  const workers: Spawned[] = [];
  let client: ApiClient;

  beforeAll(async () => {
    master = await startMaster();
    workers.push(
      await startWorker(master, 'alpha', ['--max-tasks', '2']),
      await startWorker(master, 'beta', ['--max-tasks', '2']),
    );
    client = nodeClient(master.consoleUrl, master.consoleToken);
    const deployed = await runCli(['deploy', 'samples/HelloScaleOut', '--folder', 'Samples'], master.cliEnv);
    expect(deployed.stderr).toBe('');
    expect(deployed.stdout).toMatch(/deployed Samples\/HelloScaleOut as version \d+ \(3 packages\)/);
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  const waitTerminal = (executionId: number) =>
    waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status)).then((e) => e.status);

  it('runs several executions, each succeeding on a worker with its messages in the catalog', async () => {
    // Submitted together, so that more work is queued than one worker may take (max 2 tasks each).
    const ids = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (i) => {
        const { executionId } = await client.call('execution.create', {
          folderName: 'Samples',
          projectName: 'HelloScaleOut',
          packageName: 'Hello',
          parameters: { Count: i, Greeting: `run ${i}` },
        });
        return executionId;
      }),
    );
    const statuses = await Promise.all(ids.map(waitTerminal));
    expect(statuses).toEqual(ids.map(() => ExecutionStatus.succeeded));

    const usedWorkers = new Set<string>();
    for (const [index, executionId] of ids.entries()) {
      const { execution } = await client.call('execution.get', { executionId });
      expect(['alpha', 'beta']).toContain(execution.workerName);
      usedWorkers.add(execution.workerName!);
      const { messages } = await client.call('execution.messages', { executionId });
      const printed = messages.filter(
        (m) => m.sourceName === 'Print message' && m.messageType === MessageType.information,
      );
      expect(printed.map((m) => m.message)).toEqual(
        Array.from({ length: index + 1 }, (_, k) =>
          expect.stringContaining(`${k + 1}/${index + 1} run ${index + 1}`),
        ),
      );
      expect(
        messages.some(
          (m) => m.messageType === MessageType.postExecute && m.message.includes('finished with success'),
        ),
      ).toBe(true);
    }
    expect(usedWorkers).toEqual(new Set(['alpha', 'beta']));
  });

  it('run --wait exits 0 on success and streams the messages; logs reads them back', async () => {
    const result = await runCli(
      ['run', 'Samples/HelloScaleOut/Hello', '--param', 'Count=2', '--wait'],
      master.cliEnv,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1\/2 Hello from Scale Out/);
    expect(result.stdout).toMatch(/execution \d+ Succeeded/);
    const id = result.stdout.match(/execution (\d+) created/)![1]!;
    const logs = await runCli(['logs', id], master.cliEnv);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/PostExecute\s+\[Hello #1\] Hello: finished with success/);
  });

  it('run --wait exits non-zero when the package fails, and says why', async () => {
    const result = await runCli(
      ['run', 'Samples/HelloScaleOut/Hello', '--param', 'ShouldFail=true', '--wait'],
      master.cliEnv,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ShouldFail was set: failing on purpose/);
    expect(result.stdout).toMatch(/execution \d+ Failed/);
  });

  it('retries a failing execution on the next attempt, up to retry count + 1 attempts', async () => {
    const result = await runCli(
      ['run', 'Samples/HelloScaleOut/Hello', '--param', 'ShouldFail=true', '--retries', '2', '--wait'],
      master.cliEnv,
    );
    expect(result.code).toBe(1);
    const id = Number(result.stdout.match(/execution (\d+) created/)![1]);
    const { execution } = await client.call('execution.get', { executionId: id });
    expect(execution.attempts).toBe(3);
    expect(result.stdout).toMatch(/Retrying \(1 of 3 attempts used\)/);
  });

  it('refuses bad input with a message naming the field, and creates nothing', async () => {
    const before = (await client.call('execution.list', {})).executions.length;
    const badType = await runCli(
      ['run', 'Samples/HelloScaleOut/Hello', '--param', 'Count=lots'],
      master.cliEnv,
    );
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/parameter \$Package::Count: expected an Int32 integer/);
    const badPackage = await runCli(['run', 'Samples/HelloScaleOut/Nope'], master.cliEnv);
    expect(badPackage.stderr).toMatch(
      /package Nope is not in project Samples\/HelloScaleOut \[packageName\]/,
    );
    const badFlag = await runCli(['run', 'Samples/HelloScaleOut/Hello', '--retries', '-1'], master.cliEnv);
    expect(badFlag.code).not.toBe(0);
    expect(badFlag.stderr).toMatch(/--retries must be between 0 and 100/);
    expect((await client.call('execution.list', {})).executions.length).toBe(before);
  });

  it('lists both workers online', async () => {
    const result = await runCli(['workers'], master.cliEnv);
    expect(result.stdout).toMatch(/alpha\s+online\s+yes/);
    expect(result.stdout).toMatch(/beta\s+online\s+yes/);
  });
});
