/**
 * What `scaleout worker install/uninstall/status/logs` asks of the service manager (systemd on
 * Linux, launchd on macOS): the commands as argument lists (run with shell: false) and parsers of
 * their output. Pure; the caller runs the commands.
 */
import { LAUNCHD_LABEL, SERVICE_NAME } from './serviceFiles';
import type { ServicePaths, ServicePlatform } from './serviceFiles';

export type Command = readonly string[];

export interface ServiceState {
  /** Loaded into the service manager (the unit or plist is known to it). */
  loaded: boolean;
  running: boolean;
  pid: number | null;
  /** One line for people, e.g. "active (running)", "failed (exit code 2)". */
  summary: string;
}

export interface ServiceManager {
  name: string;
  /** After the files are written: load, enable at boot and start. */
  installCommands(): Command[];
  /** Before the files are removed: stop and disable. */
  stopCommands(): Command[];
  /** After the files are removed. */
  afterRemoveCommands(): Command[];
  reloadCommand(): Command;
  stateCommand(): Command;
  parseState(output: string): ServiceState;
  logCommand(lines: number, follow: boolean): Command;
}

const UNIT = `${SERVICE_NAME}.service`;

/** `systemctl show` output: one Key=Value a line. */
export function parseSystemdShow(output: string): ServiceState {
  const values = new Map(
    output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
  );
  const active = values.get('ActiveState') ?? 'unknown';
  const sub = values.get('SubState') ?? 'unknown';
  const pid = Number(values.get('MainPID') ?? 0);
  const status = values.get('ExecMainStatus');
  const loaded = values.get('LoadState') === 'loaded';
  const exit = active !== 'active' && status && status !== '0' ? `, last exit code ${status}` : '';
  return {
    loaded,
    running: active === 'active' && sub === 'running',
    pid: pid > 0 ? pid : null,
    summary: loaded ? `${active} (${sub})${exit}` : `not loaded (${values.get('LoadState') ?? 'unknown'})`,
  };
}

/** `launchctl print system/<label>` output: "state = running", "pid = 123", "last exit code = 2". */
export function parseLaunchctlPrint(output: string): ServiceState {
  const field = (name: string) => output.match(new RegExp(`^\\s*${name} = (.+)$`, 'm'))?.[1]?.trim();
  const state = field('state');
  const pid = Number(field('pid') ?? 0);
  const exit = field('last exit code');
  if (!state) return { loaded: false, running: false, pid: null, summary: 'not loaded' };
  return {
    loaded: true,
    running: state === 'running',
    pid: pid > 0 ? pid : null,
    summary: `${state}${exit && state !== 'running' ? `, last exit code ${exit}` : ''}`,
  };
}

export function serviceManager(platform: ServicePlatform, paths: ServicePaths): ServiceManager {
  if (platform === 'darwin') {
    const target = `system/${LAUNCHD_LABEL}`;
    return {
      name: 'launchd',
      installCommands: () => [
        ['launchctl', 'enable', target],
        ['launchctl', 'bootstrap', 'system', paths.serviceFile],
      ],
      stopCommands: () => [['launchctl', 'bootout', target]],
      afterRemoveCommands: () => [],
      reloadCommand: () => ['launchctl', 'kill', 'SIGHUP', target],
      stateCommand: () => ['launchctl', 'print', target],
      parseState: parseLaunchctlPrint,
      logCommand: (lines, follow) => [
        'tail',
        '-n',
        String(lines),
        ...(follow ? ['-F'] : []),
        paths.logFile ?? `${paths.workDir}/worker.log`,
      ],
    };
  }
  return {
    name: 'systemd',
    installCommands: () => [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', UNIT],
    ],
    stopCommands: () => [['systemctl', 'disable', '--now', UNIT]],
    afterRemoveCommands: () => [['systemctl', 'daemon-reload']],
    reloadCommand: () => ['systemctl', 'reload', UNIT],
    stateCommand: () => [
      'systemctl',
      'show',
      UNIT,
      '--property=LoadState,ActiveState,SubState,MainPID,ExecMainStatus',
    ],
    parseState: parseSystemdShow,
    logCommand: (lines, follow) => [
      'journalctl',
      '--unit',
      UNIT,
      '--lines',
      String(lines),
      '--no-pager',
      '--output',
      'cat',
      ...(follow ? ['--follow'] : []),
    ],
  };
}
