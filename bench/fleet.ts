// Fleet scale: 1,000 simulated agents (bench/fleetAgents.ts, in a few separate processes, each
// agent enrolled with its own credential) connected to one master in this process, heartbeating
// at the default rate. Measures the master's CPU (% of one core), RSS and event-loop lag over a
// quiet window, then submit-to-start of no-op executions that the simulated agents take.
// Alone: `npx tsx bench/fleet.ts [agents]`.
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startTestMaster } from '../master-core/test/masterFixture';
import { defaultTimings } from '../master-core/createMaster';
import { createLogger } from '../master-core/logger';
import { nodeClient } from '../e2e/harness/client';
import { noopBundle } from './bundles';
import type { FleetProcessConfig, FleetReport } from './fleetAgents';
import type { BenchRow } from './hosts';
import { createTracker } from './tracker';

const LAG_RESOLUTION_MS = 10;
const HERE = dirname(fileURLToPath(import.meta.url));

export interface FleetOptions {
  agents: number;
  processes: number;
  /** The quiet window over which CPU, RSS and lag are measured. */
  windowMs: number;
  /** Windows measured (each one sample). */
  windows: number;
  dispatchSamples: number;
}

export const defaultFleetOptions: FleetOptions = {
  agents: 1000,
  processes: 4,
  windowMs: 15_000,
  windows: 3,
  dispatchSamples: 100,
};

/** Splits `total` items into `parts` contiguous ranges as even as can be: [start, end). */
export function splitEvenly(total: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let p = 0; p < parts; p += 1)
    ranges.push([Math.floor((p * total) / parts), Math.floor(((p + 1) * total) / parts)]);
  return ranges.filter(([a, b]) => b > a);
}

function waitFor<T extends FleetReport['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<FleetReport, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`fleet process ${child.pid}: no '${type}' in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: FleetReport) => {
      if (m.type === 'error' || m.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        if (m.type === 'error') reject(new Error(`fleet process ${child.pid}: ${m.message}`));
        else resolve(m as Extract<FleetReport, { type: T }>);
      }
    };
    child.on('message', onMessage);
  });
}

