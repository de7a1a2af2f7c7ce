import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { removeDir, runCli, startMaster, startWorker } from '../../e2e/harness/processes';
import type { MasterProcess, Spawned } from '../../e2e/harness/processes';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The master dies (SIGKILL) while two attempts run; a new master on the same catalog re-adopts them. */
describe('master killed mid-run', () => {
  const started: { stop(signal?: NodeJS.Signals): Promise<unknown> }[] = [];
  let dataDir = '';
  afterAll(async () => {
    for (const p of started.reverse()) await p.stop('SIGKILL').catch(() => undefined);
    if (dataDir) removeDir(dataDir);
  });

  it('loses nothing: both executions finish on their first attempt with every message once', async () => {
    const ports = ['--console-port', String(await freePort()), '--agent-port', String(await freePort())];
    const first: MasterProcess = await startMaster(ports);
    started.push(first);
    dataDir = first.dataDir;
    const worker: Spawned = await startWorker(first, 'survivor', ['--max-tasks', '2']);
    started.push(worker);
    await runCli(['deploy', 'samples/HelloScaleOut', '--folder', 'Samples'], first.cliEnv);
    let client = nodeClient(first.consoleUrl, first.consoleToken);
    const ids: number[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { executionId } = await client.call('execution.create', {
        folderName: 'Samples',
        projectName: 'HelloScaleOut',
        packageName: 'Countdown',
        parameters: { Seconds: 3 },
      });
      ids.push(executionId);
    }
    for (const id of ids) await waitForExecution(client, id, (e) => e.status === ExecutionStatus.running);
    // Running in the catalog means assigned; wait until each package really runs on the worker (its
    // first progress message is stored), so the kill hits attempts the worker holds, not a
    // task.assign still on its way (that attempt is lost by design: the worker never had it).
    for (const id of ids) {
      await expect
        .poll(
          async () =>
            (await client.call('execution.messages', { executionId: id })).messages.some((m) =>
              m.message.endsWith('3 s left'),
            ),
          { timeout: 15_000 },
        )
        .toBe(true);
    }
    await first.stop('SIGKILL');

    const second = await startMaster(ports, dataDir);
    started.push(second);
    client = nodeClient(second.consoleUrl, second.consoleToken);
    for (const id of ids) {
      const done = await waitForExecution(client, id, (e) => terminalStatuses.has(e.status));
      expect(done).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1, workerName: 'survivor' });
      const { messages } = await client.call('execution.messages', { executionId: id });
      const counted = messages
        .filter((m) => m.sourceName === 'Count down' && m.messageType === 60)
        .map((m) => m.message);
      expect(counted).toEqual(['0% 3 s left', '33% 2 s left', '67% 1 s left']);
      expect(messages.filter((m) => m.message === 'lift-off')).toHaveLength(1);
    }
  });
});
