/**
 * The chaos soak: `npm run soak -- --minutes N --seed S`. A real master and real worker agents on
 * loopback, a steady seeded mix of packages, overlapping seeded faults, then a drain and every
 * invariant checked (soak/invariants.ts) with counts, resources and latency figures printed and
 * written as JSON. Exit code 0 only when everything held. docs/reliability.md describes it.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync } from 'node:fs';
import { readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { createApiClient } from '../master-core/protocol/apiClient';
import type { ApiClient, EventSocket } from '../master-core/protocol/apiClient';
import type { ApiInput, ApiMethodName, ApiOutput } from '../master-core/protocol/api';
import { loadProjectDir } from '../master-core/deploy/loadProjectDir';
import { checkCatalogFile, openRaw } from '../master-core/catalog/integrity';
import type { RawConnection } from '../master-core/catalog/integrity';
import { startFaultProxy } from './proxy';
import type { FaultProxy } from './proxy';
import { TERMINAL, checkInvariants, mib, percentile, withinMargin, LEAK_MARGIN } from './invariants';
import type {
  AttemptMessages,
  AttemptObservation,
  AttemptRecord,
  FencedReport,
  FinalExecution,
  History,
  ResourceSample,
  StatusObservation,
  Submission,
} from './invariants';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cliPath = join(repoRoot, 'dist', 'cli.mjs');

// ---------------------------------------------------------------- arguments

const { values: argv } = parseArgs({
  options: {
    minutes: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: '3' },
    out: { type: 'string' },
    'base-dir': { type: 'string' },
    'drain-seconds': { type: 'string', default: '90' },
    'fault-every': { type: 'string', description: 'mean seconds between faults' },
    keep: { type: 'boolean', default: false },
  },
});
const minutes = Number(argv.minutes);
const seed = Number(argv.seed);
const workerCount = Number(argv.workers);
const drainMs = Number(argv['drain-seconds']) * 1000;
if (!(minutes > 0) || !Number.isInteger(seed) || !(workerCount >= 3)) {
  console.error(
    'usage: soak/run.ts --minutes N (> 0) --seed S (integer) [--workers N (>= 3)] [--out file.json]',
  );
  process.exit(2);
}
const phaseMs = minutes * 60_000;
/** Resource baselines are taken this long after a process starts (and the load began). */
const warmupMs = Math.min(60_000, Math.max(15_000, phaseMs * 0.2));
const faultEveryMs = argv['fault-every'] ? Number(argv['fault-every']) * 1000 : minutes <= 5 ? 5_000 : 10_000;
const TIMINGS = { heartbeatSeconds: 1, leaseSeconds: 4, offlineAfterSeconds: 4 };
const MAX_TASKS = 3;

// ---------------------------------------------------------------- seeded randomness

