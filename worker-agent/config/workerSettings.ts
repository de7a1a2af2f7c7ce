/**
 * The settings of a worker agent resolved from its configuration file (every default filled in,
 * named as createAgent names them), and what a reload of the file changes: the pure half of
 * workerConfig.ts.
 */
import { cpus, hostname } from 'node:os';
import type { HostPoolMode } from '../hostPool';
import type { WorkerConfig } from './workerConfig';
import type { ExecutionLimits } from '../executionLimits';

const MIB = 2 ** 20;

/** The settings of a worker agent, with every default resolved, named as createAgent names them. */
export interface WorkerSettings {
  masterUrl: string;
  name: string;
  tags: string[];
  maxTasks: number;
  workDir: string;
  maxCpuPercent: number;
  minFreeMemoryBytes: number;
  executionMode: HostPoolMode;
  passEnv: string[];
  spoolLimitBytes: number;
  keepAttemptDirectories: boolean;
  credentialDir: string | undefined;
  caFingerprints: string[];
  tokenFile: string | undefined;
  /** Run packages as this OS user (runAs.ts); undefined: the agent's own user. */
  runAsUser: string | undefined;
  /** What each execution may take (executionLimits.ts); restart to change. */
  executionLimits: ExecutionLimits;
  logLevel: WorkerConfig['LogLevel'];
}

/** What a running agent can take without a restart (the master is told at once). */
export interface LiveWorkerSettings {
  tags: string[];
  maxTasks: number;
  maxCpuPercent: number;
  minFreeMemoryBytes: number;
}
const LIVE_KEYS = ['tags', 'maxTasks', 'maxCpuPercent', 'minFreeMemoryBytes'] as const;

export function workerSettings(config: WorkerConfig): WorkerSettings {
  return {
    masterUrl: config.MasterEndpoint,
    name: config.DisplayName ?? hostname(),
    tags: config.Tags,
    maxTasks: config.MaxTaskCount ?? Math.max(1, cpus().length),
    workDir: config.WorkFolder,
    maxCpuPercent: config.TaskRequestMaxCPU,
    minFreeMemoryBytes: config.TaskRequestMinMemory * MIB,
    executionMode: config.ExecutionMode,
    passEnv: config.PassEnv,
    spoolLimitBytes: config.SpoolLimitMB * MIB,
    keepAttemptDirectories: config.KeepAttemptFolders,
    credentialDir: config.CredentialFolder,
    caFingerprints: config.MasterCaFingerprints,
    tokenFile: config.AgentTokenFile,
    runAsUser: config.RunAsUser,
    executionLimits: {
      ...(config.ExecutionMaxMemoryMB === undefined ? {} : { maxMemoryMb: config.ExecutionMaxMemoryMB }),
      ...(config.ExecutionMaxOpenFiles === undefined ? {} : { maxOpenFiles: config.ExecutionMaxOpenFiles }),
      ...(config.ExecutionMaxCpuSeconds === undefined
        ? {}
        : { maxCpuSeconds: config.ExecutionMaxCpuSeconds }),
      ...(config.ExecutionMaxFileSizeMB === undefined
        ? {}
        : { maxFileSizeMb: config.ExecutionMaxFileSizeMB }),
      ...(config.ExecutionMaxProcesses === undefined ? {} : { maxProcesses: config.ExecutionMaxProcesses }),
    },
    logLevel: config.LogLevel,
  };
}

/** A change of the file, split into what applies live and what needs a restart of the service. */
export interface WorkerConfigChange {
  config: WorkerConfig;
  settings: WorkerSettings;
  /** The new live settings when any of them changed, else null. */
  live: LiveWorkerSettings | null;
  /** Settings (WorkerSettings names) that changed but only apply when the service restarts. */
  restartNeeded: (keyof WorkerSettings)[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares two loads of the file. Pure. */
export function configChange(before: WorkerSettings, config: WorkerConfig): WorkerConfigChange {
  const after = workerSettings(config);
  const changed = (Object.keys(after) as (keyof WorkerSettings)[]).filter((k) => !same(before[k], after[k]));
  const isLive = (k: keyof WorkerSettings) => (LIVE_KEYS as readonly string[]).includes(k);
  const liveChanged = changed.some(isLive);
  return {
    config,
    settings: after,
    live: liveChanged
      ? {
          tags: after.tags,
          maxTasks: after.maxTasks,
          maxCpuPercent: after.maxCpuPercent,
          minFreeMemoryBytes: after.minFreeMemoryBytes,
        }
      : null,
    restartNeeded: changed.filter((k) => !isLive(k)),
  };
}
