import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataStatistic, TaskAssignment, TaskStatistic } from '../master-core/protocol/wire';
import { HostOutbound } from './engine/hostProtocol';
import type { EngineEvent } from './engine/events';
import { hostEnvironment, signalHostGroup } from './hostEnvironment';
import { createHostOutput, outcomeFromExit } from './outcome';
import { handOver, runAsSpawnOptions } from './runAs';
import type { RunAsUser } from './runAs';

export const DEFAULT_KILL_GRACE_MS = 5_000;
/** Characters of a host's stderr, and of its stdout, kept for the report of a crash. */
export const OUTPUT_TAIL_BYTES = 8 * 1024;
/** After a host exits, how long to wait for its output pipes to close (a grandchild may hold them). */
const CLOSE_WAIT_MS = 1_000;

export interface SlotResult {
  outcome: 'succeeded' | 'failed';
  error: string | null;
  /** How the host exited; both null when the attempt ended on a pooled host that carries on. */
  exitCode: number | null;
  signal: string | null;
  statistics: TaskStatistic[];
  dataStatistics?: DataStatistic[];
}

export interface SlotHandlers {
  onStarted(pid: number): void;
  onEvent(event: EngineEvent): void;
  onDone(result: SlotResult): void;
}

export interface AttemptOptions {
  task: TaskAssignment;
  machineName: string;
  /** The agent's work directory; the attempt runs in `<workDir>/attempts/<attemptId>`. */
  workDir: string;
  handlers: SlotHandlers;
}

/** One attempt as the agent sees it. Every method is a no-op once the attempt has ended. */
export interface ExecutionSlot {
  pid(): number | null;
  /** Stop the attempt: SIGTERM to the host's process group, SIGKILL after the grace period. */
  cancel(): void;
  /** SIGKILL to the host's process group at once. */
  kill(): void;
}

export interface HostOptions {
  hostEntry: string;
  /** Where the host process starts; each run changes to its attempt's directory. */
  cwd: string;
  killGraceMs?: number;
  /** Node flags of the host (default none: the agent's own flags are not inherited). */
  execArgv?: string[];
  /** More environment variables to pass (hostEnvironment.ts). */
  passEnv?: string[];
  /** Run the host (and its tasks) as this user; each attempt's directory is handed over to it (runAs.ts). */
  runAs?: RunAsUser;
  /** Arguments of the host process (its kernel limits: executionLimits.ts). */
  hostArgs?: string[];
}

export type HostState = 'starting' | 'idle' | 'busy' | 'exited';

/**
 * One attempt on a host. With `reuse`, the host stays up after reporting; `onEnd` (after onDone)
 * says whether it is fit for another attempt (it reported and said host.ready again) and the
 * memory it reported.
 */
export type RunOptions = AttemptOptions & {
  reuse: boolean;
  onEnd?: (end: { reusable: boolean; rssBytes: number }) => void;
};

export interface ExecutionHost {
  readonly pid: number | null;
  state(): HostState;
  uses(): number;
  run(attempt: RunOptions): ExecutionSlot;
  /** Ends an idle host: closes its IPC channel; SIGKILL to its group after the grace period. */
  retire(): void;
  /** Stops the host whatever it does, as a cancel of its attempt (if any) would. */
  stop(): void;
  /** Resolves true once the host is idle and ready for a run, false if it exits first. */
  whenReady(): Promise<boolean>;
  /** Resolves once the host has exited and its process group was swept. */
  readonly exited: Promise<void>;
}

/**
 * Calls `onExit` when the host process exits, and `onFinished` once its output and its IPC channel
 * are also read to the end (a host's last message may still be in the pipe when it exits), or
 * CLOSE_WAIT_MS after the exit at most (a grandchild may hold the output pipes). Not the child's
 * own 'close' event: Node skips it when the agent closed the IPC channel first, as retire() does.
 */