function mulberry32(a: number) {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Separate streams for load and faults: the same seed gives the same plan of each. */
const loadRandom = mulberry32(seed * 2 + 1);
const faultRandom = mulberry32(seed * 2 + 2);
const between = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
function weighted<T extends string>(r: () => number, weights: Partial<Record<T, number>>): T | null {
  const entries = Object.entries(weights) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  if (total <= 0) return null;
  let x = r() * total;
  for (const [k, w] of entries) if ((x -= w) < 0) return k;
  return entries.at(-1)![0];
}

// ---------------------------------------------------------------- logging

const t0 = Date.now();
const since = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
const say = (line: string) => console.log(`[soak ${since()}s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- processes

const baseDir = argv['base-dir'] ?? mkdtempSync(join(tmpdir(), 'scaleout-soak-'));
mkdirSync(baseDir, { recursive: true });
const logDir = join(baseDir, 'logs');
mkdirSync(logDir, { recursive: true });
const spawned = new Set<ChildProcess>();
/** Every execution host pid seen, to make sure none outlives the soak. */
const hostPids = new Set<number>();
const fenced: FencedReport[] = [];

interface Proc {
  child: ChildProcess;
  pid: number;
  startedAtMs: number;
  exited: Promise<void>;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
}

function startProcess(name: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  log.write(`---- ${new Date().toISOString()} started ${args.join(' ')}\n`);
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  /** The first lines (the banner): a wait for one already printed resolves at once. */
  const early: string[] = [];
  const onLine = (line: string) => {
    log.write(`${line}\n`);
    if (early.length < 100) early.push(line);
    const master = line.match(/late report for attempt (\S+) rejected \(fenced/);
    if (master) fenced.push({ attemptId: master[1]!, source: 'master' });
    const agent = line.match(/attempt (\S+) rejected by the master: the attempt was fenced/);
    if (agent) fenced.push({ attemptId: agent[1]!, source: 'agent' });
    for (const w of [...waiters]) {
      const m = line.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      spawned.delete(child);
      log.write(`---- exited ${code ?? signal}\n`);
      r();
    }),
  );
  return {
    child,
    pid: child.pid!,
    startedAtMs: Date.now(),
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise((res, rej) => {
        const seen = early.map((l) => l.match(pattern)).find((m) => m);
        if (seen) return res(seen);
        const timer = setTimeout(() => rej(new Error(`${name}: no line matching ${pattern}`)), timeoutMs);
        const w = {
          pattern,
          resolve: (m: RegExpMatchArray) => {
            clearTimeout(timer);
            res(m);
          },
        };
        waiters.push(w);
        void exited.then(() => {
          if (!waiters.includes(w)) return;
          clearTimeout(timer);
          rej(new Error(`${name} exited before printing ${pattern} (see ${logDir}/${name}.log)`));
        });
      }),
  };
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
};
const alive = (p: Proc | null) => p !== null && p.child.exitCode === null && p.child.signalCode === null;

/** Child pids of a process, from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function resources(pid: number): ResourceSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
    return { rssBytes: kb * 1024, fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

// ---------------------------------------------------------------- the cluster

const dataDir = join(baseDir, 'master');
const consoleToken = randomBytes(16).toString('hex');
let consolePort = 0;
let agentPort = 0;
let catalogFile = '';
let master: Proc | null = null;
let masterRestarting = false;

async function startMasterProcess(): Promise<void> {
  // `scaleout master` itself, on loopback, with timings that make leases run out within seconds.
  master = startProcess('master', [
    cliPath,
    'master',
    '--agent-host',
    '127.0.0.1',
    '--auto-enable-workers',
    '--data-dir',
    dataDir,
    '--console-port',
    String(consolePort),
    '--agent-port',
    String(agentPort),
    '--console-token',
    consoleToken,
    '--heartbeat-seconds',
    String(TIMINGS.heartbeatSeconds),
    '--lease-seconds',
    String(TIMINGS.leaseSeconds),
    '--offline-after-seconds',
    String(TIMINGS.offlineAfterSeconds),
  ]);
  const [, file] = await master.waitFor(/catalog: (\S+)\)/, 60_000);
  await master.waitFor(/Agents:\s+wss?:\/\//, 60_000);
  catalogFile = file!;
}

interface WorkerSlot {
  name: string;
  tags: string[];
  workDir: string;
  proxy: FaultProxy | null;
  /** Never SIGKILLed: its resource use is compared from warm-up to the end. */
  steady: boolean;
  /** Its work directory is a small tmpfs that the disk-full fault fills. */
  disk: boolean;
  proc: Proc | null;
  workerId: string;
  stopped: boolean;
  restarting: boolean;
}
const workers: WorkerSlot[] = [];
let agentToken = '';

async function startWorkerProcess(w: WorkerSlot, wait: boolean): Promise<void> {
  const port = w.proxy ? w.proxy.port : agentPort;
  w.proc = startProcess(
    w.name,
    [
      cliPath,
      'worker',
      '--master',
      `wss://127.0.0.1:${port}`,
      '--name',
      w.name,
      '--work-dir',
      w.workDir,
      '--ca-file',
      join(dataDir, 'tls', 'ca.crt'),
      '--max-tasks',
      String(MAX_TASKS),
      '--tags',
      w.tags.join(','),
    ],
    { SCALEOUT_AGENT_TOKEN: agentToken },
  );
  w.stopped = false;
  if (wait) await w.proc.waitFor(/connected to wss?:\/\//, 60_000);
  if (!w.workerId) {
    await w.proc.waitFor(/connected to wss?:\/\//, 60_000);
    w.workerId = readFileSync(join(w.workDir, 'worker-id'), 'utf8').trim();
  }
}

/** Small tmpfs for one worker's work directory (root only); the reason when it cannot be had. */
function mountTmpfs(dir: string): string | null {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) return 'not root';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `mount failed: ${(r.stderr || r.error?.message || '').trim()}`;
}
const mounted: string[] = [];

// ---------------------------------------------------------------- the console API

let client: ApiClient;
function connectClient(): void {
  client = createApiClient({
    baseUrl: `http://127.0.0.1:${consolePort}`,
    token: consoleToken,
    createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as EventSocket,
  });
}
/** A call that waits out a master restart (up to `patienceMs`). */
async function call<M extends ApiMethodName>(
  method: M,
  input: ApiInput<M>,
  patienceMs = 60_000,
): Promise<ApiOutput<M>> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      return await client.call(method, input);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

// ---------------------------------------------------------------- history

