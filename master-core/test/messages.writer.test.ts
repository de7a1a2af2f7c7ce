import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../catalog/openCatalog';
import type { Db } from '../catalog/db';
import { createMessagesRepo } from '../catalog/messagesRepo';
import { createMessageWriter } from '../gateway/messageWriter';
import type { AfterWrite, MessageWriterOptions } from '../gateway/messageWriter';
import type { Logger } from '../logger';
import type { TaskEvent } from '../protocol/wire';

// The message writer over the real repository on a real catalog file.

let dir = '';
let db: Db;

/** Attempts a1 (execution 1) and a2 (execution 2) belong to worker w1, b1 (execution 1) to w2. */
async function seed(): Promise<void> {
  const now = new Date().toISOString();
  await db.exec(`
    INSERT INTO folders (folder_id, name, created_time) VALUES (1, 'F', '${now}');
    INSERT INTO projects (project_id, folder_id, name) VALUES (1, 1, 'P');
    INSERT INTO project_versions (version_id, project_id, content_hash, project_json, deployed_time, deployed_by)
      VALUES (1, 1, 'h', '{}', '${now}', 'test');
    INSERT INTO executions (execution_id, folder_name, project_name, package_name, version_id, status, created_time,
      created_by, targeting_json)
      VALUES (1, 'F', 'P', 'Pkg', 1, 2, '${now}', 'test', '{}'), (2, 'F', 'P', 'Pkg', 1, 2, '${now}', 'test', '{}');
    INSERT INTO attempts (attempt_id, execution_id, attempt_number, worker_agent_id, status, lease_expires_ms, start_time)
      VALUES ('a1', 1, 1, 'w1', 3, 0, '${now}'), ('a2', 2, 1, 'w1', 3, 0, '${now}'),
             ('b1', 1, 2, 'w2', 3, 0, '${now}');
  `);
}

const event = (attemptId: string, seq: number, message = `${attemptId}:${seq}`): TaskEvent => ({
  type: 'task.event',
  attemptId,
  seq,
  timeMs: Date.now(),
  messageType: 70,
  sourceType: 40,
  sourceName: 'Script',
  packagePath: '\\Package\\Script',
  message,
});

const stored = async () =>
  (
    await db.all<{ message: string }>(
      'SELECT message FROM event_messages WHERE attempt_id IS NOT NULL ORDER BY event_message_id',
    )
  ).map((r) => r.message);

function capturingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };
}

/** A catalog whose next `failures` transactions fail after writing, as a full disk would at commit. */
function failingDb(inner: Db, failures: number): Db {
  let left = failures;
  return {
    ...inner,
    transaction: (fn) =>
      inner.transaction(async (tx) => {
        const value = await fn(tx);
        if (left > 0) {
          left -= 1;
          throw Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
        }
        return value;
      }),
  };
}

