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
import { credentialsDir, loadCredentials } from '../../worker-agent/credentials';
import type { WorkerCredentials } from '../../worker-agent/credentials';
import { normalizeFingerprint } from '../../master-core/protocol/wire';
import { LIMIT_RANGES } from '../../worker-agent/executionLimits';
import type { ExecutionLimitName, ExecutionLimits } from '../../worker-agent/executionLimits';

export interface WorkerFlags {
  /** Optional once enrolled: the URL stored at enrolment is used. */
  master?: string;
  token?: string;
  /** SHA-256 fingerprints of the master's CA to pin (repeatable, comma-separated). */
  caFingerprint?: string[];
  /** A CA certificate file to trust directly (the master machine's <data-dir>/tls/ca.crt). */
  caFile?: string;
  /** Where enrolment stored the credentials; default <work-dir>/credentials. */
  credentialDir?: string;
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
  /** Linux/macOS, agent as root: execution hosts and their tasks run as this unprivileged user. */
  runAsUser?: string;
  /** Per-execution limits (executionLimits.ts); strings when the flags came without a parser. */
  executionMaxMemory?: number | string;
  executionMaxOpenFiles?: number | string;
  executionMaxCpuSeconds?: number | string;
  executionMaxFileSize?: number | string;
  executionMaxProcesses?: number | string;
}

/** The flag of each per-execution limit, named in errors. */
export const LIMIT_FLAGS: Record<ExecutionLimitName, string> = {
  maxMemoryMb: '--execution-max-memory',
  maxOpenFiles: '--execution-max-open-files',
  maxCpuSeconds: '--execution-max-cpu-seconds',
  maxFileSizeMb: '--execution-max-file-size',
  maxProcesses: '--execution-max-processes',
};

/** The per-execution limits of `scaleout worker`, each a whole number in its range, refused naming the flag. */
export function executionLimitFlags(flags: WorkerFlags): ExecutionLimits {
  const values: Record<ExecutionLimitName, number | string | undefined> = {
    maxMemoryMb: flags.executionMaxMemory,
    maxOpenFiles: flags.executionMaxOpenFiles,
    maxCpuSeconds: flags.executionMaxCpuSeconds,
    maxFileSizeMb: flags.executionMaxFileSize,
    maxProcesses: flags.executionMaxProcesses,
  };
  const limits: ExecutionLimits = {};
  for (const name of Object.keys(values) as ExecutionLimitName[]) {
    const value = numberFlag(values[name], LIMIT_FLAGS[name], name, { ...LIMIT_RANGES[name], whole: true });
    if (value !== undefined) limits[name] = value;
  }
  return limits;
}

const MIB = 2 ** 20;

/** One numeric flag: absent, or a number in [min, max]; anything else is refused naming the flag. */
export function numberFlag(
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

/** How this worker proves itself and whom it trusts, from flags and enrolment; refused naming the flag. */
export function workerTrust(
  flags: Pick<WorkerFlags, 'master' | 'token' | 'caFingerprint' | 'caFile'>,
  credentials: WorkerCredentials | null,
  env: NodeJS.ProcessEnv = process.env,
): { masterUrl: string; token?: string; caFingerprints: string[]; caFile?: string } {
  const masterUrl = flags.master ?? credentials?.masterUrl;
  if (!masterUrl)
    throw new ScaleOutError('VALIDATION_FAILED', '--master is required (e.g. wss://master:8391)', {
      field: 'master',
    });
  if (!/^wss?:\/\//.test(masterUrl)) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `--master must be a ws:// or wss:// URL (got ${masterUrl})`,
      {
        field: 'master',
      },
    );
  }
  const caFingerprints = (flags.caFingerprint ?? []).map((text) => {
    const fingerprint = normalizeFingerprint(text);
    if (!fingerprint)
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `--ca-fingerprint must be a SHA-256 fingerprint, 64 hex digits (got "${text}")`,
        { field: 'caFingerprint' },
      );
    return fingerprint;
  });
  const token = flags.token ?? env.SCALEOUT_AGENT_TOKEN;
  if (!token && !credentials) {
    throw new ScaleOutError(
      'UNAUTHORIZED',
      'no credential: enrol this worker (scaleout worker enrol --master wss://HOST:8391 --token TOKEN), or on the master machine pass --token / SCALEOUT_AGENT_TOKEN (<data-dir>/agent.token)',
      { field: 'token' },
    );
  }
  if (masterUrl.startsWith('wss:') && caFingerprints.length === 0 && !flags.caFile && !credentials) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      'wss:// needs the master pinned: --ca-fingerprint SHA256 (scaleout master prints it) or --ca-file <data-dir>/tls/ca.crt, or enrol this worker',
      { field: 'caFingerprint' },
    );
  }
  return {
    masterUrl,
    ...(token ? { token } : {}),
    caFingerprints,
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
  };
}

