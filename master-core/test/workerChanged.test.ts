import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient } from '../../e2e/harness/client';
import type { WorkerRow } from '../protocol/api';
import { startTestMaster } from './masterFixture';
import { welcomedAgent } from './scriptedAgent';

/**
 * A heartbeat publishes its worker's row alone (worker:changed), the same row worker.list shows;
 * a burst of heartbeats ends with the latest one published, never a stale one last.
 */
describe('worker:changed after heartbeats', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  beforeAll(async () => {
    master = await startTestMaster();
  });
  afterAll(() => master?.cleanup());

  it('ends a burst with the latest state, equal to what worker.list says', async () => {
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    const seen: WorkerRow[] = [];
    let connected!: () => void;
    const streaming = new Promise<void>((resolve) => (connected = resolve));
    const stop = client.subscribe(
      (event) => {
        if (event.type === 'worker:changed' && event.worker.workerId === 'w-burst') seen.push(event.worker);
      },
      (up) => up && connected(),
    );
    try {
      await streaming;
      const agent = await welcomedAgent(master, { workerId: 'w-burst', name: 'burst' });
      for (let cpu = 1; cpu <= 30; cpu += 1)
        agent.send({
          type: 'worker.heartbeat',
          health: { cpuPercent: cpu, freeMemoryBytes: 2 ** 30, runningAttemptIds: [] },
        });
      await expect.poll(() => seen.at(-1)?.cpuPercent, { timeout: 10_000 }).toBe(30);
      // The states published never go back (one read at a time per worker, the latest last).
      const cpus = seen.map((w) => w.cpuPercent ?? 0);
      expect(cpus).toEqual([...cpus].sort((a, b) => a - b));
      const { workers } = await client.call('worker.list', {});
      const listed = workers.find((w) => w.workerId === 'w-burst')!;
      const { lastSeenAt: _listedAt, ...listedRest } = listed;
      const { lastSeenAt: _seenAt, ...lastRest } = seen.at(-1)!;
      expect(lastRest).toEqual(listedRest);
      await agent.close();
    } finally {
      stop();
    }
  });
});
