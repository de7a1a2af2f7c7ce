/**
 * The worker configuration file (`worker.yaml`): what a worker installed as a service runs with.
 * Keys follow SSIS's WorkerSettings.config where SSIS has the setting (MasterEndpoint, DisplayName,
 * MaxTaskCount, TaskRequestMaxCPU, TaskRequestMinMemory); the others are ours. One zod schema
 * gives the type, the defaults and the errors, which name the setting. The file is YAML (JSON is
 * YAML too, so a JSON file loads as well) and is written owner-only (0600) with a comment on each
 * setting, so the file documents itself. docs/worker-install.md is the reference.
 */
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { ScaleOutError, coerceError } from '../../master-core/protocol/errors';
import { configChange, workerSettings } from './workerSettings';
import type { WorkerConfigChange, WorkerSettings } from './workerSettings';
import { LIMIT_RANGES } from '../executionLimits';
import type { ExecutionLimitName } from '../executionLimits';

export { configChange, workerSettings };
export type { LiveWorkerSettings, WorkerConfigChange, WorkerSettings } from './workerSettings';

const MIB = 2 ** 20;

const absolutePath = z
  .string()
  .min(1)
  .refine((p) => isAbsolute(p), 'must be an absolute path (a service starts in /)');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name');

export const WorkerConfig = z.strictObject({
  /** The master's agent endpoint (SSIS MasterEndpoint). */
  MasterEndpoint: z
    .string()
    .regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/, 'must be a ws:// or wss:// URL, e.g. wss://master:8391'),
  /** Display name in the console (SSIS DisplayName); default: the host name. */
  DisplayName: z.string().trim().min(1).max(128).optional(),
  /** Tags executions can target (SSIS worker property Tags). */
  Tags: z.array(z.string().trim().min(1).max(64)).max(64).default([]),
  /** Executions at once (SSIS MaxTaskCount, default 10 there); default: the CPU count. */
  MaxTaskCount: z.int().min(1).max(1024).optional(),
  /** Ask for no work while CPU use is above this percent (SSIS TaskRequestMaxCPU, 70 there). */
  TaskRequestMaxCPU: z.number().min(1).max(100).default(100),
  /** Ask for no work while free memory is below this many MB (SSIS TaskRequestMinMemory, 100 there). */
  TaskRequestMinMemory: z
    .int()
    .min(0)
    .max(16 * MIB)
    .default(0),
  /** Attempts, the event spool and the worker id (SSIS TasksRootFolder + ExecutionLogCacheFolder). */
  WorkFolder: absolutePath,
  /** process: a fresh process per attempt; pooled: processes reused for many small attempts. */
  ExecutionMode: z.enum(['process', 'pooled']).default('process'),
  /** Environment variables passed to packages; all others are withheld. */
  PassEnv: z.array(envName).default([]),
  /** MB of unacknowledged package events kept in the work folder (SSIS ExecutionLogMaxBufferLogCount). */
  SpoolLimitMB: z.int().min(1).max(MIB).default(256),
  /** Keep each attempt's folder after it ends, for inspection. */
  KeepAttemptFolders: z.boolean().default(false),
  /** The worker's own credential, written by enrolment (SSIS WorkerHttpsCertThumbprint + store). */
  CredentialFolder: absolutePath.optional(),
  /**
   * Master CA fingerprints to trust besides those in CredentialFolder (SSIS MasterHttpsCertThumbprint).
   * An enrolled worker needs none: its credential folder holds its pins, which CA rotations update.
   */
  MasterCaFingerprints: z.array(z.string().regex(/^\S{8,256}$/, 'must be a fingerprint')).default([]),
  /** A file holding the shared agent token, for masters that authenticate workers by token. */
  AgentTokenFile: absolutePath.optional(),
  /**
   * Linux and macOS: run packages as this unprivileged OS user, so they cannot read the agent's
   * credential or token files (the agent service runs as root to switch; worker-agent/runAs.ts).
   */
  RunAsUser: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/, 'must be a user name')
    .max(64)
    .optional(),
  /** Per execution (Linux; worker-agent/executionLimits.ts): heap MB of each execution host. */
  ExecutionMaxMemoryMB: limit('maxMemoryMb'),
  /** Per execution: open files per process. */
  ExecutionMaxOpenFiles: limit('maxOpenFiles'),
  /** Per execution: CPU seconds (process execution mode). */
  ExecutionMaxCpuSeconds: limit('maxCpuSeconds'),
  /** Per execution: largest file written, MB. */
  ExecutionMaxFileSizeMB: limit('maxFileSizeMb'),
  /** Per execution: processes of the RunAsUser at once. */
  ExecutionMaxProcesses: limit('maxProcesses'),
  /** debug, info, warn or error. */
  LogLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

