/**
 * How execution hosts sit in the operating system: their environment, and their process group.
 *
 * Environment: for hosts and the processes their tasks start, an allow-list, never
 * the agent's own environment. The agent holds secrets (its token for the master, maybe a console
 * token) and settings meant for itself; a package, which anyone who may deploy can write, must see
 * neither.
 *
 * Passed: what programs need to find things and format text (PATH, HOME, USER, LOGNAME, LANG,
 * LANGUAGE, LC_*, TZ, TMPDIR/TEMP/TMP) and, on Windows, what the system and its programs need
 * (SYSTEMROOT, SYSTEMDRIVE, COMSPEC, PATHEXT, WINDIR, USERPROFILE, USERNAME, APPDATA,
 * LOCALAPPDATA, PROGRAMDATA, PROGRAMFILES, PROGRAMFILES(X86), NUMBER_OF_PROCESSORS,
 * PROCESSOR_ARCHITECTURE). An operator adds more by name (`passEnv`: a proxy, a CA bundle).
 *
 * Not passed, by decision:
 * - SCALEOUT_*: the agent's variables hold its token (SCALEOUT_AGENT_TOKEN), a console token
 *   (SCALEOUT_TOKEN, SCALEOUT_CONSOLE_TOKEN) and the master's data directory. The engine reads no
 *   SCALEOUT_* variable: what an attempt needs travels in `host.run`. The token names are refused
 *   even when an operator lists them in `passEnv`.
 * - NODE_OPTIONS (and every other NODE_* variable): flags meant for the agent (`--inspect`,
 *   `--require`, a heap size) would be applied to every host and to every Node program a package
 *   runs; an `--inspect` port would clash. Host flags are the pool's `execArgv` option instead.
 *
 * Added: ELECTRON_RUN_AS_NODE=1 for the host itself (the agent may run inside Electron, whose
 * binary is `process.execPath`); a task's process gets it only when it runs that same binary.
 *
 * Process group: on POSIX a host is started detached, so it leads a process group of its own
 * that the processes its tasks start join; cancel, timeout and clean-up signal the whole group.
 * Being detached, a host gets none of the terminal's signals: it ends when its IPC channel
 * closes (executionHost.ts).
 */
import { spawn } from 'node:child_process';

/** Names passed on every platform; LC_* is matched by prefix. */
const POSIX_NAMES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TEMP', 'TMP'];
const WINDOWS_NAMES = [
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'COMSPEC',
  'PATHEXT',
  'WINDIR',
  'USERPROFILE',
  'USERNAME',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'PROGRAMFILES(X86)',
  'NUMBER_OF_PROCESSORS',
  'PROCESSOR_ARCHITECTURE',
];
/** Never passed, whatever an operator lists. */
export const SECRET_NAMES: readonly string[] = [
  'SCALEOUT_AGENT_TOKEN',
  'SCALEOUT_TOKEN',
  'SCALEOUT_CONSOLE_TOKEN',
];
export const ELECTRON_RUN_AS_NODE = 'ELECTRON_RUN_AS_NODE';

export interface EnvironmentOptions {
  /** Defaults to process.platform; Windows names are matched without regard to case. */
  platform?: NodeJS.Platform;
  /** Further names an operator chose to pass (e.g. HTTPS_PROXY, SSL_CERT_FILE). */
  passEnv?: readonly string[];
}

/** Whether a variable of the agent's environment may reach a host. */
export function isPassed(name: string, options: EnvironmentOptions = {}): boolean {
  const windows = (options.platform ?? process.platform) === 'win32';
  const key = windows ? name.toUpperCase() : name;
  if (SECRET_NAMES.includes(key.toUpperCase())) return false;
  if (POSIX_NAMES.includes(key) || key.startsWith('LC_')) return true;
  if (windows && WINDOWS_NAMES.includes(key)) return true;
  return (options.passEnv ?? []).some((extra) => (windows ? extra.toUpperCase() : extra) === key);
}

/** The allow-listed copy of `source`, the original spelling of each name kept. */
export function filterEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  options: EnvironmentOptions = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && isPassed(name, options)) out[name] = value;
  }
  return out;
}

/** Environment of an execution host process. */
export function hostEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  options: EnvironmentOptions = {},
): Record<string, string> {
  return { ...filterEnvironment(source, options), [ELECTRON_RUN_AS_NODE]: '1' };
}

/**
 * Environment of a process a task starts: the host's own (already allow-listed; a package may
 * change it for its later tasks, and a pooled host restores it after each attempt), without
 * ELECTRON_RUN_AS_NODE unless the program is the host's own binary.
 */
export function taskEnvironment(
  hostEnv: Readonly<Record<string, string | undefined>>,
  runsHostBinary: boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(hostEnv)) {
    if (value !== undefined && (runsHostBinary || name.toUpperCase() !== ELECTRON_RUN_AS_NODE))
      out[name] = value;
  }
  return out;
}

/** Sends a signal to a host's whole process group (the host and whatever its tasks started). */
export function signalHostGroup(pid: number, signal: NodeJS.Signals): void {
  if (process.platform === 'win32') {
    // No process groups: taskkill walks the tree by parent pid and always ends it forcefully, so
    // there is no grace period, and orphans of an already dead host are out of its reach.
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on(
      'error',
      () => undefined,
    );
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}
