import { join } from 'node:path';
import type { LogLevel } from '../master-core/logger';
import { ScaleOutError } from '../master-core/protocol/errors';

/** How the desktop app starts its in-process master, from the environment. Pure, unit-tested. */

/** The agent endpoint's usual port, so workers on other machines find the desktop master as they would a headless one. */
export const DEFAULT_AGENT_PORT = 8391;

export interface LaunchConfig {
  dataDir: string;
  /** 0 by default (a free port), so the desktop app never collides with a headless master on 8390. */
  consolePort: number;
  agentPort: number;
  /** True when the agent port was not chosen by the operator: then a busy 8391 falls back to a free port. */
  agentPortIsDefault: boolean;
}

export type LaunchEnv = Readonly<Record<string, string | undefined>>;

/** A TCP port from an environment variable; `undefined` when unset, an error naming the variable when invalid. */
export function parsePort(env: LaunchEnv, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(port) || port > 65_535) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `${name} must be a port number from 0 to 65535, got "${raw}"`,
      {
        field: name,
      },
    );
  }
  return port;
}

export function resolveLaunchConfig(env: LaunchEnv, userDataDir: string): LaunchConfig {
  const agentPort = parsePort(env, 'SCALEOUT_AGENT_PORT');
  const dataDir = env.SCALEOUT_DATA_DIR?.trim();
  return {
    dataDir: dataDir ? dataDir : join(userDataDir, 'data'),
    consolePort: parsePort(env, 'SCALEOUT_CONSOLE_PORT') ?? 0,
    agentPort: agentPort ?? DEFAULT_AGENT_PORT,
    agentPortIsDefault: agentPort === undefined,
  };
}

/** True for the error `listen()` raises when `port` is taken. */
export function isAddressInUse(error: unknown, port: number): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, port: failedPort } = error as { code?: unknown; port?: unknown };
  return code === 'EADDRINUSE' && (failedPort === undefined || failedPort === port);
}

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** $SCALEOUT_LOG_LEVEL when it names a level, else info. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const level = value?.trim().toLowerCase();
  return logLevels.find((known) => known === level) ?? 'info';
}
