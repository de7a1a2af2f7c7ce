import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeClient } from '../../e2e/harness/client';
import { agentHello } from './agentHello';
import { agentTlsOptions, startTestMaster } from './masterFixture';

/**
 * An agent that dies right after its welcome, while the master is still finishing the hello
 * (trust, re-adopting attempts), is offline at once. It used to stay in the live sessions, shown
 * online or suspect until the offline timeout (15 s), and offered work meanwhile. Found by the
 * dashboard test on a loaded CI machine.
 */
describe('an agent that disconnects during its hello', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  beforeAll(async () => {
    master = await startTestMaster();
  });
  afterAll(() => master?.cleanup());

  it('is offline as soon as its connection closes, each time', async () => {
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    for (let i = 0; i < 5; i += 1) {
      const workerId = `w-gone-${i}`;
      const ws = new WebSocket(master.agentUrl, agentTlsOptions(master));
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.on('message', (data) => {
        // Gone the moment the welcome arrives: the master is still inside the hello.
        if ((JSON.parse(String(data)) as { type: string }).type === 'master.welcome') ws.terminate();
      });
      ws.once('open', () =>
        ws.send(JSON.stringify(agentHello(master.agentToken, { workerId, name: `gone-${i}` }))),
      );
      await closed;
      await expect
        .poll(
          async () =>
            (await client.call('worker.list', {})).workers.find((w) => w.workerId === workerId)?.state,
          { timeout: 5_000 },
        )
        .toBe('offline');
    }
  });
});