/** The configuration setting of each per-execution limit, named in errors. */
export const LIMIT_SETTINGS: Record<ExecutionLimitName, string> = {
  maxMemoryMb: 'ExecutionMaxMemoryMB',
  maxOpenFiles: 'ExecutionMaxOpenFiles',
  maxCpuSeconds: 'ExecutionMaxCpuSeconds',
  maxFileSizeMb: 'ExecutionMaxFileSizeMB',
  maxProcesses: 'ExecutionMaxProcesses',
};
export type WorkerConfig = z.output<typeof WorkerConfig>;
export type WorkerConfigInput = z.input<typeof WorkerConfig>;

function fieldOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return issue.keys.join(', ');
  return issue.path.map(String).join('.') || '(file)';
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const known = Object.keys(WorkerConfig.shape).join(', ');
    return `${fieldOf(issue)}: unknown setting (known: ${known})`;
  }
  return `${fieldOf(issue)}: ${issue.message}`;
}

/** Validates a parsed file; throws VALIDATION_FAILED naming the file and each bad setting. */
export function parseWorkerConfig(value: unknown, source: string): WorkerConfig {
  const result = WorkerConfig.safeParse(value ?? {});
  if (result.success) return result.data;
  const [first] = result.error.issues;
  throw new ScaleOutError(
    'VALIDATION_FAILED',
    `invalid worker configuration ${source}: ${result.error.issues.map(describe).join('; ')}`,
    first ? { field: fieldOf(first) } : {},
  );
}

/** Parses the text of a configuration file (YAML or JSON); duplicate keys and tags are refused. */
export function parseWorkerConfigText(text: string, source: string): WorkerConfig {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true, prettyErrors: true });
  const [problem] = [...doc.errors, ...doc.warnings];
  if (problem) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `invalid worker configuration ${source}: ${problem.message}`,
    );
  }
  return parseWorkerConfig(doc.toJS({ maxAliasCount: 100 }), source);
}

export function loadWorkerConfig(file: string): WorkerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const cause = coerceError(error);
    throw new ScaleOutError('NOT_FOUND', `cannot read the worker configuration ${file}: ${cause.message}`, {
      cause,
    });
  }
  return parseWorkerConfigText(text, file);
}

/** What each setting means, written above it in the file. */
const COMMENTS: Record<keyof WorkerConfig, string> = {
  MasterEndpoint: "The master's agent endpoint (SSIS: MasterEndpoint).",
  DisplayName: "The worker's name in the console (SSIS: DisplayName). Default: the host name.",
  Tags: 'Tags that executions can target (scaleout run --tag). Live: applies on reload.',
  MaxTaskCount: 'Executions at once (SSIS: MaxTaskCount). Default: the CPU count. Live.',
  TaskRequestMaxCPU: 'Take no new work while CPU use is above this percent (SSIS: TaskRequestMaxCPU). Live.',
  TaskRequestMinMemory:
    'Take no new work while free memory is below this many MB (SSIS: TaskRequestMinMemory). Live.',
  WorkFolder: 'Attempts, the event spool and the worker id. Never share it between two workers.',
  ExecutionMode: 'process: a fresh process per attempt; pooled: processes reused for many small attempts.',
  PassEnv: 'Environment variables passed to packages; all others are withheld.',
  SpoolLimitMB: 'MB of package events kept on disk until the master has stored them.',
  KeepAttemptFolders: "Keep each attempt's working folder after it ends, for inspection.",
  CredentialFolder: "This worker's own credential (written by enrolment; the key never leaves it).",
  MasterCaFingerprints:
    'Extra master CA fingerprints (SHA-256) to trust. Enrolled workers need none: their pins are in CredentialFolder.',
  AgentTokenFile: 'A file holding the shared agent token (masters that authenticate workers by token).',
  RunAsUser:
    "Linux/macOS: run packages as this unprivileged user, so they cannot read this worker's credential files (the service runs as root).",
  ExecutionMaxMemoryMB:
    'Per execution: heap MB of its execution host and Script task hosts; past it the attempt fails.',
  ExecutionMaxOpenFiles: 'Per execution (Linux, prlimit): open files and sockets per process.',
  ExecutionMaxCpuSeconds: 'Per execution (Linux, prlimit): CPU seconds; process execution mode only.',
  ExecutionMaxFileSizeMB: 'Per execution (Linux, prlimit): largest file a package may write, MB.',
  ExecutionMaxProcesses:
    'Per execution (Linux, prlimit): processes of the RunAsUser at once; needs RunAsUser.',
  LogLevel: 'debug, info, warn or error.',
};

