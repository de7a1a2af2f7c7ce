import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog } from './openCatalog';
import type { Db } from './db';
import { createMessagesRepo } from './messagesRepo';
import type { MessagesRepo } from './messagesRepo';
import type { TaskEvent } from '../protocol/wire';

let dir = '';
let db: Db;
let repo: MessagesRepo;

/** Two executions: attempt a1 (execution 1) and a2 (execution 2) are w1's, b1 (execution 1, attempt 2) is w2's. */
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

const event = (attemptId: string, seq: number, messageType = 70, message = `m${seq}`): TaskEvent => ({
  type: 'task.event',
  attemptId,
  seq,
  timeMs: Date.UTC(2026, 0, 1) + seq,
  messageType,
  sourceType: 40,
  sourceName: 'Build message',
  packagePath: '\\Package\\Build message',
  message,
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scaleout-messages-'));
  db = await openCatalog(join(dir, 'catalog.sqlite'));
  repo = createMessagesRepo(db);
  await seed();
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('messagesRepo.insertBatch', () => {
  it('stores every field, package path included, and reports what was new', async () => {
    const result = await repo.insertBatch('w1', [event('a1', 0), event('a2', 0)]);
    expect(result).toEqual({ touched: new Set([1, 2]), inserted: 2 });
    const [row] = await repo.list(1, 0, 10);
    expect(row).toMatchObject({
      executionId: 1,
      attemptNumber: 1,
      time: '2026-01-01T00:00:00.000Z',
      messageType: 70,
      sourceType: 40,
      sourceName: 'Build message',
      packagePath: '\\Package\\Build message',
      message: 'm0',
    });
  });

  it('stores a duplicate (same attempt, same seq) once, within a batch and across batches', async () => {
    expect((await repo.insertBatch('w1', [event('a1', 0), event('a1', 0, 70, 'again')])).inserted).toBe(1);
    expect(await repo.insertBatch('w1', [event('a1', 0), event('a1', 1)])).toEqual({
      touched: new Set([1]),
      inserted: 1,
    });
    expect(await repo.insertBatch('w1', [event('a1', 1)])).toEqual({ touched: new Set(), inserted: 0 });
    expect((await repo.list(1, 0, 10)).map((m) => m.message)).toEqual(['m0', 'm1']);
  });

  it("drops events of attempts that are not the sender's, or that do not exist", async () => {
    const result = await repo.insertBatch('w2', [event('a1', 0), event('b1', 0), event('nope', 0)]);
    expect(result).toEqual({ touched: new Set([1]), inserted: 1 });
    expect(await repo.countForAttempt('a1')).toBe(0);
    expect(await repo.countForAttempt('b1')).toBe(1);
  });

  it('splits large batches over several statements and keeps their order', async () => {
    const events = Array.from({ length: 1_234 }, (_, i) => event('a1', 1_233 - i));
    expect((await repo.insertBatch('w1', events)).inserted).toBe(1_234);
    const rows = await repo.list(1, 0, 10_000);
    expect(rows.map((r) => r.message)).toEqual(events.map((e) => e.message));
  });
});

describe('messagesRepo.insertMany', () => {
  it('stores several workers in one call, in the given order, with results per worker', async () => {
    const results = await repo.insertMany([
      { workerId: 'w1', event: event('a1', 0) },
      { workerId: 'w2', event: event('b1', 0) },
      { workerId: 'w1', event: event('a2', 0) },
      { workerId: 'w2', event: event('a2', 1) },
    ]);
    expect(results.get('w1')).toEqual({ touched: new Set([1, 2]), inserted: 2 });
    expect(results.get('w2')).toEqual({ touched: new Set([1]), inserted: 1 });
    const ids = await db.all<{ attempt_id: string }>(
      'SELECT attempt_id FROM event_messages WHERE attempt_id IS NOT NULL ORDER BY event_message_id',
    );
    expect(ids.map((r) => r.attempt_id)).toEqual(['a1', 'b1', 'a2']);
  });

  it('credits exactly the new rows when a statement mixes replayed and new events', async () => {
    await repo.insertBatch('w1', [event('a1', 0), event('a2', 1)]);
    const results = await repo.insertMany([
      { workerId: 'w1', event: event('a1', 0) },
      { workerId: 'w2', event: event('b1', 0) },
      { workerId: 'w1', event: event('a2', 0) },
      { workerId: 'w1', event: event('a2', 1) },
    ]);
    expect(results.get('w1')).toEqual({ touched: new Set([2]), inserted: 1 });
    expect(results.get('w2')).toEqual({ touched: new Set([1]), inserted: 1 });
  });
});

describe('messagesRepo.list', () => {
  beforeEach(async () => {
    const types = [30, 70, 70, 120, 40, 70, 110, 40];
    await repo.insertBatch(
      'w1',
      types.map((t, seq) => event('a1', seq, t)),
    );
  });

  it('pages by afterMessageId', async () => {
    const first = await repo.list(1, 0, 3);
    expect(first.map((m) => m.message)).toEqual(['m0', 'm1', 'm2']);
    const second = await repo.list(1, first.at(-1)!.messageId, 3);
    expect(second.map((m) => m.message)).toEqual(['m3', 'm4', 'm5']);
    const third = await repo.list(1, second.at(-1)!.messageId, 3);
    expect(third.map((m) => m.message)).toEqual(['m6', 'm7']);
    expect(await repo.list(2, 0, 10)).toEqual([]);
  });

  it('filters by message types, paging within the filter; no types means every type', async () => {
    const page = await repo.list(1, 0, 2, [120, 40, 110]);
    expect(page.map((m) => [m.message, m.messageType])).toEqual([
      ['m3', 120],
      ['m4', 40],
    ]);
    const next = await repo.list(1, page.at(-1)!.messageId, 2, [120, 40, 110]);
    expect(next.map((m) => m.message)).toEqual(['m6', 'm7']);
    expect(await repo.list(1, 0, 10, [70, 70])).toHaveLength(3);
    expect(await repo.list(1, 0, 10, [])).toHaveLength(8);
    expect(await repo.list(1, 0, 10, [200])).toEqual([]);
  });
});
