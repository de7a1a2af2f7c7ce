/**
 * Starting and stopping a script host process (scriptHost.ts) with Node's permission model.
 * Decisions in pure functions (`findScriptHost`, `isolationFlags`), the fork in `launchScriptHost`.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostEnvironment } from '../../hostEnvironment';
import { ScriptErrorCode, ScriptTaskError } from './scriptError';
import { inheritedHeapFlags } from '../../executionLimits';

export const SCRIPT_HOST_FILE = 'scriptHost.mjs';
/** After SIGTERM, how long a script host may take before SIGKILL. */
export const KILL_GRACE_MS = 500;
/** The tail of the script host's stderr kept for the message when it dies. */
export const STDERR_TAIL_CHARS = 2_000;

/**
 * Where scriptHost.mjs is, seen from the module at `moduleUrl` (its import.meta.url). Bundled, this
 * code runs inside dist/executionHost.mjs (or dist/cli.mjs), and the script host is its sibling:
 * looking beside the running file first keeps that true wherever dist/ is installed. Run from the
 * TypeScript sources (tests), the module sits somewhere under the repository, so the nearest
 * ancestor's dist/ holds it; searching upwards keeps that true when source files move.
 * Returns null when neither exists (the bundle was not built).
 */
export function findScriptHost(
  moduleUrl: string,
  exists: (path: string) => boolean = existsSync,
): string | null {
  const here = dirname(fileURLToPath(moduleUrl));
  if (exists(join(here, SCRIPT_HOST_FILE))) return join(here, SCRIPT_HOST_FILE);
  for (let dir = here; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', SCRIPT_HOST_FILE);
    if (exists(candidate)) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

export interface NodeFacts {
  /** process.allowedNodeEnvironmentFlags */
  flags: ReadonlySet<string>;
  /** process.versions.node */
  version: string;
}

/**
 * The execArgv of a script host: the permission model (`--permission`, stable from Node 22.13 /
 * 23.5; `--experimental-permission` before) allowing only to read `bundlePath`; no fs write, no
 * child process, no worker, no addon, no WASI (none is granted). Nothing of the execution host's
 * own flags. Throws when this Node has no permission model: a script is never run unisolated.
 */
export function isolationFlags(bundlePath: string, node: NodeFacts): string[] {
  const [major = 0] = node.version.split('.').map(Number);
  const permission = node.flags.has('--permission')
    ? '--permission'
    : node.flags.has('--experimental-permission') || major === 20 || major === 21
      ? '--experimental-permission'
      : major >= 22
        ? '--permission'
        : null;
  if (!permission) {
    throw new ScriptTaskError(
      ScriptErrorCode.noIsolation,
      `Node ${node.version} has no permission model: script tasks cannot run isolated, so they do not run`,
    );
  }
  // Before Node 22, --allow-fs-read is a comma-separated list: a comma in the path would split it.
  if (permission === '--experimental-permission' && bundlePath.includes(',')) {
    throw new ScriptTaskError(
      ScriptErrorCode.hostUnavailable,
      `the script host's path holds a comma, which Node ${node.version} cannot grant: ${bundlePath}`,
    );
  }
  const quiet = node.flags.has('--disable-warning') ? ['--disable-warning=ExperimentalWarning'] : [];
  return [permission, `--allow-fs-read=${bundlePath}`, '--no-addons', ...quiet];
}

/** Forks the script host for one task; the caller supervises it (scriptTask.ts). */
export function launchScriptHost(options: { cwd: string; moduleUrl: string }): ChildProcess {
  const found = findScriptHost(options.moduleUrl);
  if (!found) {
    throw new ScriptTaskError(
      ScriptErrorCode.hostUnavailable,
      `the script host (dist/${SCRIPT_HOST_FILE}) is missing: build with node build/build.mjs`,
    );
  }
  // Node grants the file's real path; a symlinked checkout would otherwise be refused its own bundle.
  const bundlePath = realpathSync(found);
  const execArgv = isolationFlags(bundlePath, {
    flags: process.allowedNodeEnvironmentFlags,
    version: process.versions.node,
  });
  return fork(bundlePath, [], {
    cwd: options.cwd,
    // The execution host's heap ceiling (a per-execution memory limit) holds for its scripts too.
    execArgv: [...execArgv, ...inheritedHeapFlags(process.execArgv)],
    // The same allow-list as an execution host (tokens refused, no NODE_OPTIONS), applied again
    // rather than trusting this process's environment, which a package or a test may have changed.
    env: hostEnvironment(process.env),
    // stdout is not read (the API logs through IPC); stderr is kept for the message of a crash.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
  });
}

/** Stops a script host: SIGTERM, then SIGKILL after the grace period if it still runs. */
export function stopScriptHost(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }, KILL_GRACE_MS);
  timer.unref();
  child.once('exit', () => clearTimeout(timer));
}