function watchExit(
  child: ChildProcess,
  onExit: () => void,
  onFinished: (code: number | null, signal: string | null) => void,
): void {
  let open = 0;
  let exit: { code: number | null; signal: string | null } | null = null;
  const closed = () => {
    open -= 1;
    if (exit && open === 0) onFinished(exit.code, exit.signal);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) open += 1;
    stream?.once('close', closed);
  }
  if (child.connected) {
    open += 1;
    child.once('disconnect', closed);
  }
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    onExit();
    if (open === 0) onFinished(code, signal);
    setTimeout(() => onFinished(code, signal), CLOSE_WAIT_MS).unref();
  });
}

export function attemptDirectory(workDir: string, attemptId: string, runAs?: RunAsUser): string {
  const parent = join(workDir, 'attempts');
  // Others may pass through (a run-as user reaches its own attempt) but not list the attempts.
  mkdirSync(parent, { recursive: true, mode: 0o711 });
  const dir = join(parent, attemptId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs) handOver(dir, runAs);
  return dir;
}

interface Attempt {
  options: RunOptions;
  cwd: string;
  sent: boolean;
  reported: { outcome: 'succeeded' | 'failed'; error: string | null } | null;
  statistics: TaskStatistic[];
  dataStatistics: DataStatistic[];
  rssBytes: number;
  timedOut?: boolean;
  cancelled?: boolean;
  timer?: NodeJS.Timeout;
}

