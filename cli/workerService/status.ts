/**
 * `scaleout worker status` and `logs`: the service's state, whether the worker is connected (from
 * the status file the worker keeps, `<work-dir>/agent-status.json`) and its last log lines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScaleOutError, coerceError } from '../../master-core/protocol/errors';
import { loadWorkerConfig, workerSettings } from '../../worker-agent/config/workerConfig';
import { credentialsDir, loadCredentials } from '../../worker-agent/credentials';
import { describeConnection, readAgentStatus } from './agentStatus';
import { rooted, servicePaths } from './serviceFiles';
import { serviceManager } from './serviceManager';
import type { ServiceState } from './serviceManager';
import { servicePlatform } from './preflight';
import type { ServiceHost } from './serviceHost';

export const STATUS_LOG_LINES = 10;

function installed(root: string, host: ServiceHost) {
  const platform = servicePlatform(host.platform);
  const defaults = servicePaths(platform);
  const configFile = rooted(root, defaults.configFile);
  if (!existsSync(configFile)) {
    throw new ScaleOutError(
      'NOT_FOUND',
      `no worker is installed here (no ${configFile}): see scaleout worker install`,
    );
  }
  const settings = workerSettings(loadWorkerConfig(configFile));
  const paths = { ...defaults, workDir: settings.workDir };
  return { platform, paths, settings, configFile, manager: serviceManager(platform, paths) };
}

/** The service manager's view; only of the real root (a --root install is not known to it). */
async function serviceState(root: string, host: ServiceHost, target: ReturnType<typeof installed>) {
  if (root !== '/') return { state: null, note: 'not asked (--root)' };
  const command = target.manager.stateCommand();
  if (!host.hasCommand(command[0]!)) return { state: null, note: `unknown (${command[0]} not found)` };
  const result = await host.run(command);
  const state: ServiceState = target.manager.parseState(result.stdout);
  return { state, note: `${state.summary}${state.pid ? `, pid ${state.pid}` : ''}` };
}

async function lastLogLines(root: string, host: ServiceHost, target: ReturnType<typeof installed>) {
  if (root !== '/') return [];
  const command = target.manager.logCommand(STATUS_LOG_LINES, false);
  if (!host.hasCommand(command[0]!)) return [`(${command[0]} not found)`];
  const result = await host.run(command);
  return `${result.stdout}${result.stderr}`.trimEnd().split('\n').filter(Boolean);
}

/** The CA fingerprints the worker pins: its credential's (rotations update them) and the file's. */
function pinnedCas(root: string, target: ReturnType<typeof installed>): string {
  const { settings } = target;
  const dir = rooted(root, settings.credentialDir ?? credentialsDir(settings.workDir));
  try {
    const pins = [...new Set([...(loadCredentials(dir)?.caFingerprints ?? []), ...settings.caFingerprints])];
    return pins.length > 0 ? pins.join(', ') : `none (no credential in ${dir})`;
  } catch (error) {
    return `unreadable credential: ${coerceError(error).message}`;
  }
}

/** Prints the status; returns whether the worker runs and is connected (the exit code says it). */
export async function workerStatus(flags: { root: string }, host: ServiceHost): Promise<boolean> {
  const target = installed(flags.root, host);
  const workDir = rooted(flags.root, target.settings.workDir);
  const idFile = join(workDir, 'worker-id');
  const workerId = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : '(not yet known)';
  const service = await serviceState(flags.root, host, target);
  const connection = describeConnection(readAgentStatus(workDir));
  const logs = await lastLogLines(flags.root, host, target);
  const rows: [string, string][] = [
    ['service', `${target.manager.name}: ${service.note}`],
    ['worker', `${target.settings.name} (${workerId})`],
    ['master', target.settings.masterUrl],
    ['master CA', pinnedCas(flags.root, target)],
    ['connection', connection.text],
    ['config', target.configFile],
    ['work folder', workDir],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  host.out(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join(''));
  if (logs.length > 0) host.out(`last log lines:\n${logs.map((l) => `  ${l}\n`).join('')}`);
  const running = service.state ? service.state.running : true;
  return running && connection.connected;
}

export interface LogsFlags {
  lines: number;
  follow: boolean;
  root: string;
}

/** Shows the worker's log (journalctl, or the launchd log file) in the terminal. */
export async function workerLogs(flags: LogsFlags, host: ServiceHost): Promise<number> {
  const target = installed(flags.root, host);
  const command = [...target.manager.logCommand(flags.lines, flags.follow)];
  if (target.paths.logFile) command[command.length - 1] = rooted(flags.root, target.paths.logFile);
  else if (flags.root !== '/')
    throw new ScaleOutError('VALIDATION_FAILED', 'the journal knows only the real root: leave out --root', {
      field: 'root',
    });
  if (!host.hasCommand(command[0]!)) {
    throw new ScaleOutError('UNAVAILABLE', `${command[0]} was not found: it shows the worker's log`);
  }
  const result = await host.run(command, { inherit: true });
  return result.code ?? 1;
}
