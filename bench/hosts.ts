// Execution host pool, measured directly (no master, no WebSocket): start latency and attempts per
// second of a no-op package in process mode without a spare, with a warm spare, and pooled.
// Part of `npm run bench`; alone: `node build/build.mjs --node-only && npx tsx bench/hosts.ts`.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TaskAssignment } from '../master-core/protocol/wire';
import { createHostPool } from '../worker-agent/hostPool';
import type { HostPool, HostPoolOptions } from '../worker-agent/hostPool';
import { summarize } from './stats';

export interface BenchRow {
  name: string;
  unit: string;
  samples: number[];
  note: string;
}

const LATENCY_RUNS = 40;

const noop = (): TaskAssignment =>
  TaskAssignment.parse({
    attemptId: randomUUID(),
    executionId: 1,
    attemptNumber: 1,
    folderName: 'Bench',
    projectName: 'Bench',
    packageName: 'Noop',
    package: {
      name: 'Noop',
      variables: [{ name: 'Done', dataType: 'Boolean', value: false }],
      tasks: [{ name: 'Nothing', type: 'expression', expression: '@[User::Done] = TRUE' }],
    },
    parameterValues: {},
    loggingLevel: 1,
    timeoutMs: null,
  });

/** Runs one attempt; resolves with ms to its first event (the engine is running) and to its end. */
function attempt(pool: HostPool, workDir: string): Promise<{ startMs: number; doneMs: number }> {
  const t0 = performance.now();
  let startMs = Number.NaN;
  return new Promise((resolve, reject) => {
    pool.start({
      task: noop(),
      machineName: 'bench',
      workDir,
      handlers: {
        onStarted: () => undefined,
        onEvent: () => {
          if (Number.isNaN(startMs)) startMs = performance.now() - t0;
        },
        onDone: (result) => {
          if (result.outcome !== 'succeeded') reject(new Error(`bench attempt failed: ${result.error}`));
          else resolve({ startMs, doneMs: performance.now() - t0 });
        },
      },
    });
  });
}

async function measure(
  label: string,
  options: Omit<HostPoolOptions, 'hostEntry'>,
  hostEntry: string,
  attempts: number,
) {
  const workDir = mkdtempSync(join(tmpdir(), 'scaleout-bench-hosts-'));
  const pool = createHostPool({ hostEntry, ...options });
  const rows: BenchRow[] = [];
  try {
    // Latency: one attempt at a time, the pool given time to get its spare ready in between, as
    // when work arrives now and then.
    const start: number[] = [];
    const done: number[] = [];
    await attempt(pool, workDir); // warm-up
    for (let i = 0; i < LATENCY_RUNS; i += 1) {
      await pool.warm();
      await new Promise((r) => setTimeout(r, 20));
      const t = await attempt(pool, workDir);
      start.push(t.startMs);
      done.push(t.doneMs);
    }
    rows.push({
      name: `host start latency, ${label}`,
      unit: 'ms',
      samples: start,
      note: 'start() to first event',
    });
    rows.push({
      name: `host attempt latency, ${label}`,
      unit: 'ms',
      samples: done,
      note: 'start() to onDone',
    });

    // Throughput: as many attempts in flight as there are cores, back to back.
    const parallel = cpus().length;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < attempts) {
          next += 1;
          await attempt(pool, workDir);
        }
      }),
    );
    const perSecond = attempts / ((performance.now() - t0) / 1000);
    rows.push({
      name: `host throughput, ${label}`,
      unit: 'att/s',
      samples: [perSecond],
      note: `${attempts} no-op attempts, ${parallel} at a time`,
    });
  } finally {
    await pool.close();
    rmSync(workDir, { recursive: true, force: true });
  }
  return rows;
}

/** The host pool rows of `npm run bench`; needs dist/executionHost.mjs built. */
export async function hostPoolBench(hostEntry = join(process.cwd(), 'dist/executionHost.mjs')) {
  return [
    ...(await measure('process mode, no spare', { mode: 'process', warmSpares: 0 }, hostEntry, 150)),
    ...(await measure('process mode, 1 warm spare', { mode: 'process', warmSpares: 1 }, hostEntry, 150)),
    ...(await measure('pooled mode', { mode: 'pooled', warmSpares: 1 }, hostEntry, 5_000)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await hostPoolBench()) {
    const s = summarize(row.samples);
    const figures = `median ${s.median.toFixed(2)}  p99 ${s.p99.toFixed(2)}  min ${s.min.toFixed(2)}`;
    console.log(`${row.name.padEnd(48)} ${row.unit.padEnd(6)} n=${s.n}  ${figures}`);
  }
}
