/**
 * Resource limits per execution (Linux): what one package may take of its worker, set on each
 * execution host and inherited by every process its tasks start (a Script task's host, an Execute
 * Process task's program).
 *
 * - memory: V8's heap ceiling (`--max-old-space-size`) of the execution host and of each Script
 *   task's host; past it the host dies with "JavaScript heap out of memory" and the attempt fails
 *   saying so. (Address-space limits are not used: V8 reserves far more than it uses.)
 * - open files, CPU seconds, file size and processes: kernel resource limits (setrlimit), which the
 *   host sets on itself with util-linux's `prlimit` before it says ready, so no package code runs
 *   without them. Soft and hard are equal (the CPU limit's hard one 2 s later, so SIGXCPU comes
 *   first): a package cannot raise them, unless it runs as root (use a run-as user).
 *
 * The CPU limit counts a process's whole life: in pooled mode a host runs many attempts, so it is
 * refused there. The process limit counts every process of the user: it needs a run-as user, or it
 * would count the agent's own processes too.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export interface ExecutionLimits {
  /** Heap of each execution host and Script task host, in MiB. */
  maxMemoryMb?: number;
  /** Open files (and sockets) per process. */
  maxOpenFiles?: number;
  /** CPU time per execution host process, in seconds. */
  maxCpuSeconds?: number;
  /** Largest file a process may write, in MiB. */
  maxFileSizeMb?: number;
  /** Processes of the run-as user at once. */
  maxProcesses?: number;
}

export type ExecutionLimitName = keyof ExecutionLimits;

/** The bounds each limit is checked against; below the minimum a host cannot even start. */
export const LIMIT_RANGES: Record<ExecutionLimitName, { min: number; max: number }> = {
  maxMemoryMb: { min: 64, max: 1_048_576 },
  maxOpenFiles: { min: 64, max: 1_048_576 },
  maxCpuSeconds: { min: 1, max: 31_536_000 },
  maxFileSizeMb: { min: 1, max: 1_073_741_824 },
  maxProcesses: { min: 16, max: 4_194_304 },
};

const MIB = 2 ** 20;
/** The host argument carrying its kernel limits (JSON: the prlimit path and its arguments). */
export const LIMITS_ARG = '--scaleout-limits=';

/** What the host is started with to apply the limits: Node flags and host arguments. */
export interface LimitsPlan {
  execArgv: string[];
  hostArgs: string[];
  /** Said once at agent start. */
  summary: string;
}

/** prlimit's arguments for the kernel limits (none for memory, which is a Node flag). Pure. */
export function prlimitArgs(limits: ExecutionLimits): string[] {
  const args: string[] = [];
  if (limits.maxOpenFiles !== undefined) args.push(`--nofile=${limits.maxOpenFiles}:${limits.maxOpenFiles}`);
  if (limits.maxCpuSeconds !== undefined)
    args.push(`--cpu=${limits.maxCpuSeconds}:${limits.maxCpuSeconds + 2}`);
  if (limits.maxFileSizeMb !== undefined) {
    const bytes = limits.maxFileSizeMb * MIB;
    args.push(`--fsize=${bytes}:${bytes}`);
  }
  if (limits.maxProcesses !== undefined) args.push(`--nproc=${limits.maxProcesses}:${limits.maxProcesses}`);
  return args;
}

/** The first prlimit on PATH-like standard places, or null. */
export function findPrlimit(
  candidates = ['/usr/bin/prlimit', '/bin/prlimit', '/usr/sbin/prlimit'],
): string | null {
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // next
    }
  }
  return null;
}

/**
 * Checks the limits against each other, the platform and the worker's other settings, and says how
 * hosts apply them. Throws an error naming the setting (`label` turns a limit's name into the
 * flag or file setting the operator wrote).
 */
export function planExecutionLimits(
  limits: ExecutionLimits,
  context: {
    label: (name: ExecutionLimitName) => string;
    platform?: NodeJS.Platform;
    executionMode?: 'process' | 'pooled';
    runAsUser?: string | undefined;
    prlimitPath?: string | null;
  },
): LimitsPlan | null {
  const set = (Object.keys(LIMIT_RANGES) as ExecutionLimitName[]).filter((k) => limits[k] !== undefined);
  if (set.length === 0) return null;
  for (const name of set) {
    const value = limits[name]!;
    const { min, max } = LIMIT_RANGES[name];
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${context.label(name)} must be a whole number from ${min} to ${max} (got ${value})`);
  }
  const kernel = prlimitArgs(limits);
  const platform = context.platform ?? process.platform;
  if (kernel.length > 0 && platform !== 'linux') {
    const names = set.filter((n) => n !== 'maxMemoryMb').map(context.label);
    throw new Error(
      `${names.join(', ')}: per-execution kernel limits are set with Linux's prlimit; on ${platform} bound the worker service instead (launchd or a Job Object)`,
    );
  }
  if (limits.maxCpuSeconds !== undefined && context.executionMode === 'pooled')
    throw new Error(
      `${context.label('maxCpuSeconds')}: a pooled host runs many attempts and the CPU limit counts its whole life; use the process execution mode with a CPU limit`,
    );
  if (limits.maxProcesses !== undefined && !context.runAsUser)
    throw new Error(
      `${context.label('maxProcesses')}: the process limit counts every process of the user, the agent's own included; set a run-as user for it`,
    );
  const prlimit =
    kernel.length > 0 ? (context.prlimitPath === undefined ? findPrlimit() : context.prlimitPath) : null;
  if (kernel.length > 0 && !prlimit)
    throw new Error(
      `${set
        .filter((n) => n !== 'maxMemoryMb')
        .map(context.label)
        .join(', ')}: prlimit (util-linux) is not installed on this machine`,
    );
  const execArgv = limits.maxMemoryMb === undefined ? [] : [`--max-old-space-size=${limits.maxMemoryMb}`];
  const hostArgs = kernel.length > 0 ? [`${LIMITS_ARG}${JSON.stringify({ prlimit, args: kernel })}`] : [];
  const summary = set.map((n) => `${n} ${limits[n]}`).join(', ');
  return { execArgv, hostArgs, summary };
}

/**
 * In the execution host, before anything else: applies the kernel limits its arguments carry to
 * itself. Throws (the host exits saying why) when they cannot be applied.
 */
export function applyOwnLimits(argv: readonly string[], pid = process.pid): boolean {
  const arg = argv.find((a) => a.startsWith(LIMITS_ARG));
  if (!arg) return false;
  const { prlimit, args } = JSON.parse(arg.slice(LIMITS_ARG.length)) as { prlimit: string; args: string[] };
  execFileSync(prlimit, ['--pid', String(pid), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  return true;
}

/** Node flags of an execution host a Script task's host inherits (its heap ceiling). */
export function inheritedHeapFlags(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => a.startsWith('--max-old-space-size='));
}
