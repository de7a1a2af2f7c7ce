import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeClient } from '../../e2e/harness/client';
import type { Db } from '../catalog/db';
import { openCatalog } from '../catalog/openCatalog';
import { createHeartbeatWriter, HEALTH_HISTORY_SAMPLES } from '../catalog/heartbeatWriter';
import { createWorkersRepo } from '../catalog/workersRepo';
import type { WorkerHello } from '../protocol/wire';
import { agentHello } from './agentHello';
import { startTestMaster } from './masterFixture';
import { welcomedAgent } from './scriptedAgent';

/**
 * Heartbeats are written for the whole fleet in one transaction per interval (at 1,000 agents a
 * transaction per heartbeat was 200 fsyncs a second); the health history stays bounded, samples
 * not yet written are still shown, and a closing master writes what waits.
 */

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.close()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function catalog() {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-heartbeats-'));
  dirs.push(dir);
  const db = await openCatalog(join(dir, 'catalog.sqlite'));
  dbs.push(db);
  return db;
}

/** The catalog connection, counting the transactions begun through it. */
function counting(db: Db): Db & { transactions: number } {
  const counted = Object.create(db) as Db & { transactions: number };
  counted.transactions = 0;
  counted.transaction = (fn) => {
    counted.transactions += 1;
    return db.transaction(fn);
  };
  return counted;
}

const health = (cpuPercent: number) => ({ cpuPercent, freeMemoryBytes: 1_000, runningAttemptIds: ['a'] });

async function addWorker(db: Db, workerId: string) {
  const hello = agentHello('t', { workerId, name: workerId, agentVersion: '1.0.0' });
  await createWorkersRepo(db).upsertFromHello(
    { ...hello, runningAttemptIds: [], limits: { maxCpuPercent: 100, minFreeMemoryBytes: 0 } } as WorkerHello,
    true,
  );
}

const stored = async (db: Db, workerId: string) =>
  (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM worker_health WHERE worker_agent_id = ?', [
    workerId,
  ]))!.n;

describe('the heartbeat writer', () => {
  it('writes the heartbeats of many workers in one transaction, and shows them before', async () => {
    const db = counting(await catalog());
    for (const id of ['w1', 'w2', 'w3']) await addWorker(db, id);
    const writer = createHeartbeatWriter(db, { flushEveryMs: 60_000 });
    const before = db.transactions;
    for (let i = 0; i < 5; i += 1)
      for (const id of ['w1', 'w2', 'w3']) writer.record(id, health(10 + i), 1_000_000 + i * 1_000);

    expect(await stored(db, 'w1')).toBe(0);
    expect(writer.pendingSamples('w2').map((s) => s.cpuPercent)).toEqual([10, 11, 12, 13, 14]);

    await writer.flush();
    expect(db.transactions - before).toBe(1);
    for (const id of ['w1', 'w2', 'w3']) expect(await stored(db, id)).toBe(5);
    expect(writer.pendingSamples('w2')).toEqual([]);
    const row = await db.get<{ last_online_time: string }>(
      'SELECT last_online_time FROM worker_agents WHERE worker_agent_id = ?',
      ['w3'],
    );
    expect(row?.last_online_time).toBe(new Date(1_000_000 + 4_000).toISOString());
  });

  it('writes on its own after the interval', async () => {
    const db = await catalog();
    await addWorker(db, 'w1');
    const writer = createHeartbeatWriter(db, { flushEveryMs: 20 });
    writer.record('w1', health(50));
    await expect.poll(() => stored(db, 'w1'), { timeout: 5_000 }).toBe(1);
  });

  it('keeps the history bounded: the newest samples, in order', async () => {
    const db = await catalog();
    await addWorker(db, 'w1');
    const writer = createHeartbeatWriter(db, { flushEveryMs: 60_000 });
    const total = HEALTH_HISTORY_SAMPLES + 250;
    for (let i = 0; i < total; i += 1) {
      writer.record('w1', health(i % 100), 1_000 + i);
      if (i % 7 === 6) await writer.flush();
    }
    await writer.flush();
    const count = await stored(db, 'w1');
    expect(count).toBeGreaterThanOrEqual(HEALTH_HISTORY_SAMPLES);
    expect(count).toBeLessThanOrEqual(HEALTH_HISTORY_SAMPLES + 60);
    const samples = await createWorkersRepo(db).health('w1', HEALTH_HISTORY_SAMPLES);
    expect(samples.map((s) => s.timeMs)).toEqual(
      Array.from({ length: HEALTH_HISTORY_SAMPLES }, (_, i) => 1_000 + total - HEALTH_HISTORY_SAMPLES + i),
    );
  });

  it('reports a failed write and goes on with the next batch', async () => {
    const db = await catalog();
    await addWorker(db, 'w1');
    const errors: unknown[] = [];
    let failNext = true;
    const flaky = Object.create(db) as Db;
    flaky.transaction = (fn) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('disk I/O error'));
      }
      return db.transaction(fn);
    };
    const writer = createHeartbeatWriter(flaky, { flushEveryMs: 60_000, onError: (e) => errors.push(e) });
    writer.record('w1', health(1), 5_000);
    await writer.flush();
    expect(errors.map(String)).toEqual(['Error: disk I/O error']);
    writer.record('w1', health(2), 6_000);
    await writer.flush();
    expect((await createWorkersRepo(db).health('w1', 10)).map((s) => s.cpuPercent)).toEqual([2]);
  });
});

describe('a master closing', () => {
  it("writes the heartbeats that wait in memory, so the worker's last health survives a restart", async () => {
    const master = await startTestMaster();
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    try {
      const agent = await welcomedAgent(master, { workerId: 'w-hb' });
      agent.send({
        type: 'worker.heartbeat',
        health: { cpuPercent: 42, freeMemoryBytes: 7, runningAttemptIds: [] },
      });
      await expect
        .poll(async () =>
          (await client.call('worker.health', { workerId: 'w-hb' })).samples.map((s) => s.cpuPercent),
        )
        .toEqual([42]);
      await agent.close();
      await master.close();
      const db = await openCatalog(master.catalogFile);
      try {
        expect(await stored(db, 'w-hb')).toBe(1);
      } finally {
        await db.close();
      }
    } finally {
      await master.cleanup();
    }
  });
});
