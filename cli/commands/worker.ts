import type { Command } from 'commander';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../../worker-agent/agent';
import { createLogger } from '../../master-core/logger';
import type { LogLevel } from '../../master-core/logger';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { int, list } from '../flags';
import { defaultDataDir, hostEntry } from '../paths';
import type { HostPoolMode } from '../../worker-agent/hostPool';

export interface WorkerFlags {
  master: string;
  token?: string;
  name?: string;
  tags: string[];
  maxTasks?: number;
  workDir?: string;
  /** Percent, 1-100 (a string when the flag came without a parser). */
  maxCpu?: number | string;
  /** Megabytes. */
  minFreeMemory?: number | string;
  /** Megabytes. */
  spoolLimit?: number | string;
  executionMode?: string;
  passEnv?: string[];
  keepAttemptDirs?: boolean;
}

const MIB = 2 ** 20;

/** One numeric flag: absent, or a number in [min, max]; anything else is refused naming the flag. */
function numberFlag(
  value: number | string | undefined,
  flag: string,
  field: string,
  range: { min: number; max: number; whole: boolean },
): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  const n = Number(text);
  const shape = range.whole ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!shape.test(text) || n < range.min || n > range.max) {
    const kind = range.whole ? 'a whole number' : 'a number';
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `${flag} must be ${kind} from ${range.min} to ${range.max} (got "${text}")`,
      { field },
    );
  }
  return n;
}

/** The resource limits and spool size of `scaleout worker`, validated; megabytes become bytes. */
export function workerLimits(flags: Pick<WorkerFlags, 'maxCpu' | 'minFreeMemory' | 'spoolLimit'>) {
  const maxCpuPercent = numberFlag(flags.maxCpu, '--max-cpu', 'maxCpu', { min: 1, max: 100, whole: false });
  const minFreeMemoryMb = numberFlag(flags.minFreeMemory, '--min-free-memory', 'minFreeMemory', {
    min: 0,
    max: 16 * MIB,
    whole: true,
  });
  const spoolLimitMb = numberFlag(flags.spoolLimit, '--spool-limit', 'spoolLimit', {
    min: 1,
    max: MIB,
    whole: true,
  });
  return {
    ...(maxCpuPercent === undefined ? {} : { maxCpuPercent }),
    ...(minFreeMemoryMb === undefined ? {} : { minFreeMemoryBytes: minFreeMemoryMb * MIB }),
    ...(spoolLimitMb === undefined ? {} : { spoolLimitBytes: spoolLimitMb * MIB }),
  };
}

const logLevel = (value: string | undefined): LogLevel =>
  value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';

/** `scaleout worker`: a worker agent in the foreground until SIGINT/SIGTERM. */
export async function runWorker(flags: WorkerFlags): Promise<void> {
  const token = flags.token ?? process.env.SCALEOUT_AGENT_TOKEN;
  if (!token) {
    throw new ScaleOutError(
      'UNAUTHORIZED',
      'no agent token: pass --token or set SCALEOUT_AGENT_TOKEN (the master keeps it in <data-dir>/agent.token)',
      { field: 'token' },
    );
  }
  if (!/^wss?:\/\//.test(flags.master)) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `--master must be a ws:// or wss:// URL (got ${flags.master})`,
      { field: 'master' },
    );
  }
  const limits = workerLimits(flags);
  const name = flags.name ?? (await import('node:os')).hostname();
  const log = createLogger(`worker ${name}`, logLevel(process.env.SCALEOUT_LOG_LEVEL));
  const agent = createAgent({
    masterUrl: flags.master,
    token,
    name,
    tags: flags.tags,
    maxTasks: flags.maxTasks ?? Math.max(1, cpus().length),
    workDir: flags.workDir ?? join(defaultDataDir(), 'worker', name.replace(/[^A-Za-z0-9_.-]/g, '_')),
    hostEntry: hostEntry(),
    executionMode: executionMode(flags.executionMode),
    ...(flags.passEnv?.length ? { passEnv: flags.passEnv } : {}),
    keepAttemptDirectories: flags.keepAttemptDirs === true,
    log,
    ...limits,
    // Refused or replaced: retrying cannot help, so exit non-zero (the reason is logged above).
    onFatal: () => process.exit(2),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing running work, then stopping`);
    void agent.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** --execution-mode: process or pooled, refused otherwise naming the flag. */
export function executionMode(value: string | undefined): HostPoolMode {
  if (value === undefined || value === 'process' || value === 'pooled') return value ?? 'process';
  throw new ScaleOutError(
    'VALIDATION_FAILED',
    `--execution-mode must be process or pooled (got "${value}")`,
    { field: 'executionMode' },
  );
}

/** The `worker` command with its flags (program.ts registers it). */
export function registerWorkerCommand(program: Command): Command {
  return program
    .command('worker')
    .description('run a worker agent that pulls work from a master')
    .requiredOption('--master <url>', 'agent endpoint of the master, e.g. ws://host:8391')
    .option('--token <token>', 'agent token (env SCALEOUT_AGENT_TOKEN)')
    .option('--name <name>', 'display name (default: host name)')
    .option('--tags <tags>', 'comma-separated tags for targeting', list, [])
    .option(
      '--max-tasks <n>',
      'how many executions at once (default: CPU count)',
      int('--max-tasks', 1, 1024),
    )
    .option('--work-dir <dir>', 'where attempts run and the worker id and event spool are kept')
    .option('--max-cpu <percent>', 'take no new work while CPU use is above this (1-100; default 100)')
    .option('--min-free-memory <mb>', 'take no new work while free memory is below this many MB (default 0)')
    .option('--spool-limit <mb>', 'MB of unacknowledged events kept in the work directory (default 256)')
    .option(
      '--execution-mode <mode>',
      'process: a fresh process per attempt, a warm spare ready (default); pooled: reuse processes for many small attempts',
      'process',
    )
    .option(
      '--pass-env <names>',
      'environment variables (comma-separated names) passed to packages; others are not',
      list,
      [],
    )
    .option('--keep-attempt-dirs', "keep each attempt's working directory after it ends (default: removed)")
    .action((flags: WorkerFlags) => runWorker(flags));
}