export async function benchFleet(options: FleetOptions = defaultFleetOptions): Promise<BenchRow[]> {
  const rssBefore = process.memoryUsage().rss;
  // Default timings, except the time a new connection has to say hello: the agents connect 250 at
  // a time, and a busy master reads their hellos late (connecting is not what is measured).
  const master = await startTestMaster({
    timings: { helloTimeoutMs: 120_000 },
    ...(process.env.BENCH_MASTER_LOG ? { log: createLogger('master', 'info') } : {}),
  });
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  const children: ChildProcess[] = [];
  const rows: BenchRow[] = [];
  try {
    const tokens: string[] = [];
    for (let i = 0; i < options.agents; i += 1)
      tokens.push((await client.call('worker.enrolmentToken.create', { createdBy: 'bench' })).token);
    const rssIdle = process.memoryUsage().rss;
    const t0 = performance.now();
    const ranges = splitEvenly(options.agents, options.processes);
    for (const [start, end] of ranges) {
      const child = fork(join(HERE, 'fleetAgents.ts'), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const config: FleetProcessConfig = {
        agentUrl: master.agentUrl,
        tokens: tokens.slice(start, end),
        firstIndex: start,
      };
      child.send(config);
    }
    await Promise.all(children.map((c) => waitFor(c, 'enrolled', 300_000)));
    const enrolSeconds = (performance.now() - t0) / 1000;
    const connected = [];
    for (const child of children) {
      const done = waitFor(child, 'connected', 300_000);
      child.send({ type: 'connect' });
      connected.push(await done);
    }
    const connectSeconds = (performance.now() - t0) / 1000;
    const count = connected.reduce((n, c) => n + c.count, 0);
    const { workers } = await client.call('worker.list', {});
    const online = workers.filter((w) => w.state !== 'offline').length;
    console.log(
      `fleet: ${count} agents enrolled in ${enrolSeconds.toFixed(1)} s, connected after ${connectSeconds.toFixed(1)} s (${online} not offline in worker.list)`,
    );
    // Let the heartbeats spread over their interval before measuring.
    await new Promise((r) => setTimeout(r, defaultTimings.heartbeatIntervalMs + 1_000));

    const cpu: number[] = [];
    const rss: number[] = [];
    const lagP99: number[] = [];
    const lagMax: number[] = [];
    const heartbeatsPerSecond: number[] = [];
    const stats = () =>
      Promise.all(
        children.map((c) => {
          const reply = waitFor(c, 'stats', 10_000);
          c.send({ type: 'stats' });
          return reply;
        }),
      ).then((all) => all.reduce((n, s) => n + s.heartbeats, 0));
    for (let w = 0; w < options.windows; w += 1) {
      const beatsBefore = await stats();
      const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
      lag.enable();
      const cpuStart = process.cpuUsage();
      const wallStart = performance.now();
      await new Promise((r) => setTimeout(r, options.windowMs));
      const used = process.cpuUsage(cpuStart);
      const wallMs = performance.now() - wallStart;
      lag.disable();
      cpu.push(((used.user + used.system) / 1000 / wallMs) * 100);
      rss.push(process.memoryUsage().rss / 2 ** 20);
      // The histogram records each timer's whole interval: the lag is what exceeds the resolution.
      lagP99.push(Math.max(0, lag.percentile(99) / 1e6 - LAG_RESOLUTION_MS));
      lagMax.push(Math.max(0, lag.max / 1e6 - LAG_RESOLUTION_MS));
      heartbeatsPerSecond.push(((await stats()) - beatsBefore) / (wallMs / 1000));
    }
    const closes = await Promise.all(
      children.map((c) => {
        const reply = waitFor(c, 'stats', 10_000);
        c.send({ type: 'stats' });
        return reply;
      }),
    );
    const dropped = closes.reduce((n, s) => n + s.closes, 0);
    const beats = heartbeatsPerSecond.reduce((a, b) => a + b, 0) / heartbeatsPerSecond.length;
    const perBeat = (((cpu.reduce((a, b) => a + b, 0) / cpu.length) * 10) / beats).toFixed(1);
    const fleet = `${count} agents in ${children.length} processes, each enrolled (own key and certificate, mutual TLS)`;
    rows.push({
      name: `fleet: master CPU, ${count} agents heartbeating every ${defaultTimings.heartbeatIntervalMs / 1000} s`,
      unit: '% core',
      samples: cpu,
      note: `${options.windows} windows of ${options.windowMs / 1000} s; ${fleet}; ${heartbeatsPerSecond.map((h) => h.toFixed(0)).join('/')} heartbeats/s sent; ${perBeat} ms of master CPU per heartbeat; ${dropped} connections dropped`,
    });
    rows.push({
      name: `fleet: master process RSS, ${count} agents`,
      unit: 'MiB',
      samples: rss,
      note: `before the master ${(rssBefore / 2 ** 20).toFixed(0)} MiB; master idle ${(rssIdle / 2 ** 20).toFixed(0)} MiB; enrolled in ${enrolSeconds.toFixed(0)} s, all connected in ${connectSeconds.toFixed(0)} s`,
    });
    rows.push({
      name: `fleet: master event-loop lag p99, ${count} agents`,
      unit: 'ms',
      samples: lagP99,
      note: `monitorEventLoopDelay beyond its 10 ms timer; max per window ${lagMax.map((l) => l.toFixed(1)).join('/')} ms`,
    });

    console.log('fleet: measuring dispatch');
    await client.call('project.deploy', { folderName: 'Bench', bundle: noopBundle });
    const tracker = await createTracker(client);
    const toStart: number[] = [];
    const toEnd: number[] = [];
    for (let i = 0; i < options.dispatchSamples; i += 1) {
      const t = performance.now();
      const { executionId } = await client.call('execution.create', {
        folderName: 'Bench',
        projectName: 'Bench',
        packageName: 'Noop',
      });
      const started = await Promise.race([
        tracker.until(executionId, 'started'),
        new Promise<null>((r) => setTimeout(() => r(null), 30_000)),
      ]);
      if (started === null) {
        const why = await client.call('execution.explain', { executionId });
        throw new Error(
          `execution ${executionId} not started in 30 s: ${JSON.stringify(why).slice(0, 1500)}`,
        );
      }
      toStart.push(started - t);
      toEnd.push((await tracker.until(executionId, 'ended')) - t);
    }
    tracker.stop();
    rows.push({
      name: `fleet: submit to start (assigned), ${count} agents connected`,
      unit: 'ms',
      samples: toStart,
      note: 'one at a time; a simulated agent takes it and reports at once',
    });
    rows.push({
      name: `fleet: submit to finished, ${count} agents connected`,
      unit: 'ms',
      samples: toEnd,
      note: 'the catalog commits of started and finished included',
    });
  } finally {
    for (const child of children) if (child.connected) child.disconnect();
    await Promise.all(
      children.map((c) =>
        c.exitCode === null && c.signalCode === null
          ? new Promise((r) => {
              const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
              c.once('exit', () => r(clearTimeout(timer)));
            })
          : null,
      ),
    );
    await master.cleanup();
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const agents = Number(process.argv[2] ?? defaultFleetOptions.agents);
  const quick = process.argv.includes('--quick');
  const { summarize } = await import('./stats');
  const options = quick
    ? { ...defaultFleetOptions, agents, windowMs: 3_000, windows: 1, dispatchSamples: 5 }
    : { ...defaultFleetOptions, agents };
  for (const row of await benchFleet(options)) {
    const s = summarize(row.samples);
    console.log(
      `${row.name.padEnd(60)} ${row.unit.padEnd(7)} median ${s.median.toFixed(2)} p99 ${s.p99.toFixed(2)} min ${s.min.toFixed(2)} max ${s.max.toFixed(2)}  ${row.note}`,
    );
  }
}
