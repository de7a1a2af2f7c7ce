// The message writer's sustained throughput: events pushed as fast as its queue accepts them,
// through the real repository into a real catalog file (WAL, synchronous=FULL).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openCatalog } from '../master-core/catalog/openCatalog';
import type { Db } from '../master-core/catalog/db';
import { createMessagesRepo } from '../master-core/catalog/messagesRepo';
import type { WorkerEvent } from '../master-core/catalog/messagesRepo';
import { createMessageWriter } from '../master-core/gateway/messageWriter';
import { createLogger } from '../master-core/logger';

export interface WriterBenchOptions {
  events: number;
  runs: number;
  /** Events handed over per event-loop turn, as frames from several sockets would arrive. */
  eventsPerTurn: number;
}

/** Two workers with two running attempts each; ids are UUIDs, as real ones are. */
const attempts = [1, 2, 3, 4].map((executionId) => ({
  attemptId: randomUUID(),
  executionId,
  workerId: executionId <= 2 ? 'bench-worker-1' : 'bench-worker-2',
}));

async function seed(db: Db): Promise<void> {
  const now = new Date().toISOString();
  await db.run(`INSERT INTO folders (folder_id, name, created_time) VALUES (1, 'Bench', ?)`, [now]);
  await db.run(`INSERT INTO projects (project_id, folder_id, name) VALUES (1, 1, 'Bench')`);
  await db.run(
    `INSERT INTO project_versions (version_id, project_id, content_hash, project_json, deployed_time, deployed_by)
     VALUES (1, 1, 'bench', '{}', ?, 'bench')`,
    [now],
  );
  for (const a of attempts) {
    await db.run(
      `INSERT INTO executions (execution_id, folder_name, project_name, package_name, version_id, status,
         created_time, created_by, targeting_json) VALUES (?, 'Bench', 'Bench', 'Chatty', 1, 2, ?, 'bench', '{}')`,
      [a.executionId, now],
    );
    await db.run(
      `INSERT INTO attempts (attempt_id, execution_id, attempt_number, worker_agent_id, status, lease_expires_ms,
         start_time) VALUES (?, ?, 1, ?, 3, ?, ?)`,
      [a.attemptId, a.executionId, a.workerId, Date.now() + 3_600_000, now],
    );
  }
}

/** Events round-robin over the attempts, each attempt's seq counting up; a typical SSIS message. */
function makeEvents(count: number): WorkerEvent[] {
  const t0 = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const a = attempts[i % attempts.length]!;
    const seq = Math.floor(i / attempts.length);
    return {
      workerId: a.workerId,
      event: {
        type: 'task.event' as const,
        attemptId: a.attemptId,
        seq,
        timeMs: t0 + i,
        messageType: 70,
        sourceType: 40,
        sourceName: 'Load customers',
        packagePath: '\\Package\\Load customers',
        message: `Data Flow Task: Information: "Customers" wrote ${seq} rows to the destination table.`,
      },
    };
  });
}

/** One run on a fresh catalog file; returns rows stored per second. */
async function oneRun(options: WriterBenchOptions): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-bench-writer-'));
  const db = await openCatalog(join(dir, 'catalog.sqlite'));
  try {
    await seed(db);
    const events = makeEvents(options.events);
    let acked = 0;
    const writer = createMessageWriter(createMessagesRepo(db), (_w, e) => (acked += e.length), {
      log: createLogger('bench-writer', 'warn'),
    });
    const t0 = performance.now();
    for (let i = 0; i < events.length;) {
      const { workerId, event } = events[i]!;
      if (!writer.enqueue(workerId, event)) {
        await writer.writable(); // backpressure: the refused event is offered again, as a replay
        continue;
      }
      i += 1;
      if (i % options.eventsPerTurn === 0) await nextTurn();
    }
    await writer.flush();
    const seconds = (performance.now() - t0) / 1000;
    const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM event_messages');
    if (row?.n !== options.events || acked !== options.events)
      throw new Error(`stored ${row?.n} and acknowledged ${acked} of ${options.events} events`);
    return options.events / seconds;
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows stored per second, one sample per run. */
export async function messageWriterThroughput(
  options: WriterBenchOptions = { events: 300_000, runs: 5, eventsPerTurn: 100 },
): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < options.runs; run += 1) samples.push(await oneRun(options));
  return samples;
}