const submissions: Submission[] = [];
const observations: StatusObservation[] = [];
const attemptObservations: AttemptObservation[] = [];
const statusOf = new Map<number, number>();
let refusedSubmissions = 0;
let stopsRequested = 0;
const faults: { atMs: number; kind: string; target: string; detail: string }[] = [];
const recordFault = (kind: string, target: string, detail: string) => {
  faults.push({ atMs: Date.now() - t0, kind, target, detail });
  say(`FAULT ${kind} ${target}: ${detail}`);
};

let reader: RawConnection | null = null;
async function db(): Promise<RawConnection> {
  if (!reader) reader = await openRaw(catalogFile, 'readonly');
  return reader;
}
async function dropReader(): Promise<void> {
  const r = reader;
  reader = null;
  await r?.close().catch(() => undefined);
}

/** Attempts live at the last sample: re-read at the next one to see how each ended. */
let liveBefore = new Set<string>();
let firstOpenExecution = 1;
async function sample(): Promise<void> {
  const atMs = Date.now();
  let conn: RawConnection;
  try {
    conn = await db();
    const ids = [...liveBefore];
    const rows = await conn.all<{
      attempt_id: string;
      execution_id: number;
      attempt_number: number;
      worker_agent_id: string;
      status: number;
      error: string | null;
    }>(
      `SELECT attempt_id, execution_id, attempt_number, worker_agent_id, status, error FROM attempts
        WHERE status IN (2, 3) ${ids.length ? `OR attempt_id IN (${ids.map(() => '?').join(',')})` : ''}`,
      ids,
    );
    liveBefore = new Set();
    for (const r of rows) {
      if (r.status === 2 || r.status === 3) liveBefore.add(r.attempt_id);
      attemptObservations.push({
        attemptId: r.attempt_id,
        executionId: r.execution_id,
        attemptNumber: r.attempt_number,
        workerId: r.worker_agent_id,
        status: r.status,
        error: r.error,
        atMs,
      });
    }
    const executions = await conn.all<{ execution_id: number; status: number }>(
      'SELECT execution_id, status FROM executions WHERE execution_id >= ?',
      [firstOpenExecution],
    );
    let open: number | null = null;
    for (const e of executions) {
      if (statusOf.get(e.execution_id) !== e.status)
        observations.push({ executionId: e.execution_id, status: e.status, atMs, source: 'poll' });
      statusOf.set(e.execution_id, e.status);
      if (!TERMINAL.has(e.status) && open === null) open = e.execution_id;
    }
    firstOpenExecution = open ?? (executions.at(-1)?.execution_id ?? firstOpenExecution - 1) + 1;
  } catch (error) {
    await dropReader();
    say(`sample skipped: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------- load

type Kind = 'short' | 'long' | 'failing' | 'flaky' | 'chatty' | 'dataflow';
const inFlight = () => submissions.filter((s) => !TERMINAL.has(statusOf.get(s.executionId) ?? 1)).length;

async function submitOne(): Promise<void> {
  const kind = weighted<Kind>(loadRandom, {
    short: 30,
    long: 12,
    failing: 10,
    flaky: 10,
    chatty: 18,
    dataflow: 15,
  })!;
  const retries = between(loadRandom, 0, 2);
  const t = loadRandom();
  const names = workers.map((w) => w.name);
  const targeting: ApiInput<'execution.create'>['targeting'] =
    t < 0.15
      ? { kind: 'workers', names: [pick(loadRandom, names)] }
      : t < 0.3
        ? { kind: 'tags', tags: [pick(loadRandom, ['blue', 'green'])] }
        : { kind: 'any' };
  let input: ApiInput<'execution.create'>;
  let expect: Submission['expect'];
  let retryCount = retries;
  const base = { folderName: 'Soak', targeting, loggingLevel: 1 } as const;
  switch (kind) {
    case 'short':
      input = { ...base, projectName: 'HelloScaleOut', packageName: 'Hello', parameters: { Count: 3 } };
      break;
    case 'long':
      input = {
        ...base,
        projectName: 'HelloScaleOut',
        packageName: 'Countdown',
        parameters: { Seconds: between(loadRandom, 4, 12) },
      };
      break;
    case 'failing':
      input = {
        ...base,
        projectName: 'HelloScaleOut',
        packageName: 'Hello',
        parameters: { ShouldFail: true },
      };
      expect = { neverSucceeds: true };
      break;
    case 'flaky':
      retryCount = Math.max(1, retries);
      input = {
        ...base,
        projectName: 'HelloScaleOut',
        packageName: 'Flaky',
        parameters: { FailAttempts: 1 },
      };
      expect = { succeedsFromAttempt: 2 };
      break;
    case 'chatty': {
      const count = between(loadRandom, 300, 1500);
      input = { ...base, projectName: 'Soak', packageName: 'Chatty', parameters: { Count: count } };
      expect = { lines: { prefix: 'chatty ', count } };
      break;
    }
    case 'dataflow':
      input = {
        ...base,
        projectName: 'Etl',
        packageName: 'SalesDataFlow',
        parameters: { Rows: between(loadRandom, 500, 3000) },
      };
      break;
  }
  const submittedAtMs = Date.now();
  try {
    const { executionId } = await client.call('execution.create', { ...input, retryCount });
    submissions.push({
      executionId,
      kind,
      submittedAtMs,
      retryCount,
      ...(expect ? { expect } : {}),
    });
  } catch {
    refusedSubmissions += 1; // the master is down: not accepted, nothing to check
  }
}

async function stopOne(): Promise<void> {
  const open = submissions.filter((s) => !TERMINAL.has(statusOf.get(s.executionId) ?? 1));
  if (open.length === 0) return;
  const target = pick(loadRandom, open);
  try {
    await client.call('execution.stop', { executionId: target.executionId });
    stopsRequested += 1;
  } catch {
    // ended meanwhile, or the master is down
  }
}

// ---------------------------------------------------------------- faults

type FaultKind =
  'kill-agent' | 'kill-host' | 'kill-master' | 'stop-agent' | 'proxy-drop' | 'proxy-blackhole' | 'disk-full';
let diskFault: string = 'tmpfs (64 MiB) filled with a filler file';
const pending = new Set<Promise<unknown>>();
const track = (p: Promise<unknown>) => {
  pending.add(p);
  void p.finally(() => pending.delete(p));
};

async function restartWorker(w: WorkerSlot, afterMs: number): Promise<void> {
  w.restarting = true;
  await sleep(afterMs);
  try {
    await startWorkerProcess(w, false);
  } finally {
    w.restarting = false;
  }
}

function fault(kind: FaultKind, loadEndsAtMs: number): void {
  const usable = workers.filter((w) => alive(w.proc) && !w.restarting && !w.stopped);
  switch (kind) {
    case 'kill-agent': {
      const w = pick(
        faultRandom,
        usable.filter((x) => !x.steady),
      );
      if (!w) return;
      const pid = w.proc!.pid;
      for (const c of childrenOf(pid)) hostPids.add(c);
      signal(pid, 'SIGKILL');
      const back = between(faultRandom, 500, 4000);
      recordFault(kind, w.name, `SIGKILL pid ${pid}; restart in ${back} ms on the same work dir`);
      return track(restartWorker(w, back));
    }
    case 'kill-host': {
      const w = pick(faultRandom, usable);
      if (!w) return;
      return track(
        (async () => {
          const children = childrenOf(w.proc!.pid);
          children.forEach((c) => hostPids.add(c));
          let running: number[] = [];
          try {
            const rows = await (
              await db()
            ).all<{ message: string }>(
              `SELECT m.message FROM event_messages m JOIN attempts a ON a.execution_id = m.execution_id
                WHERE a.status IN (2, 3) AND a.worker_agent_id = ? AND m.attempt_id IS NULL
                  AND m.message LIKE 'Execution host started (pid %'`,
              [w.workerId],
            );
            running = rows.map((r) => Number(r.message.match(/pid (\d+)/)?.[1]));
          } catch {
            await dropReader();
          }
          const targets = children.filter((c) => running.includes(c));
          if (targets.length === 0) return;
          const pid = pick(faultRandom, targets);
          signal(pid, 'SIGKILL');
          recordFault(kind, w.name, `SIGKILL execution host pid ${pid} (${targets.length} running)`);
        })(),
      );
    }
    case 'kill-master': {
      if (!alive(master) || masterRestarting) return;
      // The last stretch keeps one master, so its resources after warm-up can be compared.
      if (Date.now() > t0Load + phaseMs * 0.55 || Date.now() > loadEndsAtMs - warmupMs) return;
      masterRestarting = true;
      const pid = master!.pid;
      signal(pid, 'SIGKILL');
      const back = between(faultRandom, 500, 3000);
      recordFault(kind, 'master', `SIGKILL pid ${pid}; restart in ${back} ms on the same data dir`);
      return track(
        (async () => {
          await master!.exited;
          await dropReader();
          await sleep(back);
          try {
            await startMasterProcess();
          } finally {
            masterRestarting = false;
          }
        })(),
      );
    }
    case 'stop-agent': {
      const w = pick(faultRandom, usable);
      if (!w) return;
      const pid = w.proc!.pid;
      const ms = TIMINGS.leaseSeconds * 1000 + between(faultRandom, 1000, 4000);
      w.stopped = true;
      signal(pid, 'SIGSTOP');
      recordFault(kind, w.name, `SIGSTOP pid ${pid} for ${ms} ms (lease ${TIMINGS.leaseSeconds} s)`);
      return track(
        sleep(ms).then(() => {
          signal(pid, 'SIGCONT');
          w.stopped = false;
        }),
      );
    }
    case 'proxy-drop': {
      const w = pick(
        faultRandom,
        workers.filter((x) => x.proxy),
      );
      if (!w) return;
      const n = w.proxy!.drop();
      recordFault(kind, w.name, `reset ${n / 2} proxied connections`);
      return;
    }
    case 'proxy-blackhole': {
      const w = pick(
        faultRandom,
        workers.filter((x) => x.proxy && !x.proxy.isBlackholed()),
      );
      if (!w) return;
      const ms = between(faultRandom, 2000, 10_000);
      w.proxy!.blackhole();
      recordFault(kind, w.name, `black-hole for ${ms} ms`);
      return track(sleep(ms).then(() => w.proxy!.heal()));
    }
    case 'disk-full': {
      const w = workers.find((x) => x.disk);
      if (!w || !mounted.includes(w.workDir)) return;
      const filler = join(w.workDir, 'filler');
      if (existsSync(filler)) return;
      const ms = between(faultRandom, 3000, 12_000);
      let written = 0;
      const fd = openSync(filler, 'w');
      const chunk = Buffer.alloc(1 << 20);
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch {
        // ENOSPC: full
        try {
          for (const small = Buffer.alloc(4096); ;) written += writeSync(fd, small);
        } catch {
          // full to the last page
        }
      } finally {
        closeSync(fd);
      }
      recordFault(kind, w.name, `work dir tmpfs full (${mib(written)} filler) for ${ms} ms`);
      return track(sleep(ms).then(() => rmSync(filler, { force: true })));
    }
  }
}

// ---------------------------------------------------------------- resources

interface Baseline {
  role: string;
  pid: number;
  atMs: number;
  sample: ResourceSample;
}
const baselines = new Map<string, Baseline>();
const resourceSeries: { atMs: number; role: string; pid: number; rssBytes: number; fds: number }[] = [];
function roles(): { role: string; proc: Proc | null }[] {
  return [{ role: 'master', proc: master }, ...workers.map((w) => ({ role: w.name, proc: w.proc }))];
}
function sampleResources(takeBaselines: boolean): void {
  for (const { role, proc } of roles()) {
    if (!alive(proc)) continue;
    const s = resources(proc!.pid);
    if (!s) continue;
    resourceSeries.push({ atMs: Date.now() - t0, role, pid: proc!.pid, ...s });
    const b = baselines.get(role);
    if (takeBaselines && (!b || b.pid !== proc!.pid) && Date.now() - proc!.startedAtMs >= warmupMs)
      baselines.set(role, { role, pid: proc!.pid, atMs: Date.now() - t0, sample: s });
  }
}

// ---------------------------------------------------------------- final reads

async function readFinal(): Promise<{
  finals: FinalExecution[];
  attempts: AttemptRecord[];
  messages: AttemptMessages[];
  executions: { id: number; created: number; started: number | null; ended: number | null; status: number }[];
}> {
  const conn = await openRaw(catalogFile, 'readonly');
  try {
    const rows = await conn.all<{
      execution_id: number;
      status: number;
      executed_count: number;
      created_time: string;
      start_time: string | null;
      end_time: string | null;
    }>('SELECT execution_id, status, executed_count, created_time, start_time, end_time FROM executions');
    const atMs = Date.now();
    for (const r of rows)
      observations.push({ executionId: r.execution_id, status: r.status, atMs, source: 'final' });
    const attemptRows = await conn.all<{
      attempt_id: string;
      execution_id: number;
      attempt_number: number;
      worker_agent_id: string;
      status: number;
      start_time: string;
      end_time: string | null;
      error: string | null;
    }>('SELECT * FROM attempts ORDER BY execution_id, attempt_number');
    // Outcomes as the console reports them (lost vs failed), asked of the master for each execution.
    const outcomes = new Map<string, string>();
    const ids = rows.map((r) => r.execution_id);
    for (let i = 0; i < ids.length; i += 16) {
      await Promise.all(
        ids.slice(i, i + 16).map(async (executionId) => {
          const { attempts } = await call('execution.attempts', { executionId });
          for (const a of attempts) outcomes.set(`${executionId}/${a.attemptNumber}`, a.outcome);
        }),
      );
    }
    const wantTexts = new Set(submissions.filter((s) => s.expect?.lines).map((s) => s.executionId));
    const messages = new Map<string, AttemptMessages>();
    await new Promise<void>((res, rej) =>
      conn.raw.each<{ attempt_id: string; execution_id: number; seq: number; message: string }>(
        'SELECT attempt_id, execution_id, seq, message FROM event_messages WHERE attempt_id IS NOT NULL ORDER BY attempt_id, seq',
        (error, row) => {
          if (error) return rej(error);
          let m = messages.get(row.attempt_id);
          if (!m) {
            m = { attemptId: row.attempt_id, executionId: row.execution_id, seqs: [], dropMarkers: [] };
            if (wantTexts.has(row.execution_id)) m.texts = [];
            messages.set(row.attempt_id, m);
          }
          m.seqs.push(row.seq);
          if (/^\d+ package messages were dropped: the worker's event spool was full/.test(row.message))
            m.dropMarkers.push(row.seq);
          m.texts?.push(row.message);
        },
        (error) => (error ? rej(error) : res()),
      ),
    );
    return {
      finals: rows.map((r) => ({
        executionId: r.execution_id,
        status: r.status,
        attempts: r.executed_count,
      })),
      attempts: attemptRows.map((a) => ({
        attemptId: a.attempt_id,
        executionId: a.execution_id,
        attemptNumber: a.attempt_number,
        workerId: a.worker_agent_id,
        status: a.status,
        outcome: outcomes.get(`${a.execution_id}/${a.attempt_number}`) ?? 'unknown',
        startMs: Date.parse(a.start_time),
        endMs: a.end_time ? Date.parse(a.end_time) : null,
        error: a.error,
      })),
      messages: [...messages.values()],
      executions: rows.map((r) => ({
        id: r.execution_id,
        status: r.status,
        created: Date.parse(r.created_time),
        started: r.start_time ? Date.parse(r.start_time) : null,
        ended: r.end_time ? Date.parse(r.end_time) : null,
      })),
    };
  } finally {
    await conn.close();
  }
}

// ---------------------------------------------------------------- cleanup

let cleanedUp = false;
function cleanup(): void {
  if (cleanedUp) return;
  cleanedUp = true;
  for (const child of spawned) {
    if (child.pid) {
      for (const c of childrenOf(child.pid)) hostPids.add(c);
      signal(child.pid, 'SIGCONT');
      signal(child.pid, 'SIGKILL');
    }
  }
  for (const pid of hostPids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('executionHost')) signal(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const dir of mounted) spawnSync('umount', ['-l', dir]);
  mounted.length = 0;
  if (!argv.keep && !argv['base-dir']) rmSync(baseDir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(sig, () => {
    say(`${sig}: cleaning up`);
    cleanup();
    process.exit(130);
  });

// ---------------------------------------------------------------- the run

let t0Load = 0;

async function main(): Promise<number> {
  say(`seed ${seed}, ${minutes} min of load and faults, ${workerCount} workers, base dir ${baseDir}`);
  consolePort = await freePort();
  agentPort = await freePort();
  await startMasterProcess();
  agentToken = readFileSync(join(dataDir, 'agent.token'), 'utf8').trim();
  connectClient();
  for (const dir of ['samples/HelloScaleOut', 'samples/Etl', 'soak/project']) {
    const bundle = loadProjectDir(join(repoRoot, dir));
    await call('project.deploy', { folderName: 'Soak', bundle });
  }
  for (let i = 0; i < workerCount; i += 1) {
    const name = `w${i + 1}`;
    const disk = i === 2;
    const workDir = join(baseDir, `${name}${disk ? '-tmpfs' : ''}`);
    if (disk) {
      const why = mountTmpfs(workDir);
      if (why) diskFault = `unavailable (${why}): no disk-full fault in this run`;
      else mounted.push(workDir);
    } else mkdirSync(workDir, { recursive: true });
    const proxy = i === 0 ? null : await startFaultProxy(await freePort(), agentPort);
    workers.push({
      name,
      tags: i === 0 ? ['blue'] : i === 1 ? ['blue', 'green'] : ['green'],
      workDir,
      proxy,
      steady: i === 0,
      disk,
      proc: null,
      workerId: '',
      stopped: false,
      restarting: false,
    });
  }
  await Promise.all(workers.map((w) => startWorkerProcess(w, true)));
  say(`master and ${workers.length} workers up; disk fault: ${diskFault}`);

  const unsubscribe = client.subscribe((event) => {
    if (event.type === 'execution:changed')
      observations.push({
        executionId: event.execution.executionId,
        status: event.execution.status,
        atMs: Date.now(),
        source: 'event',
      });
  });

  t0Load = Date.now();
  const loadEndsAtMs = t0Load + phaseMs;
  let nextFaultAt = t0Load + warmupMs / 2;
  // At least one master kill per run, at a seeded moment in the first half (more may come at random).
  let masterKillAt = t0Load + warmupMs / 2 + faultRandom() * Math.max(1000, phaseMs * 0.45 - warmupMs / 2);
  let nextSample = 0;
  let nextResources = 0;
  let nextStatus = t0Load + 15_000;
  while (Date.now() < loadEndsAtMs) {
    const now = Date.now();
    if (now >= nextSample) {
      nextSample = now + 1000;
      if (!masterRestarting) await sample();
    }
    if (now >= nextResources) {
      nextResources = now + 5000;
      sampleResources(now < loadEndsAtMs - 5_000);
    }
    if (now >= masterKillAt) {
      masterKillAt = Infinity;
      fault('kill-master', loadEndsAtMs);
    }
    if (now >= nextFaultAt) {
      nextFaultAt = now + Math.max(500, -Math.log(1 - faultRandom()) * faultEveryMs);
      const kind = weighted<FaultKind>(faultRandom, {
        'kill-agent': 2,
        'kill-host': 3,
        'kill-master': 1,
        'stop-agent': 2,
        'proxy-drop': 2,
        'proxy-blackhole': 2,
        'disk-full': 2,
      })!;
      fault(kind, loadEndsAtMs);
    }
    if (now >= nextStatus) {
      nextStatus = now + 15_000;
      say(
        `${submissions.length} accepted (${inFlight()} open), ${refusedSubmissions} refused, ${faults.length} faults`,
      );
    }
    if (!masterRestarting && inFlight() < workers.length * MAX_TASKS * 1.5) {
      if (loadRandom() < 0.03) await stopOne();
      else await submitOne();
    }
    await sleep(between(loadRandom, 150, 600));
  }

  // ------------------------------------------------------------ drain
  say('load and faults over: healing, then draining');
  await Promise.allSettled([...pending]);
  for (const w of workers) {
    if (w.proc) signal(w.proc.pid, 'SIGCONT');
    w.stopped = false;
    w.proxy?.heal();
    if (w.disk) rmSync(join(w.workDir, 'filler'), { force: true });
  }
  if (!alive(master)) await startMasterProcess();
  for (const w of workers) if (!alive(w.proc)) await startWorkerProcess(w, true);
  const drainStart = Date.now();
  let drained = false;
  while (Date.now() - drainStart < drainMs) {
    await sample();
    if (
      [...statusOf.values()].every((s) => TERMINAL.has(s)) &&
      submissions.every((s) => statusOf.has(s.executionId))
    ) {
      drained = true;
      break;
    }
    await sleep(1000);
  }
  say(drained ? `drained in ${Date.now() - drainStart} ms` : `NOT drained after ${drainMs} ms`);
  await sleep(3000); // idle: let reports, acknowledgements and host spares settle
  sampleResources(false);
  const leaks: {
    role: string;
    baseline: ResourceSample | null;
    after: ResourceSample | null;
    verdict: string;
  }[] = [];
  for (const { role, proc } of roles()) {
    const b = baselines.get(role);
    const after = alive(proc) ? resources(proc!.pid) : null;
    let verdict: string;
    if (!b || !after) verdict = 'not compared: no post-warm-up baseline';
    else if (b.pid !== proc!.pid) verdict = 'not compared: restarted after its baseline';
    else verdict = withinMargin(b.sample, after) ?? 'ok';
    leaks.push({ role, baseline: b?.sample ?? null, after, verdict });
  }

  unsubscribe();
  const final = await readFinal();
  await dropReader();
  // Stop everything cleanly, then check the catalog file as it was left.
  await Promise.all(
    workers.map(async (w) => {
      if (alive(w.proc)) {
        signal(w.proc!.pid, 'SIGTERM');
        await Promise.race([w.proc!.exited, sleep(20_000)]);
      }
    }),
  );
  if (alive(master)) {
    signal(master!.pid, 'SIGTERM');
    await Promise.race([master!.exited, sleep(20_000)]);
  }
  const integrity = await checkCatalogFile(catalogFile, 'integrity_check');

  // ------------------------------------------------------------ verdict
  const history: History = {
    submissions,
    observations,
    attemptObservations,
    attempts: final.attempts,
    messages: final.messages,
    finals: final.finals,
    fencedReports: fenced,
  };
  const report = checkInvariants(history);
  const bySubmission = new Map(submissions.map((s) => [s.executionId, s]));
  const latency: Record<string, { n: number; p50: number | null; p95: number | null; p99: number | null }> =
    {};
  const queue: number[] = [];
  const perKind = new Map<string, number[]>();
  for (const e of final.executions) {
    if (e.started !== null) queue.push(e.started - e.created);
    const s = bySubmission.get(e.id);
    if (!s || e.ended === null) continue;
    const list = perKind.get(s.kind) ?? [];
    list.push(e.ended - e.created);
    perKind.set(s.kind, list);
  }
  const summary = (values: number[]) => ({
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
  });
  perKind.forEach((values, kind) => (latency[kind] = summary(values)));
  latency.all = summary([...perKind.values()].flat());
  latency.queueWait = summary(queue);
  const faultCounts: Record<string, number> = {};
  for (const f of faults) faultCounts[f.kind] = (faultCounts[f.kind] ?? 0) + 1;
  const leakOk = leaks.every((l) => l.verdict === 'ok' || l.verdict.startsWith('not compared'));
  const compared = leaks.filter((l) => !l.verdict.startsWith('not compared')).length;
  const ok = report.ok && integrity.ok && drained && leakOk && compared > 0;
  const throughputPerMin = (final.finals.filter((f) => TERMINAL.has(f.status)).length / phaseMs) * 60_000;

  const result = {
    ok,
    command: `npm run soak -- --minutes ${minutes} --seed ${seed}`,
    seed,
    minutes,
    workers: workers.map((w) => ({
      name: w.name,
      tags: w.tags,
      proxied: !!w.proxy,
      steady: w.steady,
      disk: w.disk,
    })),
    timings: { ...TIMINGS, warmupMs, faultEveryMs, drainMs },
    startedAt: new Date(t0).toISOString(),
    wallSeconds: Math.round((Date.now() - t0) / 1000),
    diskFault,
    submissions: { accepted: submissions.length, refusedWhileMasterDown: refusedSubmissions, stopsRequested },
    drained,
    faults: { total: faults.length, byKind: faultCounts, fencedReports: report.counts.fencedReports },
    invariants: {
      ok: report.ok,
      byKind: report.byKind,
      counts: report.counts,
      violations: report.violations.slice(0, 200),
    },
    integrity,
    resources: { margin: LEAK_MARGIN, leaks },
    throughputPerMin: Number(throughputPerMin.toFixed(1)),
    latencyMs: latency,
    faultLog: faults,
    resourceSeries,
    logs: argv.keep || argv['base-dir'] ? logDir : null,
  };
  const out =
    argv.out ??
    join(
      repoRoot,
      'soak',
      'results',
      `${new Date(t0).toISOString().slice(0, 10)}-seed${seed}-${minutes}min.json`,
    );
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

  // ------------------------------------------------------------ print
  const c = report.counts;
  const lines = [
    '',
    `==== chaos soak, seed ${seed}, ${minutes} min: ${ok ? 'PASSED' : 'FAILED'}`,
    `executions: ${c.executionsAccepted} accepted (${refusedSubmissions} refused while the master was down), ${c.executionsInCatalog} in the catalog, ${c.terminal} terminal; ${Object.entries(
      c.byStatus,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `attempts: ${c.attempts} (${c.attemptsLost} lost), ${c.attemptSamples} attempt samples, ${c.statusObservations} status observations, ${stopsRequested} stops requested`,
    `faults: ${faults.length} (${Object.entries(faultCounts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); disk fault: ${diskFault}`,
    `fenced late reports refused: ${c.fencedReports}`,
    `messages: ${c.messagesChecked} in ${c.attemptsWithMessages} attempts checked for gaps and duplicates, ${c.dropMarkers} drop markers, ${c.linesChecked} chatty lines checked in order`,
    `drain: ${drained ? 'every execution terminal' : 'FAILED: executions left open'}`,
    `invariants: ${Object.entries(report.byKind)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    ...report.violations.slice(0, 30).map((v) => `  VIOLATION ${v.kind}: ${v.detail}`),
    `catalog integrity_check: ${integrity.ok ? 'ok' : `FAILED ${integrity.problems.join('; ')}`}`,
    `resources (margin: RSS x${LEAK_MARGIN.rssFactor} + ${mib(LEAK_MARGIN.rssSlackBytes)}, fds + ${LEAK_MARGIN.fdSlack}):`,
    ...leaks.map(
      (l) =>
        `  ${l.role.padEnd(7)} ${l.baseline ? `${mib(l.baseline.rssBytes)} ${l.baseline.fds} fds` : '-'} -> ${l.after ? `${mib(l.after.rssBytes)} ${l.after.fds} fds` : '-'}: ${l.verdict}`,
    ),
    `throughput: ${throughputPerMin.toFixed(1)} executions/min`,
    `latency submit->end ms (p50/p95/p99): ${Object.entries(latency)
      .map(([k, v]) => `${k} ${v.p50}/${v.p95}/${v.p99} (n ${v.n})`)
      .join('; ')}`,
    `results: ${out}`,
  ];
  console.log(lines.join('\n'));
  return ok ? 0 : 1;
}

main().then(
  (code) => {
    cleanup();
    process.exit(code);
  },
  (error: unknown) => {
    console.error(`soak aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    cleanup();
    process.exit(2);
  },
);
