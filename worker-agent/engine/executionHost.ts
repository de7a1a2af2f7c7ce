/**
 * Entry of an execution host process. The agent forks it in its own process group; it says
 * host.ready, runs each host.run it gets (one at a time), sends host.event messages and one
 * host.result per run, then exits (exit code 0 success, 1 failure) or, when the run asked for
 * reuse, restores its process state and says host.ready again (see hostProtocol.ts).
 *
 * When the IPC channel closes (the agent retired the host, or died), the host aborts its run and
 * exits, taking its process group (the processes its tasks started) with it: it was started
 * detached, so nothing else would stop it.
 */
import { HostRun } from './hostProtocol';
import type { HostOutbound } from './hostProtocol';
import type { PackageResult } from './runPackage';
import { errorText, runPackage } from './runPackage';
import { applyOwnLimits } from '../executionLimits';

/** How long an aborted run may take to wind down after the agent is gone. */
const ORPHAN_GRACE_MS = 5_000;

const initialCwd = process.cwd();
const initialEnv: Record<string, string | undefined> = { ...process.env };
let current: { controller: AbortController } | null = null;
let disconnected = false;

function send(message: HostOutbound): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

// Without an agent, nobody else will stop what the tasks left running in this process group.
process.on('exit', () => {
  if (!disconnected || process.platform === 'win32') return;
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // Not a group leader (started without detached): only this process ends.
  }
});

/** Undoes what a run may have changed in this process's state, for the next run of a pooled host. */
function restoreProcessState(): void {
  for (const name of Object.keys(process.env)) if (!(name in initialEnv)) delete process.env[name];
  for (const [name, value] of Object.entries(initialEnv)) process.env[name] = value;
  try {
    process.chdir(initialCwd);
  } catch {
    // The directory the host started in is gone; the next run changes to its own anyway.
  }
}

async function run(message: HostRun): Promise<void> {
  const token = { controller: new AbortController() };
  current = token;
  let result: PackageResult;
  try {
    process.chdir(message.workDir);
    result = await runPackage(
      message.task,
      message.machineName,
      // A timer a script left behind may still log after its run ended: such events are dropped.
      (event) => void (current === token && send({ type: 'host.event', ...event })),
      token.controller.signal,
    );
  } catch (error) {
    result = {
      outcome: 'failed',
      error: `engine error: ${errorText(error)}`,
      statistics: [],
      dataStatistics: [],
    };
  }
  current = null;
  restoreProcessState();
  await send({ type: 'host.result', ...result, rssBytes: process.memoryUsage().rss });
  const code = result.outcome === 'succeeded' ? 0 : 1;
  if (disconnected) process.exit(code);
  if (message.reuse) return send({ type: 'host.ready' });
  process.disconnect();
  // Tasks may leave timers or handles behind; the attempt is over, so the process ends now.
  process.exit(code);
}

if (!process.send) {
  process.stderr.write('execution host: start me from a worker agent (no IPC channel)\n');
  process.exit(64);
}

// The worker's per-execution limits, on this process before any package code runs (executionLimits.ts).
try {
  applyOwnLimits(process.argv);
} catch (error) {
  const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
  process.stderr.write(`execution host: could not apply the execution limits: ${detail}\n`);
  process.exit(78);
}

process.on('message', (raw: unknown) => {
  const parsed = HostRun.safeParse(raw);
  if (!parsed.success) {
    process.stderr.write(`execution host: invalid message from agent: ${parsed.error.message}\n`);
    process.exit(70);
  }
  if (current) {
    process.stderr.write('execution host: host.run while a run is in progress\n');
    process.exit(70);
  }
  void run(parsed.data);
});

process.on('disconnect', () => {
  disconnected = true;
  if (!current) process.exit(0);
  current.controller.abort();
  setTimeout(() => process.exit(1), ORPHAN_GRACE_MS).unref();
});

/**
 * A fresh process runs its first package several milliseconds slower than later ones (V8 compiles
 * functions on first use). Run a no-op package before saying ready, so a warm spare really is warm.
 */
async function warmUp(): Promise<void> {
  const sample: HostRun = HostRun.parse({
    type: 'host.run',
    machineName: 'warm-up',
    workDir: initialCwd,
    reuse: false,
    task: {
      attemptId: '00000000-0000-4000-8000-000000000000',
      executionId: 1,
      attemptNumber: 1,
      folderName: 'warm-up',
      projectName: 'warm-up',
      packageName: 'warm-up',
      package: { name: 'warm-up', tasks: [{ name: 'warm-up', type: 'script', code: 'return;' }] },
      parameterValues: {},
      loggingLevel: 1,
      timeoutMs: null,
    },
  });
  await runPackage(sample.task, sample.machineName, () => undefined, new AbortController().signal);
}

void warmUp()
  .catch(() => undefined) // only an optimisation: a real run reports any real problem
  .then(() => send({ type: 'host.ready' }));
