import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Logger } from './logger';

export interface LocalWorkerOptions {
  /** The scaleout CLI entry script run with the current Node (or Electron as Node). */
  cliEntry: string;
  agentUrl: string;
  agentToken: string;
  /** The master's CA file, trusted directly (re-read at every connection); null for a ws:// endpoint. */
  caFile: string | null;
  name: string;
  maxTasks?: number;
  workDir: string;
  log: Logger;
}

/**
 * Runs the machine's own worker agent as a child process (as SSIS's single-machine setup runs a
 * Scale Out Worker service beside the master), restarting it with backoff if it dies.
 */
export function startLocalWorker(options: LocalWorkerOptions) {
  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | null = null;

  const start = () => {
    const args = [
      options.cliEntry,
      'worker',
      '--master',
      options.agentUrl,
      '--name',
      options.name,
      '--work-dir',
      options.workDir,
    ];
    if (options.maxTasks) args.push('--max-tasks', String(options.maxTasks));
    if (options.caFile) args.push('--ca-file', options.caFile);
    child = spawn(process.execPath, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, SCALEOUT_AGENT_TOKEN: options.agentToken, ELECTRON_RUN_AS_NODE: '1' },
      shell: false,
    });
    const started = Date.now();
    child.on('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      if (code === 2) {
        // Refused for good (bad token, wrong version, or replaced by another agent with its identity).
        options.log.error('local worker refused by the master; not restarting it (see its log above)');
        return;
      }
      if (Date.now() - started > 60_000) restarts = 0;
      restarts += 1;
      const delayMs = Math.min(30_000, 500 * 2 ** Math.min(restarts, 6));
      options.log.warn(`local worker exited (${signal ?? `code ${code}`}); restarting in ${delayMs} ms`);
      timer = setTimeout(start, delayMs);
    });
  };
  start();

  return {
    pid: () => child?.pid ?? null,
    /** SIGTERM lets the agent hand back its work; SIGKILL after the deadline. */
    async stop(deadlineMs = 10_000): Promise<void> {
      stopping = true;
      if (timer) clearTimeout(timer);
      const running = child;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => running.kill('SIGKILL'), deadlineMs);
        running.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        running.kill('SIGTERM');
      });
    },
  };
}

/**
 * The worker id the local worker will use (kept in its work directory as every agent does), created
 * here first so the master knows it and registers its own worker enabled.
 */
export function ensureWorkerId(workDir: string): string {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, 'worker-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return id;
}
