// npm run bench: measures the walking skeleton on this machine and prints one table.
// Real parts only: an in-process master on loopback, real worker processes, real execution hosts.
import { benchDataFlow } from './dataFlow';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestMaster } from '../master-core/test/masterFixture';
import type { ApiClient } from '../master-core/protocol/apiClient';
import { nodeClient } from '../e2e/harness/client';
import { ExecutionStatus, terminalStatuses } from '../master-core/protocol/codes';
import { ProjectBundle } from '../master-core/protocol/packageFormat';
import { startWorker } from '../e2e/harness/processes';
import { hostPoolBench } from './hosts';
import { messageWriterThroughput } from './messageWriter';
import { summarize } from './stats';
import type { Summary } from './stats';

const results: { name: string; unit: string; summary: Summary; note: string }[] = [];
const record = (name: string, unit: string, samples: number[], note = '') => {
  results.push({ name, unit, summary: summarize(samples), note });
};

async function wsRoundTrip(): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  server.on('connection', (ws) => ws.on('message', (d) => ws.send(d)));
  const port = (server.address() as { port: number }).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  await new Promise((r) => ws.once('open', r));
  const samples: number[] = [];
  for (let i = 0; i < 2_000; i += 1) {
    const t = process.hrtime.bigint();
    await new Promise<void>((r) => {
      ws.once('message', () => r());
      ws.send('{"type":"ping"}');
    });
    if (i >= 200) samples.push(Number(process.hrtime.bigint() - t) / 1_000); // microseconds
  }
  ws.close();
  server.close();
  return samples;
}

function nodeStartup(): number[] {
  const samples: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return samples;
}

const slowBundle: ProjectBundle = ProjectBundle.parse({
  project: { name: 'Bench' },
  packages: [
    {
      name: 'Slow',
      tasks: [{ name: 'Wait', type: 'script', code: 'await new Promise((r) => setTimeout(r, 600000));' }],
    },
  ],
});

const noopBundle: ProjectBundle = ProjectBundle.parse({
  project: { name: 'Bench' },
  packages: [
    {
      name: 'Noop',
      tasks: [{ name: 'Nothing', type: 'expression', expression: '@[User::Done] = TRUE' }],
      variables: [{ name: 'Done', dataType: 'Boolean', value: false }],
    },
  ],
});

/**
 * One live subscription, connected before anything is submitted, that records when each execution
 * was first seen running (assigned to a worker) and finished. No event can be missed.
 */
async function createTracker(client: ApiClient) {
  const times = new Map<number, { started?: number; ended?: number; attempts: number }>();
  const waiters: {
    id: number;
    kind: 'started' | 'ended';
    attempts: number;
    resolve: (ms: number) => void;
  }[] = [];
  const settle = () => {
    for (const w of [...waiters]) {
      const t = times.get(w.id);
      const ms = t && t.attempts >= w.attempts ? t[w.kind] : undefined;
      if (ms !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(ms);
      }
    }
  };
  let stop: () => void = () => undefined;
  await new Promise<void>((connected) => {
    stop = client.subscribe(
      (event) => {
        if (event.type !== 'execution:changed') return;
        const e = event.execution;
        const now = performance.now();
        const t = times.get(e.executionId) ?? { attempts: 0 };
        if (e.attempts > t.attempts) {
          t.attempts = e.attempts;
          delete t.started;
        }
        if (e.status === ExecutionStatus.running || terminalStatuses.has(e.status)) t.started ??= now;
        if (terminalStatuses.has(e.status)) t.ended ??= now;
        times.set(e.executionId, t);
        settle();
      },
      (up) => up && connected(),
    );
  });
  return {
    /** When the execution's attempt number `attempts` (default 1) started, or it ended. */
    until: (id: number, kind: 'started' | 'ended', attempts = 1) =>
      new Promise<number>((resolve) => {
        waiters.push({ id, kind, attempts, resolve });
        settle();
      }),
    stop: () => stop(),
  };
}

