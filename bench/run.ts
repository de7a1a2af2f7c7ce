// npm run bench: measures the walking skeleton on this machine and prints one table.
// Real parts only: an in-process master on loopback, real worker processes, real execution hosts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { WebSocket, WebSocketServer } from 'ws';
import { startTestMaster } from '../master-core/test/masterFixture';
import type { ApiClient } from '../master-core/protocol/apiClient';
import { nodeClient } from '../e2e/harness/client';
import { terminalStatuses } from '../master-core/protocol/codes';
import type { ProjectBundle } from '../master-core/protocol/packageFormat';
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

const noopBundle: ProjectBundle = {
  project: { name: 'Bench', description: '', parameters: [] },
  packages: [
    {
      name: 'Noop',
      description: '',
      parameters: [],
      variables: [],
      tasks: [{ name: 'Nothing', type: 'script', description: '', code: 'return;' }],
    },
  ],
};

function waitForTerminal(client: ApiClient, ids: Set<number>): Promise<Map<number, number>> {
  const ended = new Map<number, number>();
  return new Promise((resolve) => {
    const stop = client.subscribe((event) => {
      if (event.type !== 'execution:changed' || !ids.has(event.execution.executionId)) return;
      if (terminalStatuses.has(event.execution.status) && !ended.has(event.execution.executionId)) {
        ended.set(event.execution.executionId, performance.now());
        if (ended.size === ids.size) {
          stop();
          resolve(ended);
        }
      }
    });
  });
}

async function endToEnd(): Promise<void> {
  const master = await startTestMaster();
  const workers = [await startWorker(master, 'bench-1'), await startWorker(master, 'bench-2')];
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  try {
    await client.call('project.deploy', { folderName: 'Bench', bundle: noopBundle });
    const submit = () =>
      client.call('execution.create', { folderName: 'Bench', projectName: 'Bench', packageName: 'Noop' });

    // Idle latency: one execution at a time, submit until the master records it finished.
    const latencies: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const t = performance.now();
      const { executionId } = await submit();
      const ended = await waitForTerminal(client, new Set([executionId]));
      latencies.push(ended.get(executionId)! - t);
    }
    record(
      'submit to finished, idle, no-op package',
      'ms',
      latencies,
      'includes a fresh execution-host process',
    );

    // Throughput: N executions submitted at once over two workers.
    const n = 200;
    const t0 = performance.now();
    const ids = await Promise.all(Array.from({ length: n }, submit)).then(
      (r) => new Set(r.map((x) => x.executionId)),
    );
    const ended = await waitForTerminal(client, ids);
    const seconds = (Math.max(...ended.values()) - t0) / 1000;
    record(`throughput, ${n} no-op executions, 2 workers x ${cpus().length} slots`, 'exec/s', [n / seconds]);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
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
  const loadAtStart = loadavg()[0]!.toFixed(1);
  record(
    'message writer, sustained, 300k events into a catalog file',
    'msg/s',
    await messageWriterThroughput(),
    `one sample per run; 2 workers x 2 attempts; load average ${loadAtStart} at start`,
  );
  await endToEnd();
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
