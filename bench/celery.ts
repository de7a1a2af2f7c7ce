// The peer of `npm run bench`: the same 1,000 no-op tasks through Celery + Redis from Debian
// packages (`redis-server`, `python3-celery`), on this machine, in the same run. As root the bench
// installs them with apt-get (after apt-get update); otherwise it says why it skips.
// Alone: `npx tsx bench/celery.ts`.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './hosts';

const PYTHON = '/usr/bin/python3'; // Debian's: a pyenv shim on PATH would not see python3-celery
const PACKAGES = ['redis-server', 'python3-celery', 'python3-redis'];
const HERE = join(dirname(fileURLToPath(import.meta.url)), 'celery');

export interface CeleryReport {
  tasksPerSecond: number[];
  idleToStartMs: number[];
  idleToResultMs: number[];
}

/** The client's last output line: one JSON object; throws naming what is missing or wrong. */
export function parseCeleryReport(output: string): CeleryReport {
  const line = output
    .trim()
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .pop();
  if (!line) throw new Error(`the Celery client printed no JSON report: ${output.slice(-500)}`);
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`the Celery client's report is not JSON: ${line.slice(0, 200)}`);
  }
  const report = json as Record<string, unknown>;
  for (const key of ['tasksPerSecond', 'idleToStartMs', 'idleToResultMs'] as const) {
    const value = report[key];
    if (!Array.isArray(value) || value.length === 0 || !value.every((x) => Number.isFinite(x)))
      throw new Error(`the Celery client's report has no list of numbers in ${key}`);
  }
  return report as unknown as CeleryReport;
}

const installed = () => {
  try {
    execFileSync('dpkg-query', ['-W', '-f=${Status}\\n', ...PACKAGES], { stdio: 'pipe' })
      .toString()
      .split('\n')
      .filter(Boolean)
      .forEach((status) => {
        if (!status.includes('install ok installed')) throw new Error(status);
      });
    execFileSync(PYTHON, ['-c', 'import celery, redis'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
};

/** Installs the Debian packages when missing; returns why Celery cannot run, or null when it can. */
export function ensureCelery(log: (line: string) => void = console.log): string | null {
  if (installed()) return null;
  if (process.platform !== 'linux') return `not on Linux (${process.platform}): no Debian packages`;
  if (process.getuid?.() !== 0)
    return `Celery not measured: not root, so not installing ${PACKAGES.join(', ')} (run as root, or apt-get install them)`;
  log(`installing ${PACKAGES.join(', ')} with apt-get (once)...`);
  // RUNLEVEL=1: the package's init script does not start a system-wide redis; the bench starts its own.
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', RUNLEVEL: '1' };
  try {
    execFileSync('apt-get', ['update'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...PACKAGES], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
  } catch (error) {
    return `Celery not measured: apt-get install ${PACKAGES.join(' ')} failed: ${(error as Error).message}`;
  }
  return installed() ? null : `Celery not measured: ${PACKAGES.join(', ')} still not usable after apt-get`;
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child in its own process group, so stopping it also stops what it forked (Celery's pool). */
function startGroup(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = HERE): ChildProcess {
  return spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // pool children that outlived their parent
}

function collect(child: ChildProcess): () => string {
  let text = '';
  const add = (d: Buffer) => (text = (text + d.toString()).slice(-20_000));
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => text;
}

async function waitForRedis(port: number, redis: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (redis.exitCode !== null) throw new Error(`redis-server exited: ${output()}`);
    try {
      const pong = execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' }).toString();
      if (pong.includes('PONG')) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}: ${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Redis on a free loopback port, a Celery worker with 2 prefork processes, and the client timing
 * `tasks` no-op tasks `runs` times plus idle latency; everything is stopped afterwards, even on failure.
 */
export async function runCelery(tasks = 1000, runs = 3): Promise<CeleryReport> {
  const port = await freeLoopbackPort();
  const env = {
    ...process.env,
    BENCH_REDIS_PORT: String(port),
    PYTHONPATH: HERE,
    PYTHONDONTWRITEBYTECODE: '1',
  };
  const children: ChildProcess[] = [];
  const killAll = () =>
    children.forEach((c) => c.pid && c.exitCode === null && process.kill(-c.pid, 'SIGKILL'));
  process.once('exit', killAll);
  try {
    const redis = startGroup(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      env,
    );
    children.push(redis);
    await waitForRedis(port, redis, collect(redis));
    const worker = startGroup(
      PYTHON,
      ['-m', 'celery', '-A', 'tasks', 'worker', '--concurrency=2', '--pool=prefork', '--loglevel=WARNING'],
      env,
    );
    children.push(worker);
    const workerOutput = collect(worker);
    const client = startGroup(PYTHON, [join(HERE, 'client.py')], {
      ...env,
      BENCH_TASKS: String(tasks),
      BENCH_RUNS: String(runs),
    });
    children.push(client);
    const clientOutput = collect(client);
    const code = await new Promise<number | null>((resolve) => client.once('exit', resolve));
    if (code !== 0)
      throw new Error(
        `the Celery client exited ${code}: ${clientOutput().slice(-2_000)}\nworker: ${workerOutput().slice(-2_000)}`,
      );
    return parseCeleryReport(clientOutput());
  } finally {
    for (const child of children.reverse()) await stopGroup(child);
    process.off('exit', killAll);
  }
}

/** The Celery rows of `npm run bench`, or one row saying why they were not measured. */
export async function benchCelery(
  tasks = 1000,
  runs = 3,
): Promise<{ rows: BenchRow[]; report: CeleryReport | null }> {
  const name = `Celery + Redis, ${tasks} no-op tasks, 2 prefork processes`;
  const skip = ensureCelery();
  if (skip) {
    console.log(skip);
    return { rows: [{ name, unit: 'tasks/s', samples: [], note: skip }], report: null };
  }
  const report = await runCelery(tasks, runs);
  const version = execFileSync(PYTHON, ['-c', 'import celery; print(celery.__version__)']).toString().trim();
  return {
    report,
    rows: [
      {
        name,
        unit: 'tasks/s',
        samples: report.tasksPerSecond,
        note: `Celery ${version}, defaults; first submit to last result collected`,
      },
      {
        name: 'Celery idle submit to task start',
        unit: 'ms',
        samples: report.idleToStartMs,
        note: 'one task at a time',
      },
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rows } = await benchCelery();
  for (const row of rows)
    console.log(row.name, row.unit, row.samples.map((x) => x.toFixed(2)).join(' '), row.note);
  process.exit(0); // the console client's keep-alive sockets would hold the process open
}
