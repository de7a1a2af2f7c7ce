import { describe, expect, it } from 'vitest';
import { createMessageWriter, retryDelayMs, shouldWriteNow } from './messageWriter';
import type { InsertResult, WorkerEvent } from '../catalog/messagesRepo';
import { silentLogger } from '../logger';
import type { TaskEvent } from '../protocol/wire';

const event = (attemptId: string, seq: number): TaskEvent => ({
  type: 'task.event',
  attemptId,
  seq,
  timeMs: 0,
  messageType: 70,
  sourceType: 40,
  sourceName: 's',
  packagePath: '',
  message: 'm',
});

/** A repository whose writes wait until the test releases them. */
function gatedRepo() {
  const writes: { batch: WorkerEvent[]; release: () => void }[] = [];
  return {
    writes,
    async insertMany(batch: readonly WorkerEvent[]): Promise<Map<string, InsertResult>> {
      await new Promise<void>((release) => writes.push({ batch: [...batch], release }));
      return new Map();
    },
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('shouldWriteNow', () => {
  const base = { waiting: 10, flushRows: 500, due: false, flushRequested: false };
  it('writes when enough rows wait, the delay is up, or a flush waits; never with nothing waiting', () => {
    expect(shouldWriteNow(base)).toBe(false);
    expect(shouldWriteNow({ ...base, waiting: 500 })).toBe(true);
    expect(shouldWriteNow({ ...base, due: true })).toBe(true);
    expect(shouldWriteNow({ ...base, flushRequested: true })).toBe(true);
    expect(shouldWriteNow({ ...base, waiting: 0, due: true, flushRequested: true })).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 100, 500))).toEqual([100, 200, 400, 500, 500]);
  });
});

describe('message writer backpressure', () => {
  it('refuses beyond the limit, refuses later events of a refused attempt until the replay reaches it', async () => {
    const repo = gatedRepo();
    const writer = createMessageWriter(repo, () => undefined, {
      log: silentLogger,
      flushRows: 2,
      maxTransactionRows: 100,
      maxQueuedEvents: 4,
    });
    expect([0, 1, 2, 3].map((seq) => writer.enqueue('w', event('a', seq)))).toEqual([true, true, true, true]);
    expect(writer.enqueue('w', event('a', 4))).toBe(false);
    expect(writer.enqueue('w', event('b', 0))).toBe(false);
    const writable = writer.writable();
    await tick();
    repo.writes[0]!.release(); // the first write took a0, a1
    await tick();
    await writable;
    repo.writes[1]!.release(); // then a2, a3
    await tick();
    expect(writer.queued()).toBe(0);
    // An ack for a5 would cover the refused a4: refused until the agent replays from a4.
    expect(writer.enqueue('w', event('a', 5))).toBe(false);
    expect(writer.enqueue('w', event('a', 3))).toBe(true); // a replayed duplicate is fine
    expect(writer.enqueue('w', event('a', 4))).toBe(true);
    expect(writer.enqueue('w', event('a', 5))).toBe(true);
    expect(writer.enqueue('w', event('b', 0))).toBe(true);
    expect(writer.queued()).toBe(4);
  });

  it('bounds the queued text as well as the count', () => {
    const writer = createMessageWriter(gatedRepo(), () => undefined, {
      log: silentLogger,
      flushDelayMs: 10_000,
      maxQueuedChars: 10,
    });
    const big = { ...event('a', 0), message: 'x'.repeat(4) };
    expect(writer.enqueue('w', big)).toBe(true);
    expect(writer.enqueue('w', { ...big, seq: 1 })).toBe(true);
    expect(writer.enqueue('w', { ...big, seq: 2 })).toBe(false);
  });

  it('keeps one transaction in flight and writes what queued meanwhile after it', async () => {
    const repo = gatedRepo();
    const writer = createMessageWriter(repo, () => undefined, { log: silentLogger, flushRows: 1 });
    writer.enqueue('w', event('a', 0));
    await tick();
    for (let seq = 1; seq <= 5; seq += 1) writer.enqueue('w', event('a', seq));
    await tick();
    expect(repo.writes).toHaveLength(1);
    repo.writes[0]!.release();
    await tick();
    expect(repo.writes).toHaveLength(2);
    expect(repo.writes[1]!.batch.map((b) => b.event.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
