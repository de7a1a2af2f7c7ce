/**
 * A worker agent run from its configuration file: what the installed service runs
 * (`node scaleout-worker.mjs --config /etc/scaleout-worker/worker.yaml`). SIGHUP re-reads the
 * file; SIGTERM drains and stops, as `scaleout worker` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAgent } from '../../worker-agent/agent';
import type { Agent } from '../../worker-agent/agent';
import {
  LIMIT_SETTINGS,
  loadWorkerConfig,
  watchWorkerConfig,
  workerSettings,
} from '../../worker-agent/config/workerConfig';
import type { LiveWorkerSettings, WorkerSettings } from '../../worker-agent/config/workerConfig';
import { credentialsDir, hasCredentials } from '../../worker-agent/credentials';
import { createLogger } from '../../master-core/logger';
import type { Logger } from '../../master-core/logger';
import { ScaleOutError, coerceError } from '../../master-core/protocol/errors';
import { hostEntry } from '../paths';
import { trackAgentStatus } from './agentStatus';
import { planExecutionLimits } from '../../worker-agent/executionLimits';

/**
 * The execution host the agent forks: beside the running file (dist/worker/executionHost.mjs next
 * to scaleout-worker.mjs, wherever that folder was copied), else the repository's dist/.
 */
export function workerHostEntry(moduleUrl: string = import.meta.url): string {
  const beside = join(dirname(fileURLToPath(moduleUrl)), 'executionHost.mjs');
  return existsSync(beside) ? beside : hostEntry();
}

/**
 * How the worker proves itself: its credential from enrolment (CredentialFolder, default
 * `<WorkFolder>/credentials`), or a shared agent token (SCALEOUT_AGENT_TOKEN, else the file
 * AgentTokenFile names) for masters that take one. Neither is refused before connecting.
 */
export function agentAuth(
  settings: WorkerSettings,
  env: NodeJS.ProcessEnv = process.env,
): { token?: string; credentialDir: string } {
  const credentialDir = settings.credentialDir ?? credentialsDir(settings.workDir);
  if (env.SCALEOUT_AGENT_TOKEN) return { token: env.SCALEOUT_AGENT_TOKEN, credentialDir };
  if (settings.tokenFile) {
    try {
      return { token: readFileSync(settings.tokenFile, 'utf8').trim(), credentialDir };
    } catch (error) {
      throw new ScaleOutError('UNAUTHORIZED', `AgentTokenFile: cannot read ${settings.tokenFile}`, {
        field: 'AgentTokenFile',
        cause: error,
      });
    }
  }
  if (hasCredentials(credentialDir)) return { credentialDir };
  throw new ScaleOutError(
    'UNAUTHORIZED',
    `no credential in ${credentialDir} and no AgentTokenFile: enrol this worker (scaleout worker install), or set CredentialFolder or AgentTokenFile`,
    { field: 'CredentialFolder' },
  );
}

/** An agent that can take new live settings (tags, max tasks, thresholds) without a restart. */
interface Reconfigurable {
  reconfigure(settings: LiveWorkerSettings): void;
}
const canReconfigure = (agent: Agent): agent is Agent & Reconfigurable =>
  typeof (agent as Partial<Reconfigurable>).reconfigure === 'function';

function watchForReload(file: string, agent: Agent, log: Logger): { stop(): void } {
  return watchWorkerConfig(
    file,
    (change) => {
      if (change.live && canReconfigure(agent)) {
        agent.reconfigure(change.live);
        log.info(`configuration reloaded: now ${JSON.stringify(change.live)}`);
      } else if (change.live) {
        log.warn(
          'configuration reloaded, but this agent cannot change its settings live: restart the service',
        );
      }
      if (change.restartNeeded.length > 0) {
        log.warn(
          `configuration reloaded: ${change.restartNeeded.join(', ')} apply when the service restarts`,
        );
      }
    },
    {
      onError: (error) =>
        log.error(`configuration not reloaded, the settings in force stay: ${error.message}`),
    },
  );
}

/** Checks the file and prints the settings it gives, without starting anything. */
export function checkWorkerConfig(file: string, write = (text: string) => process.stdout.write(text)): void {
  const settings = workerSettings(loadWorkerConfig(file));
  // The per-execution limits against each other, the execution mode and this machine, as the agent will.
  try {
    planExecutionLimits(settings.executionLimits, {
      label: (name) => LIMIT_SETTINGS[name],
      executionMode: settings.executionMode,
      runAsUser: settings.runAsUser,
    });
  } catch (error) {
    const field = Object.values(LIMIT_SETTINGS).find((name) => coerceError(error).message.startsWith(name));
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `invalid worker configuration ${file}: ${coerceError(error).message}`,
      field ? { field } : {},
    );
  }
  write(`${file} is valid:\n${JSON.stringify(settings, null, 2)}\n`);
}

/** The logger, calling `after` once each line is written (the status file follows the agent's log). */
function observed(log: Logger, after: () => void): Logger {
  const wrap =
    (write: (message: string) => void) =>
    (message: string): void => {
      write(message);
      after();
    };
  return { debug: wrap(log.debug), info: wrap(log.info), warn: wrap(log.warn), error: wrap(log.error) };
}

export function runWorkerFromConfig(file: string): Agent {
  const settings = workerSettings(loadWorkerConfig(file));
  const auth = agentAuth(settings);
  let status: ReturnType<typeof trackAgentStatus> | null = null;
  const log = observed(createLogger(`worker ${settings.name}`, settings.logLevel), () => status?.check());
  const agent = createAgent({
    masterUrl: settings.masterUrl,
    ...auth,
    caFingerprints: settings.caFingerprints,
    name: settings.name,
    tags: settings.tags,
    maxTasks: settings.maxTasks,
    workDir: settings.workDir,
    hostEntry: workerHostEntry(),
    executionMode: settings.executionMode,
    passEnv: settings.passEnv,
    keepAttemptDirectories: settings.keepAttemptDirectories,
    ...(settings.runAsUser ? { runAsUser: settings.runAsUser } : {}),
    executionLimits: settings.executionLimits,
    limitLabel: (name) => LIMIT_SETTINGS[name],
    maxCpuPercent: settings.maxCpuPercent,
    minFreeMemoryBytes: settings.minFreeMemoryBytes,
    spoolLimitBytes: settings.spoolLimitBytes,
    log,
    // Refused or replaced: retrying cannot help. Exit code 2 stops systemd restarting us.
    onFatal: () => {
      status?.stop();
      process.exit(2);
    },
  });
  status = trackAgentStatus(
    settings.workDir,
    { pid: process.pid, workerId: agent.workerId, name: settings.name, masterUrl: settings.masterUrl },
    agent.isConnected,
  );
  const reload = watchForReload(file, agent, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing running work, then stopping`);
    reload.stop();
    agent
      .stop()
      .catch((error: unknown) => log.error(`stop failed: ${coerceError(error).message}`))
      .finally(() => {
        status?.stop();
        process.exit(0);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return agent;
}
