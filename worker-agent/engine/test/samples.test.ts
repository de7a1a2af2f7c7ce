// Runs every sample package through the real engine, as deploy loads it and as the master assigns
// it: the package, the other packages of its project, the project's connection managers, parameter
// values from the defaults. Each run has a fresh working directory (the engine's work dir is
// process.cwd()), real child processes, a real HTTP server and real SQLite files.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// eslint-disable-next-line no-restricted-imports -- the test checks the databases the packages wrote, with a reader of its own
import sqlite3 from 'sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../../master-core/protocol/codes';
// eslint-disable-next-line no-restricted-imports -- the samples are run exactly as deploy reads them
import { loadProjectDir } from '../../../master-core/deploy/loadProjectDir';
import type { ParameterValue, ProjectBundle } from '../../../master-core/protocol/packageFormat';
import { runTestPackage } from './engineKit';
import type { EngineRun } from './engineKit';

const SAMPLES = fileURLToPath(new URL('../../../samples/', import.meta.url));
const bundles = new Map<string, ProjectBundle>();
const sample = (project: string) => {
  if (!bundles.has(project)) bundles.set(project, loadProjectDir(join(SAMPLES, project)));
  return bundles.get(project)!;
};

/** Runs one package of a sample project; `values` by bare name override the defaults. */
async function runSample(
  project: string,
  packageName: string,
  values: Record<string, ParameterValue> = {},
  attemptNumber = 1,
): Promise<EngineRun> {
  const bundle = sample(project);
  const pkg = bundle.packages.find((p) => p.name === packageName)!;
  const parameterValues: Record<string, ParameterValue> = {};
  const scopes = [
    ['$Project', bundle.project.parameters],
    ['$Package', pkg.parameters],
  ] as const;
  for (const [scope, defs] of scopes) {
    for (const def of defs) {
      const value = values[def.name] ?? def.defaultValue;
      if (value !== undefined) parameterValues[`${scope}::${def.name}`] = value;
    }
  }
  return runTestPackage(pkg as unknown as Record<string, unknown>, {
    childPackages: bundle.packages.filter((p) => p !== pkg) as unknown as Record<string, unknown>[],
    projectConnections: bundle.project.connectionManagers as unknown as Record<string, unknown>[],
    parameterValues,
    attemptNumber,
  });
}

