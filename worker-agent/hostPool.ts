/**
 * Execution hosts for the agent's attempts.
 *
 * `process` mode: every attempt gets a fresh host process, but `warmSpares` hosts are kept
 * started and idle (they said host.ready), so an attempt does not wait for Node's start-up; a
 * spare that is used is replaced at once. The host exits after its one attempt.
 *
 * `pooled` mode: a host runs attempts one after another (host.run -> events -> host.result ->
 * host.ready). It is retired after `maxUsesPerHost` attempts or when the memory it reports with
 * a result passes `maxHostMemoryBytes`, and never reused after a failure of the host itself
 * (crash, timeout, cancel: bullmq's rule). A package that failed and reported it normally does
 * not count against its host. Idle hosts are reused most recently used first; the pool keeps as
 * many as the peak number of attempts at once (bounded by the agent's maxTasks) plus spares.
 *
 * What pooled mode isolates between attempts, and what it does not:
 * - Isolated: each attempt's working directory (the host changes to it for the run and back);
 *   parameters, variables and system values (the engine builds a fresh context per run); each
 *   Script task's globals (a new V8 context per task); `process.env` (restored after each run);
 *   events (a timer a script left behind cannot log into a later attempt; its events are dropped).
 * - Not isolated: a Script task that escapes its V8 context (e.g. through `setTimeout.constructor`,
 *   which belongs to the host's realm) reaches the host's `process`, globals and module cache and
 *   can leave state, timers, open handles or listeners for later attempts; the process-wide umask
 *   and resource limits; memory (only bounded by the ceiling); processes a package left running
 *   in the host's process group live until the host is retired (they die with it). A package
 *   that must not share a process with other packages belongs in `process` mode, the default.
 */
import { tmpdir } from 'node:os';
import { spawnHost } from './executionSlot';
import type { AttemptOptions, ExecutionHost, ExecutionSlot, HostState } from './executionSlot';
import { recycleDecision } from './outcome';
import type { RunAsUser } from './runAs';

export type HostPoolMode = 'process' | 'pooled';

export interface HostPoolOptions {
  /** The built execution host script (dist/executionHost.mjs). */
  hostEntry: string;
  mode: HostPoolMode;
  /** Hosts kept started and idle for the next attempt (default 1; 0 starts each on demand). */
  warmSpares?: number;
  /** Pooled mode: attempts a host runs before it is retired (default 100). */
  maxUsesPerHost?: number;
  /** Pooled mode: a host whose resident set passes this after an attempt is retired (512 MiB). */
  maxHostMemoryBytes?: number;
  /** SIGTERM to SIGKILL, for cancel, timeout and retiring (default 5 s). */
  killGraceMs?: number;
  /** Where idle hosts wait (default the OS temp directory); runs happen in their own directory. */
  hostCwd?: string;
  execArgv?: string[];
  passEnv?: string[];
  /** Run hosts and their tasks as this unprivileged user (runAs.ts); default the agent's own. */
  runAs?: RunAsUser;
  /** Arguments of every host (its kernel limits: executionLimits.ts). */
  hostArgs?: string[];
  log?: (message: string) => void;
}

export interface HostInfo {
  pid: number | null;
  state: HostState;
  uses: number;
}

export interface HostPool {
  /** Runs one attempt on a warm host (or a fresh one); the slot works as startExecutionSlot's. */
  start(attempt: AttemptOptions): ExecutionSlot;
  /** The hosts that have not exited, for diagnostics and tests. */
  hosts(): HostInfo[];
  /** Resolves once the warm spares are started and ready. */
  warm(): Promise<void>;
  /** Stops every host (running attempts end as stopped) and resolves when all have exited. */
  close(): Promise<void>;
}

export function createHostPool(options: HostPoolOptions): HostPool {
  const pooled = options.mode === 'pooled';
  const warmSpares = options.warmSpares ?? 1;
  const maxUses = pooled ? (options.maxUsesPerHost ?? 100) : 1;
  const maxRssBytes = options.maxHostMemoryBytes ?? 512 * 2 ** 20;
  const log = options.log ?? (() => undefined);
  /** Hosts without an attempt: warm spares (starting or ready) and, pooled, hosts between runs. */
  const idle: ExecutionHost[] = [];
  const live = new Set<ExecutionHost>();
  let closed = false;

  const forget = (host: ExecutionHost) => {
    live.delete(host);
    const index = idle.indexOf(host);
    if (index >= 0) idle.splice(index, 1);
  };
  const spawn = (): ExecutionHost => {
    const host = spawnHost({
      hostEntry: options.hostEntry,
      cwd: options.hostCwd ?? tmpdir(),
      ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
      ...(options.passEnv ? { passEnv: options.passEnv } : {}),
      ...(options.runAs ? { runAs: options.runAs } : {}),
      ...(options.hostArgs ? { hostArgs: options.hostArgs } : {}),
    });
    live.add(host);
    // A spare that dies while idle is not replaced here (a broken host entry would respawn for
    // ever); the next attempt starts a host on demand and tops the spares up again.
    void host.exited.then(() => forget(host));
    return host;
  };
  const topUp = () => {
    while (!closed && idle.filter((h) => h.state() !== 'exited').length < warmSpares) idle.push(spawn());
  };
  /** A ready host first (most recently used first), then one still starting, else a new one. */
  const take = (): ExecutionHost => {
    const usable = idle.filter((h) => h.state() === 'idle' || h.state() === 'starting');
    const host = usable.find((h) => h.state() === 'idle') ?? usable[0] ?? spawn();
    const index = idle.indexOf(host);
    if (index >= 0) idle.splice(index, 1);
    return host;
  };
  const afterAttempt = (host: ExecutionHost, end: { reusable: boolean; rssBytes: number }) => {
    if (!pooled) return; // the host exits by itself after its one attempt
    const decision = recycleDecision({
      reportedAndReady: end.reusable,
      uses: host.uses(),
      maxUses,
      rssBytes: end.rssBytes,
      maxRssBytes,
    });
    if (!decision.reuse) log(`execution host ${host.pid} retired: ${decision.reason}`);
    if (closed || !decision.reuse) return host.retire();
    idle.unshift(host);
  };

  topUp();
  return {
    start(attempt: AttemptOptions): ExecutionSlot {
      if (closed) throw new Error('the execution host pool is closed');
      const host = take();
      const reuse = pooled && host.uses() + 1 < maxUses;
      const slot = host.run({ ...attempt, reuse, onEnd: (end) => afterAttempt(host, end) });
      topUp();
      return slot;
    },
    hosts: () =>
      [...live]
        .map((h) => ({ pid: h.pid, state: h.state(), uses: h.uses() }))
        .filter((h) => h.state !== 'exited'),
    async warm(): Promise<void> {
      topUp();
      await Promise.all(idle.map((h) => h.whenReady()));
    },
    async close(): Promise<void> {
      closed = true;
      for (const host of idle.splice(0)) host.retire();
      for (const host of live) if (host.state() === 'busy') host.stop();
      await Promise.all([...live].map((h) => h.exited));
    },
  };
}
