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
  /** Agents connected at each stage, cumulative, one new process per stage; the last is the fleet. */
  stages: number[];
  /** How long a stage may take to connect its agents before it is measured anyway. */
  connectBudgetMs: number;
  /** The quiet windows over which CPU, RSS and lag are measured at each stage (one sample each). */
  windowMs: number;
  windows: number;
  dispatchSamples: number;
  /** Time the dispatch samples may take in all. */
  dispatchBudgetMs: number;
}

export const defaultFleetOptions: FleetOptions = {
  stages: [100, 250, 500, 1000],
  connectBudgetMs: 45_000,
  windowMs: 6_000,
  windows: 2,
  dispatchSamples: 100,
  dispatchBudgetMs: 45_000,
};

/** Splits `total` items into `parts` contiguous ranges as even as can be: [start, end). */
export function splitEvenly(total: number, parts: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let p = 0; p < parts; p += 1)
    ranges.push([Math.floor((p * total) / parts), Math.floor(((p + 1) * total) / parts)]);
  return ranges.filter(([a, b]) => b > a);
}

/** Cumulative stage sizes as the ranges of agents each stage adds: [start, end). */
export function stageRanges(stages: readonly number[]): [number, number][] {
  const ranges: [number, number][] = [];
  let previous = 0;
  for (const size of stages) {
    if (!Number.isInteger(size) || size <= previous)
      throw new Error(`fleet stages must be increasing whole numbers: ${stages.join(', ')}`);
    ranges.push([previous, size]);
    previous = size;
  }
  return ranges;
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
  // Default timings, except the time a new connection has to say hello: a busy master reads the
  // hellos of a stage late, and connecting is not what is measured.
  const master = await startTestMaster({
    timings: { helloTimeoutMs: 120_000 },
    ...(process.env.BENCH_MASTER_LOG ? { log: createLogger('master', 'info') } : {}),
  });
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  const children: ChildProcess[] = [];
  const rows: BenchRow[] = [];
  const ask = () =>
    Promise.all(
      children.map((c) => {
        const reply = waitFor(c, 'stats', 30_000);
        c.send({ type: 'stats' });
        return reply;
      }),
    ).then((all) =>
      all.reduce(
        (sum, s) => ({
          heartbeats: sum.heartbeats + s.heartbeats,
          welcomed: sum.welcomed + s.welcomed,
          closes: sum.closes + s.closes,
          codes: Object.entries(s.closeCodes).reduce(
            (codes, [code, n]) => ({ ...codes, [code]: (codes[code] ?? 0) + n }),
            sum.codes,
          ),
        }),
        { heartbeats: 0, welcomed: 0, closes: 0, codes: {} as Record<string, number> },
      ),
    );
  try {
    const total = options.stages[options.stages.length - 1]!;
    const tokens: string[] = [];
    for (let i = 0; i < total; i += 1)
      tokens.push((await client.call('worker.enrolmentToken.create', { createdBy: 'bench' })).token);
    const rssIdle = process.memoryUsage().rss;
    const t0 = performance.now();
    for (const [start, end] of stageRanges(options.stages)) {
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
    console.log(
      `fleet: ${total} agents enrolled (each its own key and certificate) in ${enrolSeconds.toFixed(1)} s`,
    );

    let last = {
      cpu: [] as number[],
      rss: [] as number[],
      lagP99: [] as number[],
      lagMax: [] as number[],
      size: 0,
      welcomed: 0,
      note: '',
    };
    for (const [index, child] of children.entries()) {
      const size = options.stages[index]!;
      const t1 = performance.now();
      const connected = waitFor(child, 'connected', 600_000);
      child.send({ type: 'connect' });
      const inTime = await Promise.race([
        connected.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), options.connectBudgetMs)),
      ]);
      connected.catch(() => undefined);
      const connectSeconds = (performance.now() - t1) / 1000;
      // Let the heartbeats spread over their interval before measuring.
      await new Promise((r) => setTimeout(r, defaultTimings.heartbeatIntervalMs + 1_000));
      const cpu: number[] = [];
      const rss: number[] = [];
      const lagP99: number[] = [];
      const lagMax: number[] = [];
      const sent: number[] = [];
      let welcomed = 0;
      let closes = 0;
      let codes = '';
      for (let w = 0; w < options.windows; w += 1) {
        const before = await ask();
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
        const after = await ask();
        sent.push((after.heartbeats - before.heartbeats) / (wallMs / 1000));
        welcomed = after.welcomed;
        closes = after.closes;
        codes = Object.entries(after.codes)
          .map(([code, n]) => `${n} x ${code}`)
          .join(', ');
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const perBeat = ((mean(cpu) * 10) / mean(sent)).toFixed(1);
      const connectNote = inTime
        ? `connected in ${connectSeconds.toFixed(0)} s`
        : `only ${welcomed} of ${size} welcomed after the ${options.connectBudgetMs / 1000} s connect budget`;
      const note = `${connectNote}; ${mean(sent).toFixed(0)} heartbeats/s sent; ${perBeat} ms master CPU per heartbeat; RSS ${mean(rss).toFixed(0)} MiB; lag p99 ${mean(lagP99).toFixed(1)} ms, max ${Math.max(...lagMax).toFixed(0)} ms; ${closes} dropped${codes ? ` (close codes: ${codes})` : ''}`;
      console.log(`fleet: ${size} agents: master CPU ${mean(cpu).toFixed(0)}% of a core; ${note}`);
      rows.push({
        name: `fleet: master CPU, ${size} agents heartbeating every ${defaultTimings.heartbeatIntervalMs / 1000} s`,
        unit: '% core',
        samples: cpu,
        note,
      });
      last = { cpu, rss, lagP99, lagMax, size, welcomed, note };
    }
    const size = last.size;
    rows.push({
      name: `fleet: master process RSS, ${size} agents`,
      unit: 'MiB',
      samples: last.rss,
      note: `the bench process before the master ${(rssBefore / 2 ** 20).toFixed(0)} MiB; master idle ${(rssIdle / 2 ** 20).toFixed(0)} MiB; ${last.welcomed} agents welcomed`,
    });
    rows.push({
      name: `fleet: master event-loop lag p99, ${size} agents`,
      unit: 'ms',
      samples: last.lagP99,
      note: `monitorEventLoopDelay beyond its 10 ms timer; max per window ${last.lagMax.map((l) => l.toFixed(0)).join('/')} ms`,
    });
    const count = size;

    await client.call('project.deploy', { folderName: 'Bench', bundle: noopBundle });
    const tracker = await createTracker(client);
    const toStart: number[] = [];
    const toEnd: number[] = [];
    // Bounded: a saturated master may take seconds per execution; the bench must still end.
    const deadline = performance.now() + options.dispatchBudgetMs;
    const within = <T>(p: Promise<T>) =>
      Promise.race([
        p,
        new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - performance.now()))),
      ]);
    let cutShort = '';
    for (let i = 0; i < options.dispatchSamples && !cutShort; i += 1) {
      const t = performance.now();
      const created = await within(
        client.call('execution.create', { folderName: 'Bench', projectName: 'Bench', packageName: 'Noop' }),
      );
      const started = created && (await within(tracker.until(created.executionId, 'started')));
      const ended =
        created && started !== null && (await within(tracker.until(created.executionId, 'ended')));
      if (!created || started === null || ended === null || ended === false) {
        cutShort = `; stopped after ${i} of ${options.dispatchSamples}: the ${options.dispatchBudgetMs / 1000} s budget ran out`;
        break;
      }
      toStart.push(started - t);
      toEnd.push(ended - t);
    }
    tracker.stop();
    rows.push({
      name: `fleet: submit to start (assigned), ${count} agents connected`,
      unit: 'ms',
      samples: toStart,
      note: `one at a time; a simulated agent takes it and reports at once${cutShort}`,
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
  // npx tsx bench/fleet.ts [100,250,500,1000] [--quick]
  const stages = /^[\d,]+$/.test(process.argv[2] ?? '')
    ? process.argv[2]!.split(',').map(Number)
    : defaultFleetOptions.stages;
  const quick = process.argv.includes('--quick');
  const { summarize } = await import('./stats');
  const options = quick
    ? { ...defaultFleetOptions, stages, windowMs: 3_000, windows: 1, dispatchSamples: 5 }
    : { ...defaultFleetOptions, stages };
  for (const row of await benchFleet(options)) {
    const s = summarize(row.samples);
    console.log(
      `${row.name.padEnd(60)} ${row.unit.padEnd(7)} median ${s.median.toFixed(2)} p99 ${s.p99.toFixed(2)} min ${s.min.toFixed(2)} max ${s.max.toFixed(2)}  ${row.note}`,
    );
  }
  process.exit(0); // the console client's keep-alive sockets would hold the process open
}