/** The file's text: every setting with its comment; unset optional ones commented out. */
export function renderWorkerConfig(config: WorkerConfigInput): string {
  const valid = parseWorkerConfig(config, '(to be written)');
  const lines = [
    '# Scale Out worker configuration. Reference: docs/worker-install.md.',
    '# Reload (systemctl reload scaleout-worker, or SIGHUP): Tags, MaxTaskCount and the TaskRequest',
    '# limits apply at once; other settings when the service restarts.',
  ];
  for (const key of Object.keys(WorkerConfig.shape) as (keyof WorkerConfig)[]) {
    const value = valid[key];
    const text = value === undefined ? `# ${key}:` : stringify({ [key]: value }, { lineWidth: 0 }).trimEnd();
    lines.push('', `# ${COMMENTS[key]}`, text);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the file owner-only (0600) through a temporary file, so a reader never sees half of it. */
export function saveWorkerConfig(file: string, config: WorkerConfigInput): void {
  writeOwnerOnly(file, renderWorkerConfig(config));
}

/** Changes some settings in place, keeping the operator's comments and layout. */
export function updateWorkerConfig(file: string, patch: Partial<WorkerConfigInput>): WorkerConfig {
  const doc = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) doc.delete(key);
    else doc.set(key, value);
  }
  const config = parseWorkerConfig(doc.toJS(), file);
  writeOwnerOnly(file, doc.toString({ lineWidth: 0 }));
  return config;
}

function writeOwnerOnly(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    chmodSync(temporary, 0o600); // the umask cannot widen it, but an existing file kept its mode
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export interface WorkerConfigWatch {
  /** The settings in force: the first load, then each valid reload. */
  current(): WorkerSettings;
  /** Reloads now (what SIGHUP does): returns the change, or throws what is wrong with the file. */
  reload(): WorkerConfigChange;
  stop(): void;
}

/**
 * Reloads the file on SIGHUP (systemctl reload sends it) and reports each change. An invalid file
 * is reported to `onError` and ignored: the settings in force stay. Call `stop()` to remove the
 * handler. `onChange` is not called for a reload that changed nothing.
 */
export function watchWorkerConfig(
  file: string,
  onChange: (change: WorkerConfigChange) => void,
  options: { onError?: (error: Error) => void; signal?: NodeJS.Signals } = {},
): WorkerConfigWatch {
  let settings = workerSettings(loadWorkerConfig(file));
  const reload = () => {
    const change = configChange(settings, loadWorkerConfig(file));
    settings = change.settings;
    return change;
  };
  const onSignal = () => {
    let change: WorkerConfigChange;
    try {
      change = reload();
    } catch (error) {
      options.onError?.(coerceError(error));
      return;
    }
    if (change.live || change.restartNeeded.length > 0) onChange(change);
  };
  const signal = options.signal ?? 'SIGHUP';
  process.on(signal, onSignal);
  return { current: () => settings, reload, stop: () => process.off(signal, onSignal) };
}
/** A per-execution limit: absent, or a whole number within its range. */
function limit(name: ExecutionLimitName) {
  const { min, max } = LIMIT_RANGES[name];
  return z.int().min(min).max(max).optional();
}
