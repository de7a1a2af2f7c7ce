/**
 * `<work-dir>/agent-status.json`: the running worker says whether it is connected, so that
 * `scaleout worker status` can tell without asking the master. Written by the worker on every
 * change (and when it stops), read and validated by the status command.
 */
import { readFileSync, renameSync, watch, writeFileSync } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const AGENT_STATUS_FILE = 'agent-status.json';

export const AgentStatus = z.object({
  pid: z.int().positive(),
  workerId: z.string(),
  name: z.string(),
  masterUrl: z.string(),
  connected: z.boolean(),
  /** When `connected` last changed (ISO 8601). */
  since: z.string(),
  /** The agent stopped cleanly (a killed one cannot say so: its pid is then gone). */
  stopped: z.boolean(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

export function writeAgentStatus(workDir: string, status: AgentStatus): void {
  const file = join(workDir, AGENT_STATUS_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(status)}\n`);
  renameSync(temporary, file);
}

/** The status file, or null when there is none or it is not one (never trusted unchecked). */
export function readAgentStatus(workDir: string): AgentStatus | null {
  try {
    const parsed = AgentStatus.safeParse(JSON.parse(readFileSync(join(workDir, AGENT_STATUS_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether a process exists (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One line saying whether the worker is connected, from its status file. Pure but for `alive`. */
export function describeConnection(
  status: AgentStatus | null,
  alive: (pid: number) => boolean = processAlive,
): { connected: boolean; text: string } {
  if (!status) return { connected: false, text: 'unknown (the worker has not written its status yet)' };
  if (status.stopped)
    return { connected: false, text: `not connected (the worker stopped at ${status.since})` };
  if (!alive(status.pid))
    return { connected: false, text: `not connected (worker process ${status.pid} is gone)` };
  return status.connected
    ? { connected: true, text: `connected to ${status.masterUrl} since ${status.since}` }
    : { connected: false, text: `not connected to ${status.masterUrl} (trying since ${status.since})` };
}

/**
 * Keeps the status file current for a running agent. The agent has no connection event, but it
 * logs every connect and disconnect: `check()` is called on each of its log lines, and every
 * second as a backstop. It writes only when the state changed.
 */
export function trackAgentStatus(
  workDir: string,
  base: Omit<AgentStatus, 'connected' | 'since' | 'stopped'>,
  isConnected: () => boolean,
): { check(): void; stop(): void } {
  let connected: boolean | null = null;
  const check = () => {
    const now = isConnected();
    if (now === connected) return;
    connected = now;
    write(now, false);
  };
  const write = (isUp: boolean, stopped: boolean) => {
    try {
      writeAgentStatus(workDir, { ...base, connected: isUp, since: new Date().toISOString(), stopped });
    } catch {
      // A full or read-only disk must not stop the worker; status then says "unknown" or stale.
    }
  };
  check();
  const timer = setInterval(check, 1_000);
  timer.unref();
  return {
    check,
    stop() {
      clearInterval(timer);
      write(false, true);
    },
  };
}

/**
 * Resolves with the status once `done(status)` holds, or with the last one read at the deadline.
 * Woken by changes of the work folder (the file is replaced by a rename), never polls.
 */
export function waitForAgentStatus(
  workDir: string,
  done: (status: AgentStatus | null) => boolean,
  timeoutMs: number,
): Promise<AgentStatus | null> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | null = null;
    const finish = (status: AgentStatus | null) => {
      clearTimeout(timer);
      watcher?.close();
      resolve(status);
    };
    const check = () => {
      const status = readAgentStatus(workDir);
      if (done(status)) finish(status);
    };
    const timer = setTimeout(() => finish(readAgentStatus(workDir)), timeoutMs);
    try {
      watcher = watch(workDir, check);
    } catch {
      // No folder yet (the service has not started): the deadline answers.
    }
    check();
  });
}