/** `scaleout worker`: a worker agent in the foreground until SIGINT/SIGTERM. */
export async function runWorker(flags: WorkerFlags): Promise<void> {
  const defaultName = flags.name ?? (await import('node:os')).hostname();
  const workDir =
    flags.workDir ?? join(defaultDataDir(), 'worker', defaultName.replace(/[^A-Za-z0-9_.-]/g, '_'));
  const credentialDir = flags.credentialDir ?? credentialsDir(workDir);
  const credentials = loadCredentials(credentialDir);
  const trust = workerTrust(flags, credentials);
  const limits = workerLimits(flags);
  const executionLimits = executionLimitFlags(flags);
  const name = flags.name ?? credentials?.name ?? defaultName;
  const log = createLogger(`worker ${name}`, logLevel(process.env.SCALEOUT_LOG_LEVEL));
  const agent = createAgent({
    ...trust,
    credentialDir,
    name,
    tags: flags.tags.length > 0 ? flags.tags : (credentials?.tags ?? []),
    maxTasks: flags.maxTasks ?? Math.max(1, cpus().length),
    workDir,
    hostEntry: hostEntry(),
    executionMode: executionMode(flags.executionMode),
    ...(flags.passEnv?.length ? { passEnv: flags.passEnv } : {}),
    keepAttemptDirectories: flags.keepAttemptDirs === true,
    ...(flags.runAsUser ? { runAsUser: flags.runAsUser } : {}),
    executionLimits,
    limitLabel: (name) => LIMIT_FLAGS[name],
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
    .enablePositionalOptions()
    .option(
      '--master <url>',
      'agent endpoint of the master, e.g. wss://host:8391 (default: the one enrolled with)',
    )
    .option(
      '--token <token>',
      'shared agent token, master machine only (env SCALEOUT_AGENT_TOKEN); enrolled workers need none',
    )
    .option(
      '--ca-fingerprint <sha256>',
      "pin the master's CA by its SHA-256 fingerprint (repeatable)",
      list,
      [],
    )
    .option('--ca-file <file>', "trust the master's CA certificate file directly (<data-dir>/tls/ca.crt)")
    .option(
      '--credential-dir <dir>',
      'where enrolment stored this worker credential (default <work-dir>/credentials)',
    )
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
    .option(
      '--run-as-user <name>',
      'run packages as this unprivileged user (Linux/macOS; the agent runs as root); they cannot read its credentials',
    )
    .option('--execution-max-memory <mb>', 'per execution (Linux): heap MB of its execution host')
    .option('--execution-max-open-files <n>', 'per execution (Linux, prlimit): open files per process')
    .option('--execution-max-cpu-seconds <s>', 'per execution (Linux, prlimit): CPU seconds (process mode)')
    .option('--execution-max-file-size <mb>', 'per execution (Linux, prlimit): largest file written, MB')
    .option(
      '--execution-max-processes <n>',
      'per execution (Linux, prlimit): processes of the run-as user at once (needs --run-as-user)',
    )
    .action((flags: WorkerFlags) => runWorker(flags));
}