async function rows(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const opened = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (e) =>
      e ? reject(e) : resolve(opened),
    );
  });
  try {
    return await new Promise((resolve, reject) =>
      db.all(sql, (e, r: Record<string, unknown>[]) => (e ? reject(e) : resolve(r))),
    );
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

/** Information messages of one task or container, by its name. */
const said = (run: EngineRun, source: string) =>
  run.events
    .filter((e) => e.sourceName === source && e.messageType === MessageType.information)
    .map((e) => e.message);
const ranTasks = (run: EngineRun) => run.statistics.map((s) => s.path.split('\\').at(-1));

let home: string;
let workDir: string;
beforeEach(() => {
  home = process.cwd();
  workDir = mkdtempSync(join(tmpdir(), 'scaleout-samples-'));
  process.chdir(workDir);
});
afterEach(() => {
  process.chdir(home);
  rmSync(workDir, { recursive: true, force: true });
});

describe('HelloScaleOut', () => {
  it('Hello prints its greeting Count times from a child process', async () => {
    const run = await runSample('HelloScaleOut', 'Hello', { Count: 2 });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    expect(said(run, 'Print message')).toEqual([
      expect.stringMatching(/^1\/2 Hello from Scale Out \(Development, execution 42 on test-machine\)$/),
      expect.stringMatching(/^2\/2 Hello/),
    ]);
  });

  it('Countdown counts down to lift-off', async () => {
    const run = await runSample('HelloScaleOut', 'Countdown', { Seconds: 1 });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    expect(said(run, 'Count down')).toContain('lift-off');
  });

  it('Flaky fails its first attempt and succeeds on the retry', async () => {
    const first = await runSample('HelloScaleOut', 'Flaky', {}, 1);
    expect(first.outcome).toBe('failed');
    expect(first.error).toMatch(/Dependency unavailable: the process exited with code 1/);
    expect(first.messages(MessageType.warning)).toContainEqual(
      expect.stringContaining('attempt 1: the dependency is not ready'),
    );
    expect(ranTasks(first)).not.toContain('Do the work');

    const second = await runSample('HelloScaleOut', 'Flaky', {}, 2);
    expect(second.outcome, second.error ?? '').toBe('succeeded');
    expect(said(second, 'Do the work')).toEqual(['attempt 2: the dependency answered, work done']);
    expect(ranTasks(second)).not.toContain('Dependency unavailable');
  });

  it('Flaky fails as many attempts as FailAttempts says', async () => {
    expect((await runSample('HelloScaleOut', 'Flaky', { FailAttempts: 2 }, 2)).outcome).toBe('failed');
    expect((await runSample('HelloScaleOut', 'Flaky', { FailAttempts: 0 }, 1)).outcome).toBe('succeeded');
  });
});

describe('Operations', () => {
  let server: Server;
  let serviceUrl: string;
  let statusCode = 200;
  const posted: { url: string; body: string }[] = [];
  const STATUS = '{"status":"ok","queue":0}';
  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        if (request.method === 'GET' && request.url === '/ops/status') {
          response.writeHead(statusCode, { 'content-type': 'application/json' });
          response.end(statusCode === 200 ? STATUS : '{"status":"down"}');
        } else if (request.method === 'POST' && request.url === '/ops/runs') {
          posted.push({ url: request.url, body });
          response.writeHead(201).end();
        } else response.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ops/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    statusCode = 200;
    posted.length = 0;
  });

  it('Housekeeping prepares folders, archives each file, calls the service and logs to SQLite', async () => {
    const run = await runSample('Operations', 'Housekeeping', { ServiceUrl: serviceUrl, FileCount: 3 });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    const names = ['orders-001.csv', 'orders-002.csv', 'orders-003.csv'];
    expect(readdirSync('ops/archive').sort()).toEqual(names);
    expect(readdirSync('ops/incoming')).toEqual(['README.txt']);
    expect(readFileSync('ops/archive/orders-002.csv', 'utf8')).toBe('order_id,amount\n2,25.00\n');
    expect(readFileSync('ops/status.json', 'utf8')).toBe(STATUS);
    expect(said(run, 'Write order files')).toEqual([
      'wrote orders-001.csv',
      'wrote orders-002.csv',
      'wrote orders-003.csv',
    ]);

    const logged = await rows('ops/ops-log.db', 'SELECT * FROM file_log ORDER BY file_name');
    expect(logged.map((r) => r.file_name)).toEqual(names);
    expect(logged[0]).toMatchObject({
      execution_id: 42,
      archived_to: 'ops/archive/orders-001.csv',
      service_status: STATUS,
    });
    expect(Date.parse(String(logged[0]!.logged_at))).not.toBeNaN();
    const log = await rows('ops/ops-log.db', 'SELECT kind, source, detail FROM ops_log');
    expect(log).toEqual([
      { kind: 'info', source: 'Housekeeping', detail: `archived 3 file(s); service said ${STATUS}` },
    ]);
    expect(posted.map((p) => JSON.parse(p.body) as unknown)).toEqual([
      { execution: 42, machine: 'test-machine', filesArchived: 3 },
    ]);
  });

  it('Housekeeping: its OnError handler writes an error row when the service is down', async () => {
    statusCode = 503;
    const run = await runSample('Operations', 'Housekeeping', { ServiceUrl: serviceUrl });
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/Check status service: GET .*\/ops\/status answered 503/);
    const log = await rows('ops/ops-log.db', 'SELECT execution_id, kind, source, detail FROM ops_log');
    expect(log).toEqual([
      {
        execution_id: 42,
        kind: 'error',
        source: 'Check status service',
        detail: expect.stringMatching(/answered 503.*"status":"down"/),
      },
    ]);
    // The loop waits for the service (Success constraint): the files stay where they arrived.
    expect(readdirSync('ops/incoming')).toHaveLength(4);
    expect(readdirSync('ops/archive')).toEqual([]);
    expect(posted).toEqual([]);
  });
});