function writerOn(
  catalog: Db,
  options: Partial<MessageWriterOptions> = {},
  afterWrite: AfterWrite = () => {},
) {
  const log = capturingLogger();
  const writer = createMessageWriter(createMessagesRepo(catalog), afterWrite, { log, ...options });
  return { writer, log };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scaleout-writer-'));
  db = await openCatalog(join(dir, 'catalog.sqlite'));
  await seed();
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('message writer on a real catalog', () => {
  it('stores duplicates (same attempt, same seq) once and acknowledges them all', async () => {
    const acked: number[] = [];
    const { writer } = writerOn(db, {}, (_w, events) => acked.push(...events.map((e) => e.seq)));
    for (const seq of [0, 1, 1, 2, 0, 2]) writer.enqueue('w1', event('a1', seq));
    await writer.flush();
    writer.enqueue('w1', event('a1', 1, 'replayed'));
    await writer.flush();
    expect(await stored()).toEqual(['a1:0', 'a1:1', 'a1:2']);
    expect(acked).toEqual([0, 1, 1, 2, 0, 2, 1]);
  });

  it("drops events of attempts that are not the sending worker's", async () => {
    const touched: [string, number[]][] = [];
    const { writer } = writerOn(db, {}, (w, _e, t) => touched.push([w, [...t]]));
    writer.enqueue('w2', event('a1', 0));
    writer.enqueue('w1', event('b1', 0));
    writer.enqueue('w1', event('a2', 0));
    writer.enqueue('w2', event('b1', 1));
    await writer.flush();
    expect(await stored()).toEqual(['a2:0', 'b1:1']);
    expect(touched).toEqual([
      ['w2', [1]],
      ['w1', [2]],
    ]);
  });

  it('stores in enqueue order across workers, batches and transactions', async () => {
    const { writer } = writerOn(db, { flushRows: 7, maxTransactionRows: 13 });
    const expected: string[] = [];
    for (let seq = 0; seq < 500; seq += 1) {
      const [workerId, attemptId] = seq % 3 === 0 ? ['w2', 'b1'] : ['w1', seq % 3 === 1 ? 'a1' : 'a2'];
      const e = event(attemptId, seq);
      writer.enqueue(workerId, e);
      expected.push(e.message);
      if (seq % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    await writer.flush();
    expect(await stored()).toEqual(expected);
  });

  it('commits after flushDelayMs without a flush, and at flushRows without waiting for the delay', async () => {
    let written = 0;
    const wrote = () => new Promise<void>((resolve) => (onWrite = resolve));
    let onWrite = () => {};
    const byDelay = writerOn(db, { flushRows: 1_000, flushDelayMs: 30 }, (_w, e) => {
      written += e.length;
      onWrite();
    });
    const t0 = performance.now();
    const first = wrote();
    byDelay.writer.enqueue('w1', event('a1', 0));
    expect(written).toBe(0);
    await first;
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
    expect(await stored()).toEqual(['a1:0']);

    const byRows = writerOn(db, { flushRows: 50, flushDelayMs: 60_000 }, (_w, e) => {
      written += e.length;
      onWrite();
    });
    const second = wrote();
    for (let seq = 0; seq < 50; seq += 1) byRows.writer.enqueue('w1', event('a2', seq));
    await second;
    expect(written).toBe(51);
  });

  it('flush resolves only once everything enqueued before it is stored', async () => {
    const { writer } = writerOn(db, { flushRows: 10_000, flushDelayMs: 60_000 });
    for (let seq = 0; seq < 1_000; seq += 1) writer.enqueue('w1', event('a1', seq));
    const flushed = writer.flush();
    writer.enqueue('w1', event('a1', 1_000));
    await flushed;
    // The event queued after the call is not waited for: it waits for its own delay.
    expect(await stored()).toHaveLength(1_000);
    await writer.flush();
    expect(await stored()).toHaveLength(1_001);
    await expect(writer.flush()).resolves.toBeUndefined();
  });

  it('keeps a failed write queued and un-acknowledged, logs it, and retries it with backoff', async () => {
    const acked: number[] = [];
    const { writer, log } = writerOn(failingDb(db, 2), { retryBaseMs: 20 }, (_w, events) =>
      acked.push(...events.map((e) => e.seq)),
    );
    writer.enqueue('w1', event('a1', 0));
    writer.enqueue('w1', event('a1', 1));
    const t0 = performance.now();
    await writer.flush();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20 + 40 - 5);
    expect(log.errors).toHaveLength(2);
    expect(log.errors[0]).toMatch(
      /storing 2 package messages failed \(1 in a row\).*un-acknowledged.*SQLITE_FULL/,
    );
    expect(acked).toEqual([0, 1]);
    expect(await stored()).toEqual(['a1:0', 'a1:1']);
  });

  it('rejects a flush after repeated failures, keeps the events and stores them once the disk recovers', async () => {
    const { writer } = writerOn(failingDb(db, 2), {
      retryBaseMs: 5,
      flushGiveUpAfterFailures: 2,
    });
    writer.enqueue('w1', event('a1', 0));
    await expect(writer.flush()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(writer.queued()).toBe(1);
    await writer.flush();
    expect(await stored()).toEqual(['a1:0']);
  });
});