/** Idle latency and a 1,000-execution burst through a real master and two real workers in one execution mode. */
async function endToEnd(mode: 'process' | 'pooled'): Promise<void> {
  const master = await startTestMaster();
  const args = ['--execution-mode', mode];
  const workers = [await startWorker(master, 'bench-1', args), await startWorker(master, 'bench-2', args)];
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  try {
    await client.call('project.deploy', { folderName: 'Bench', bundle: noopBundle });
    const submit = () =>
      client.call('execution.create', { folderName: 'Bench', projectName: 'Bench', packageName: 'Noop' });
    const tracker = await createTracker(client);
    const toStart: number[] = [];
    const toEnd: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const t = performance.now();
      const { executionId } = await submit();
      toStart.push((await tracker.until(executionId, 'started')) - t);
      toEnd.push((await tracker.until(executionId, 'ended')) - t);
    }
    record(`submit to start (assigned to a worker), idle, ${mode} mode`, 'ms', toStart);
    record(`submit to finished, idle, no-op package, ${mode} mode`, 'ms', toEnd);

    const n = 1000;
    const t0 = performance.now();
    const ids = (await Promise.all(Array.from({ length: n }, submit))).map((x) => x.executionId);
    const ended = await Promise.all(ids.map((id) => tracker.until(id, 'ended')));
    const seconds = (Math.max(...ended) - t0) / 1000;
    tracker.stop();
    record(
      `throughput, ${n} no-op executions, 2 workers x ${cpus().length} slots, ${mode} mode`,
      'exec/s',
      [n / seconds],
      'durable in the catalog',
    );
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await master.cleanup();
  }
}

/** SIGKILL an agent holding work: time until the retry starts on another worker (default timings). */
async function failureDetection(samples: number): Promise<void> {
  const master = await startTestMaster();
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  const spare = await startWorker(master, 'spare', ['--max-tasks', '1']);
  const times: number[] = [];
  try {
    await client.call('project.deploy', { folderName: 'Bench', bundle: slowBundle });
    await client.call('worker.disable', { name: 'spare' });
    const tracker = await createTracker(client);
    for (let i = 0; i < samples; i += 1) {
      const victim = await startWorker(master, `victim-${i}`, ['--max-tasks', '1']);
      const { executionId } = await client.call('execution.create', {
        folderName: 'Bench',
        projectName: 'Bench',
        packageName: 'Slow',
        retryCount: 1,
      });
      await tracker.until(executionId, 'started');
      await client.call('worker.enable', { name: 'spare' });
      const restarted = tracker.until(executionId, 'started', 2);
      const t = performance.now();
      await victim.stop('SIGKILL');
      times.push(((await restarted) - t) / 1000);
      await client.call('execution.stop', { executionId });
      await client.call('worker.disable', { name: 'spare' });
    }
    record(
      'agent SIGKILLed holding work: until the retry starts elsewhere',
      's',
      times,
      'default timings: lease 30 s, swept every 1 s',
    );
    tracker.stop();
  } finally {
    await spare.stop('SIGKILL');
    await master.cleanup();
  }
}

function printTable(): string {
  const rows = results.map((r) => [
    r.name,
    r.unit,
    String(r.summary.n),
    r.summary.median.toFixed(2),
    r.summary.p99.toFixed(2),
    r.summary.min.toFixed(2),
    r.summary.max.toFixed(2),
    r.note,
  ]);
  const headers = ['benchmark', 'unit', 'n', 'median', 'p99', 'min', 'max', 'note'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['build/build.mjs', '--node-only'], { stdio: 'inherit' });
  record('WebSocket round trip, loopback', 'us', await wsRoundTrip());
  record('node -e 0 start-up', 'ms', nodeStartup());
  for (const row of await hostPoolBench()) record(row.name, row.unit, row.samples, row.note);
  for (const row of await benchDataFlow()) record(row.name, row.unit, row.samples, row.note);
  const loadAtStart = loadavg()[0]!.toFixed(1);
  record(
    'message writer, sustained, 300k events into a catalog file',
    'msg/s',
    await messageWriterThroughput(),
    `one sample per run; 2 workers x 2 attempts; load average ${loadAtStart} at start`,
  );
  await endToEnd('process');
  await endToEnd('pooled');
  if (!process.argv.includes('--quick')) await failureDetection(3);
  const table = printTable();
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${process.platform}`;
  console.log(`\nmachine: ${machine}\n\n${table}\n`);
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