describe('FanOut', () => {
  /** Primes below `n`, by a sieve: what the six branches must add up to. */
  function primesBelow(n: number): number {
    const composite = new Uint8Array(n);
    let count = 0;
    for (let i = 2; i < n; i++) {
      if (composite[i]) continue;
      count++;
      for (let j = i * i; j < n; j += i) composite[j] = 1;
    }
    return count;
  }

  it('ParallelBranches runs six branches side by side and joins them with AND', async () => {
    const run = await runSample('FanOut', 'ParallelBranches', { RangeSize: 50_000, WorkMs: 800 });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    expect(said(run, 'Join')).toEqual([String(primesBelow(300_000))]);
    const parts = readdirSync('fanout').map(
      (f) => JSON.parse(readFileSync(join('fanout', f), 'utf8')) as { started: number; ended: number },
    );
    expect(parts).toHaveLength(6);
    // The most branches running at one moment: MaxConcurrentExecutables -1 allows processors + 2.
    const overlap = Math.max(
      ...parts.map((p) => parts.filter((q) => q.started <= p.started && p.started < q.ended).length),
    );
    expect(overlap).toBeGreaterThanOrEqual(Math.min(3, availableParallelism() + 2));
    const joinStart = run.events.findIndex(
      (e) => e.sourceName === 'Join' && e.messageType === MessageType.preExecute,
    );
    const lastBranchEnd = run.events.findLastIndex(
      (e) => e.sourceName.startsWith('Branch') && e.messageType === MessageType.postExecute,
    );
    expect(joinStart).toBeGreaterThan(lastBranchEnd);
  });

  it('RaceAndLoop goes on with the first mirror (OR) while the other runs, then loops Batches times', async () => {
    const run = await runSample('FanOut', 'RaceAndLoop', { MirrorAMs: 50, MirrorBMs: 2000, Batches: 3 });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    expect(said(run, 'Take first answer')).toEqual(['User::Winner = mirror A']);
    expect(said(run, 'Process batches')).toEqual([expect.stringMatching(/3 iteration\(s\)/)]);
    expect(said(run, 'Process batch')).toEqual(
      [1, 2, 3].map((n) => `batch ${n} of 3, with the answer of mirror A`),
    );
    expect(said(run, 'Count batch').at(-1)).toBe('User::BatchesDone = 3');
    const at = (source: string, type: number) =>
      run.events.findIndex((e) => e.sourceName === source && e.messageType === type);
    expect(at('Take first answer', MessageType.postExecute)).toBeLessThan(
      at('Ask mirror B', MessageType.postExecute),
    );
  });
});

describe('Etl', () => {
  it('LoadSales stages, upserts customers row by row, loads facts and audits through the child package', async () => {
    const run = await runSample('Etl', 'LoadSales');
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    expect(
      await rows('warehouse.db', 'SELECT customer_code, customer_name FROM dim_customer ORDER BY 1'),
    ).toEqual([
      { customer_code: 'C001', customer_name: 'ACME CORP' },
      { customer_code: 'C002', customer_name: 'GLOBEX' },
      { customer_code: 'C003', customer_name: 'INITECH' },
    ]);
    expect(
      await rows(
        'warehouse.db',
        'SELECT COUNT(*) AS n, ROUND(SUM(amount), 2) AS total, MIN(batch_id) AS batch FROM fact_sales',
      ),
    ).toEqual([{ n: 8, total: 810.59, batch: 42 }]);
    expect(said(run, 'Print total')).toEqual(['GLOBEX: 394.99', 'INITECH: 255.10', 'ACME CORP: 160.50']);
    expect(
      await rows(
        'warehouse.db',
        'SELECT batch_id, source, rows_read, rows_written, outcome, machine FROM etl_audit',
      ),
    ).toEqual([
      {
        batch_id: 42,
        source: 'LoadSales',
        rows_read: 8,
        rows_written: 8,
        outcome: 'balanced',
        machine: 'test-machine',
      },
    ]);
    expect(ranTasks(run)).toContain('Write audit row');
  });

  it('SalesDataFlow streams the generated CSV into the warehouse; bad lines and unknown customers go to their files', async () => {
    const run = await runSample('Etl', 'SalesDataFlow', { Rows: 1000 });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    // 1000 lines: 10 with an unreadable quantity (every 97th), 20 unknown customers (every 50th).
    expect(
      await rows('warehouse.db', "SELECT COUNT(*) AS n, SUM(Size = 'large') AS large FROM sales_loaded"),
    ).toEqual([{ n: 970, large: expect.any(Number) }]);
    const [{ large }] = (await rows(
      'warehouse.db',
      "SELECT SUM(Size = 'large') AS large FROM sales_loaded",
    )) as [{ large: number }];
    expect(await rows('warehouse.db', 'SELECT COUNT(*) AS n FROM sales_loaded WHERE Amount >= 250')).toEqual([
      { n: large },
    ]);
    expect(readFileSync(join(workDir, 'unknown-customers.csv'), 'utf8').trim().split(/\r?\n/)).toHaveLength(
      21,
    );
    const bad = readFileSync(join(workDir, 'bad-lines.jsonl'), 'utf8').trim().split('\n');
    expect(bad).toHaveLength(10);
    expect(JSON.parse(bad[0]!)).toMatchObject({ LineNumber: 98, ErrorColumn: 'Quantity' });
    expect(run.dataStatistics.find((s) => s.name === 'Sales CSV.Output -> Amount.Input')?.rowsSent).toBe(990);
  });

  it('Audit runs on its own with its defaults, into the database the parameter names', async () => {
    const run = await runSample('Etl', 'Audit', {
      DatabaseFile: 'audit-only.db',
      RowsRead: 5,
      RowsWritten: 4,
    });
    expect(run.outcome, run.error ?? '').toBe('succeeded');
    expect(await rows('audit-only.db', 'SELECT source, outcome FROM etl_audit')).toEqual([
      { source: 'manual', outcome: 'rows lost' },
    ]);
  });
});
