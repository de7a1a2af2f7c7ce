import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskAssignment, TaskStatistic } from '../master-core/protocol/wire';
import { HostOutbound } from './engine/hostProtocol';
import type { EngineEvent } from './engine/events';
import { outcomeFromExit } from './outcome';

const KILL_GRACE_MS = 5_000;
const STDERR_TAIL_BYTES = 8 * 1024;

export interface SlotHandlers {
  onStarted(pid: number): void;
  onEvent(event: EngineEvent): void;
  onDone(result: {
    outcome: 'succeeded' | 'failed';
    error: string | null;
    exitCode: number | null;
    signal: string | null;
    statistics: TaskStatistic[];
  }): void;
}

/**
 * One attempt in its own process: fork the execution host, hand it the task, relay its events,
 * enforce the timeout (SIGTERM, then SIGKILL after a grace period) and report how it ended.
 */
export function startExecutionSlot(options: {
  hostEntry: string;
  task: TaskAssignment;
  machineName: string;
  workDir: string;
  handlers: SlotHandlers;
}) {
  const cwd = join(options.workDir, 'attempts', options.task.attemptId);
  mkdirSync(cwd, { recursive: true });
  const child = fork(options.hostEntry, [], {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    serialization: 'json',
  });
  let reported: { outcome: 'succeeded' | 'failed'; error: string | null } | null = null;
  let statistics: TaskStatistic[] = [];
  let stderrTail = '';
  let timedOut = false;
  let cancelled = false;

  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  child.on('message', (raw) => {
    const parsed = HostOutbound.safeParse(raw);
    if (!parsed.success) return;
    if (parsed.data.type === 'host.event') {
      const { type: _type, ...event } = parsed.data;
      options.handlers.onEvent(event);
    } else {
      reported = { outcome: parsed.data.outcome, error: parsed.data.error };
      statistics = parsed.data.statistics;
    }
  });
  child.once('spawn', () => {
    options.handlers.onStarted(child.pid ?? 0);
    child.send({ type: 'host.run', task: options.task, machineName: options.machineName });
  });

  const terminate = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (child.connected) child.send({ type: 'host.cancel' });
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = options.task.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        terminate();
      }, options.task.timeoutMs)
    : null;

  let done = false;
  const finish = (exitCode: number | null, signal: string | null) => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    const result = outcomeFromExit({ reported, exitCode, signal, timedOut, cancelled, stderrTail });
    options.handlers.onDone({ ...result, exitCode, signal, statistics });
  };
  child.once('close', (code, signal) => finish(code, signal));
  child.once('error', (error) => {
    stderrTail += `\n${error.message}`;
    if (child.exitCode === null && child.pid === undefined) finish(null, null);
  });

  return {
    pid: () => child.pid ?? null,
    cancel(): void {
      cancelled = true;
      terminate();
    },
    kill(): void {
      child.kill('SIGKILL');
    },
  };
}

export type ExecutionSlot = ReturnType<typeof startExecutionSlot>;
