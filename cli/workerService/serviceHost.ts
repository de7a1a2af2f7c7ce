/**
 * The machine as `scaleout worker install/uninstall/status/logs` sees it: the platform, whether
 * we are root, the commands it may run (always `shell: false`, with a timeout) and where the
 * worker bundle is. Tests pass their own; `systemServiceHost()` is the real one.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_FILES } from './serviceFiles';
import type { Command } from './serviceManager';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What enrolWorker (worker-agent/enrolment.ts) does: trades a one-time token for a credential. */
export type EnrolWorker = (options: {
  masterUrl: string;
  token: string;
  name?: string;
  tags?: string[];
  workDir: string;
}) => Promise<{ workerId: string; caFingerprint: string; credentialDir: string }>;

export interface ServiceHost {
  platform: NodeJS.Platform;
  /** Effective user id; null where there is none (Windows). */
  euid: number | null;
  /** The node binary the service will run (absolute). */
  nodePath: string;
  /** The folder holding the worker bundle (dist/worker/), or null when it was not built. */
  bundleDir: string | null;
  /** Runs a command; a non-zero exit is a result, not an exception. `inherit` shows its output live. */
  run(command: Command, options?: { inherit?: boolean; timeoutMs?: number }): Promise<RunResult>;
  hasCommand(name: string): boolean;
  /** systemd is PID 1 (what `sd_booted()` checks). */
  systemdRunning(): boolean;
  out(text: string): void;
  enrol: EnrolWorker;
  /** How long install waits for the new worker to connect before printing its status. */
  connectWaitMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export function runCommand(
  command: Command,
  options: { inherit?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  const [file, ...args] = command;
  return new Promise((resolve) => {
    const child = spawn(file!, args, {
      shell: false,
      stdio: options.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      timeout: options.inherit ? undefined : (options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Whether an executable of that name is on PATH (or in the sbin folders sudo adds). */
export function commandOnPath(name: string, path = process.env.PATH ?? ''): boolean {
  const dirs = [...path.split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean);
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * dist/worker/ seen from the running module: beside it when this is the worker bundle itself,
 * its `worker/` subfolder when this is dist/cli.mjs, else the nearest ancestor's dist/worker
 * (run from the TypeScript sources).
 */
export function findBundleDir(
  moduleUrl: string,
  exists: (path: string) => boolean = existsSync,
): string | null {
  const here = dirname(fileURLToPath(moduleUrl));
  const complete = (dir: string) => BUNDLE_FILES.every((file) => exists(join(dir, file)));
  for (const candidate of [here, join(here, 'worker')]) if (complete(candidate)) return candidate;
  for (let dir = here; ; dir = dirname(dir)) {
    if (complete(join(dir, 'dist', 'worker'))) return join(dir, 'dist', 'worker');
    if (dirname(dir) === dir) return null;
  }
}

export function systemServiceHost(enrol: EnrolWorker): ServiceHost {
  return {
    platform: process.platform,
    euid: process.geteuid?.() ?? null,
    nodePath: process.execPath,
    bundleDir: findBundleDir(import.meta.url),
    run: runCommand,
    hasCommand: (name) => commandOnPath(name),
    systemdRunning: () => existsSync('/run/systemd/system'),
    out: (text) => process.stdout.write(text),
    enrol,
    connectWaitMs: 20_000,
  };
}
