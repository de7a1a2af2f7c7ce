// The console API over a big catalog: 100,000 executions (the grid's seed, master-core/test/
// executionGrid.fixture.ts) and one execution with 1,000,000 messages, written straight into a
// catalog file with SQL, then a real master opened on it and asked through the console HTTP API
// (nodeClient), as the console asks: execution.list pages and execution.messages pages.
// Alone: `npx tsx bench/catalogScale.ts`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openCatalog } from '../master-core/catalog/openCatalog';
import { startTestMaster } from '../master-core/test/masterFixture';
import { seedExecutions } from '../master-core/test/executionGrid.fixture';
import type { ApiClient } from '../master-core/protocol/apiClient';
import { nodeClient } from '../e2e/harness/client';
import type { BenchRow } from './hosts';

export interface CatalogScaleOptions {
  executions: number;
  messages: number;
  /** Calls per figure. */
  calls: number;
}

export const defaultCatalogScaleOptions: CatalogScaleOptions = {
  executions: 100_000,
  messages: 1_000_000,
  calls: 30,
};

/** SSIS message types: 120 error, 110 warning, 70 information. One error and ten warnings per 1,000. */
const MESSAGE_TYPE_SQL = `CASE WHEN x % 1000 = 0 THEN 120 WHEN x % 100 = 0 THEN 110 ELSE 70 END`;

/** One succeeded execution with `count` messages over one attempt; returns its id. */
async function seedMessages(catalogFile: string, count: number): Promise<number> {
  const db = await openCatalog(catalogFile);
  try {
    const now = new Date().toISOString();
    const { lastID: executionId } = await db.run(
      `INSERT INTO executions (folder_name, project_name, package_name, status, created_time, start_time, end_time,
         created_by, executed_count, targeting_json) VALUES ('Bench', 'Chatty', 'Million', 7, ?, ?, ?, 'bench', 1, '{"kind":"any"}')`,
      [now, now, now],
    );
    await db.run(
      `INSERT INTO attempts (attempt_id, execution_id, attempt_number, worker_agent_id, status, lease_expires_ms, start_time, end_time)
       VALUES ('bench-million', ?, 1, 'bench-worker', 7, 0, ?, ?)`,
      [executionId, now, now],
    );
    const t0 = Date.parse(now) - count;
    await db.run(
      `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
       INSERT INTO event_messages (execution_id, attempt_id, seq, message_time, message_type, message_source_type,
         message_source_name, package_path, message)
       SELECT ?, 'bench-million', x - 1, strftime('%Y-%m-%dT%H:%M:%fZ', (? + x) / 1000.0, 'unixepoch'),
         ${MESSAGE_TYPE_SQL}, 40, 'Load customers', '\\Package\\Load customers',
         'Data Flow Task: Information: "Customers" wrote ' || x || ' rows to the destination table.'
       FROM n`,
      [count, executionId, t0],
    );
    return executionId;
  } finally {
    await db.close();
  }
}

async function time(calls: number, call: () => Promise<unknown>): Promise<number[]> {
  await call(); // warm-up: the first call pays for preparing the statement and the page cache
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return samples;
}

async function listRows(client: ApiClient, calls: number, total: number): Promise<BenchRow[]> {
  const list = (input: Parameters<typeof client.call<'execution.list'>>[1]) => async () => {
    const page = await client.call('execution.list', input);
    if (page.executions.length === 0)
      throw new Error(`execution.list ${JSON.stringify(input)} returned no rows`);
    return page;
  };
  const filtered = { statuses: [4], packageName: 'Reconcile', limit: 100 };
  const matching = (await client.call('execution.list', { ...filtered, limit: 1 })).total;
  const deep = Math.floor(total / 2);
  const cases: [string, Parameters<typeof list>[0], string][] = [
    ['first page (100, newest first)', { limit: 100 }, 'the grid opening'],
    [
      'filtered page (failed, one package)',
      filtered,
      `${matching.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} match; total counted`,
    ],
    [
      `sorted deep page (by start time, offset ${deep.toLocaleString('en-US')})`,
      { limit: 100, offset: deep, sortBy: 'startedAt', sortDirection: 'asc' },
      'offset paging walks the index',
    ],
    ['search page ("recon", substring)', { limit: 100, search: 'recon' }, 'case-insensitive substring'],
  ];
  const rows: BenchRow[] = [];
  for (const [label, input, note] of cases)
    rows.push({
      name: `console: execution.list ${label}, ${(total / 1000).toFixed(0)}k executions`,
      unit: 'ms',
      samples: await time(calls, list(input)),
      note,
    });
  return rows;
}

async function messageRows(
  client: ApiClient,
  executionId: number,
  calls: number,
  count: number,
): Promise<BenchRow[]> {
  const page = (afterMessageId: number, messageTypes?: number[]) => async () => {
    const { messages } = await client.call('execution.messages', {
      executionId,
      afterMessageId,
      limit: 1000,
      ...(messageTypes ? { messageTypes } : {}),
    });
    if (messages.length === 0) throw new Error(`execution.messages after ${afterMessageId} returned nothing`);
  };
  const { messages: first } = await client.call('execution.messages', { executionId, limit: 1 });
  const firstId = first[0]!.messageId;
  const deepAfter = firstId + Math.floor(count * 0.9);
  const millions = `${count / 1e6}M`;
  return [
    {
      name: `console: execution.messages first page (1,000), ${millions}-message execution`,
      unit: 'ms',
      samples: await time(calls, page(0)),
      note: 'afterMessageId 0',
    },
    {
      name: `console: execution.messages deep page (1,000 after message ${Math.floor(count * 0.9).toLocaleString('en-US')}), ${millions}-message execution`,
      unit: 'ms',
      samples: await time(calls, page(deepAfter)),
      note: 'afterMessageId keyset: no offset',
    },
    {
      name: `console: execution.messages errors only (1 in 1,000), deep, ${millions}-message execution`,
      unit: 'ms',
      samples: await time(calls, page(deepAfter - count / 10, [120])),
      note: 'messageTypes [120], index (execution, type, id)',
    },
  ];
}

export async function benchCatalogScale(options = defaultCatalogScaleOptions): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-bench-catalog-'));
  try {
    const catalogFile = join(dataDir, 'catalog.sqlite');
    const t0 = performance.now();
    await seedExecutions(catalogFile, options.executions);
    const executionId = await seedMessages(catalogFile, options.messages);
    console.log(
      `catalog: seeded ${options.executions.toLocaleString('en-US')} executions and ${options.messages.toLocaleString('en-US')} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const master = await startTestMaster({ dataDir });
    try {
      const client = nodeClient(master.consoleUrl, master.consoleToken);
      return [
        ...(await messageRows(client, executionId, options.calls, options.messages)),
        ...(await listRows(client, options.calls, options.executions + 1)),
      ];
    } finally {
      await master.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { summarize } = await import('./stats');
  for (const row of await benchCatalogScale()) {
    const s = summarize(row.samples);
    console.log(
      `${row.name.padEnd(90)} median ${s.median.toFixed(2)} p99 ${s.p99.toFixed(2)} min ${s.min.toFixed(2)} max ${s.max.toFixed(2)}  ${row.note}`,
    );
  }
  process.exit(0); // the console client's keep-alive sockets would hold the process open
}