/** Starts one execution host process in its own process group and waits for its host.ready. */
export function spawnHost(options: HostOptions): ExecutionHost {
  const graceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const runAs = options.runAs ? runAsSpawnOptions(options.runAs) : null;
  const child = fork(options.hostEntry, options.hostArgs ?? [], {
    cwd: options.cwd,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...hostEnvironment(process.env, { passEnv: options.passEnv ?? [] }), ...runAs?.env },
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    execArgv: options.execArgv ?? [],
    serialization: 'json',
  });
  const pid = child.pid ?? null;
  const output = createHostOutput(OUTPUT_TAIL_BYTES);
  child.stdout?.on('data', output.stdout.push);
  child.stderr?.on('data', output.stderr.push);
  let ready = false;
  let exited = false;
  let uses = 0;
  let attempt: Attempt | null = null;
  let killTimer: NodeJS.Timeout | null = null;
  const readyWaiters: ((ready: boolean) => void)[] = [];
  const settleWaiters = (value: boolean) => readyWaiters.splice(0).forEach((waiter) => waiter(value));
  let markExited: () => void = () => undefined;
  const exitedPromise = new Promise<void>((resolve) => (markExited = resolve));

  const signalGroup = (signal: NodeJS.Signals) => {
    if (pid !== null && !exited) signalHostGroup(pid, signal);
  };
  const stop = () => {
    signalGroup('SIGTERM');
    killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs).unref();
  };
  const sendRun = (a: Attempt) => {
    a.sent = true;
    ready = false;
    output.clear(); // another attempt's output must not end up in this one's crash report
    const { task, machineName, reuse } = a.options;
    child.send({ type: 'host.run', task, machineName, workDir: a.cwd, reuse });
  };
  const end = (a: Attempt, result: SlotResult, reusable: boolean) => {
    if (attempt !== a) return;
    attempt = null;
    if (a.timer) clearTimeout(a.timer);
    a.options.handlers.onDone(result);
    a.options.onEnd?.({ reusable, rssBytes: a.rssBytes });
  };

  child.on('message', (raw) => {
    const parsed = HostOutbound.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    const a = attempt;
    if (message.type === 'host.ready') {
      ready = true;
      if (!a) settleWaiters(true);
      if (a && !a.sent) sendRun(a);
      else if (a?.reported && a.options.reuse && !a.timedOut && !a.cancelled) {
        end(
          a,
          {
            ...a.reported,
            exitCode: null,
            signal: null,
            statistics: a.statistics,
            dataStatistics: a.dataStatistics,
          },
          true,
        );
        settleWaiters(true);
      }
    } else if (!a || !a.sent || a.reported) {
      return; // not the current attempt's: a leftover of an earlier run, dropped
    } else if (message.type === 'host.event') {
      const { type: _type, ...event } = message;
      a.options.handlers.onEvent(event);
    } else {
      a.reported = { outcome: message.outcome, error: message.error };
      a.statistics = message.statistics;
      a.dataStatistics = message.dataStatistics;
      a.rssBytes = message.rssBytes;
    }
  });

  let finished = false;
  const finish = (exitCode: number | null, signal: string | null) => {
    if (finished) return;
    finished = true;
    const a = attempt;
    if (a) {
      const { reported, timedOut = false, cancelled = false } = a;
      const result = outcomeFromExit({
        reported,
        exitCode,
        signal,
        timedOut,
        cancelled,
        outputTail: output.text(),
      });
      end(
        a,
        { ...result, exitCode, signal, statistics: a.statistics, dataStatistics: a.dataStatistics },
        false,
      );
    }
    settleWaiters(false);
    markExited();
  };
  watchExit(
    child,
    () => {
      // Whatever the attempt left in the host's group is a leftover now: sweep it.
      if (pid !== null && process.platform !== 'win32') signalHostGroup(pid, 'SIGKILL');
      exited = true;
      if (killTimer) clearTimeout(killTimer);
    },
    finish,
  );
  child.on('error', (error) => {
    output.stderr.push(`\n${error.message}`);
    if (pid === null) finish(null, null); // it never started
  });

  return {
    pid,
    state: () => (exited || finished ? 'exited' : attempt ? 'busy' : ready ? 'idle' : 'starting'),
    uses: () => uses,
    exited: exitedPromise,
    whenReady(): Promise<boolean> {
      if (exited || finished) return Promise.resolve(false);
      if (ready && !attempt) return Promise.resolve(true);
      return new Promise((resolve) => readyWaiters.push(resolve));
    },
    stop(): void {
      if (attempt) attempt.cancelled = true;
      stop();
    },
    retire(): void {
      if (exited || finished) return;
      if (child.connected) child.disconnect();
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), graceMs).unref();
    },
    run(runOptions): ExecutionSlot {
      if (attempt || exited || finished) throw new Error('this execution host cannot take an attempt now');
      const cwd = attemptDirectory(runOptions.workDir, runOptions.task.attemptId, options.runAs);
      const a: Attempt = {
        options: runOptions,
        cwd,
        sent: false,
        reported: null,
        statistics: [],
        dataStatistics: [],
        rssBytes: 0,
      };
      attempt = a;
      uses += 1;
      const timeoutMs = runOptions.task.timeoutMs;
      if (timeoutMs) {
        a.timer = setTimeout(() => {
          a.timedOut = true;
          stop();
        }, timeoutMs);
      }
      if (pid !== null) {
        queueMicrotask(() => {
          if (attempt === a) runOptions.handlers.onStarted(pid);
        });
      }
      if (ready) sendRun(a);
      const current = () => attempt === a;
      return {
        pid: () => (current() ? pid : null),
        cancel(): void {
          if (!current()) return;
          a.cancelled = true;
          stop();
        },
        kill(): void {
          if (current()) signalGroup('SIGKILL');
        },
      };
    },
  };
}

/**
 * One attempt in a fresh host process of its own, without a pool: fork the execution host, hand
 * it the task, relay its events, enforce the timeout and report how it ended.
 */
export function startExecutionSlot(options: AttemptOptions & { hostEntry: string; killGraceMs?: number }) {
  const host = spawnHost({
    hostEntry: options.hostEntry,
    cwd: attemptDirectory(options.workDir, options.task.attemptId),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
  });
  return host.run({ ...options, reuse: false });
}
