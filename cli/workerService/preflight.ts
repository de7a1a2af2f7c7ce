/**
 * The checks `scaleout worker install` makes before it enrols (a one-time token is not spent on
 * an install that cannot finish): platform, privileges, service manager, account, bundle, and
 * that no worker is installed yet. Each refusal says what to do instead.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { BUNDLE_FILES, DEFAULT_USER, rooted, servicePaths } from './serviceFiles';
import type { ServicePaths, ServicePlatform } from './serviceFiles';
import type { Command } from './serviceManager';
import type { ServiceHost } from './serviceHost';

export interface InstallFlags {
  master: string;
  token: string;
  name?: string;
  tags: string[];
  maxTasks?: number;
  workDir?: string;
  user?: string;
  /** systemd resource limits on the whole service (agent and every package it runs). */
  memoryMax?: string;
  tasksMax?: number;
  cpuQuota?: number;
  dryRun: boolean;
  /** Everything is written under this folder instead of / (tests); the CLI allows it with dryRun only. */
  root: string;
}

export interface InstallTarget {
  flags: InstallFlags;
  platform: ServicePlatform;
  paths: ServicePaths;
  user: string;
  /** The command creating the service account, when it is ours to create and missing. */
  createUser: Command | null;
}

const refuse = (message: string, field?: string) =>
  new ScaleOutError('VALIDATION_FAILED', message, field ? { field } : {});

/** Linux and macOS are automated; Windows is documented (docs/worker-install.md). */
export function servicePlatform(platform: NodeJS.Platform): ServicePlatform {
  if (platform === 'linux' || platform === 'darwin') return platform;
  if (platform === 'win32') {
    throw refuse(
      'installing the worker as a Windows service is not automated: see docs/worker-install.md (nssm or sc.exe)',
    );
  }
  throw refuse(`installing the worker as a service is not supported on ${platform}: run the bundle yourself`);
}

/** --root is for trying an install out: the service manager knows only the real root. */
export function checkRootFlag(flags: { dryRun: boolean; root: string }): void {
  if (!isAbsolute(flags.root)) throw refuse(`--root must be an absolute path (got ${flags.root})`, 'root');
  if (flags.root !== '/' && !flags.dryRun) {
    throw refuse('--root is for trying an install out: use it with --dry-run', 'root');
  }
}

/** Changing services needs root (a dry run does not). */
export function checkPrivileges(flags: { dryRun: boolean }, host: Pick<ServiceHost, 'euid'>): void {
  if (!flags.dryRun && host.euid !== null && host.euid !== 0) {
    throw new ScaleOutError(
      'FORBIDDEN',
      'installing a service needs root: run the same command with sudo (or try it with --dry-run --root DIR)',
    );
  }
}

function checkServiceManager(platform: ServicePlatform, host: ServiceHost): void {
  if (platform === 'linux' && (!host.systemdRunning() || !host.hasCommand('systemctl'))) {
    throw new ScaleOutError(
      'UNAVAILABLE',
      'systemd is not running on this machine (no /run/systemd/system), so no service can be installed: run the worker bundle under your own supervisor (docs/worker-install.md)',
    );
  }
  if (platform === 'darwin' && !host.hasCommand('launchctl')) {
    throw new ScaleOutError(
      'UNAVAILABLE',
      'launchctl was not found: launchd is needed to install the service',
    );
  }
}

/** The service account: an existing one, or ours (scaleout-worker) created on Linux. */
async function resolveUser(target: Omit<InstallTarget, 'user' | 'createUser'>, host: ServiceHost) {
  const user = target.flags.user ?? DEFAULT_USER;
  if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(user))
    throw refuse(`--user: "${user}" is not a user name`, 'user');
  if (user === 'root')
    throw refuse('--user root: the worker runs packages; give it an account of its own', 'user');
  const known = await host.run(['id', '-u', user]);
  if (known.code === 0) return { user, createUser: null };
  if (user !== DEFAULT_USER || target.platform !== 'linux') {
    throw new ScaleOutError(
      'NOT_FOUND',
      `unknown user ${user}: create the account first, or leave out --user${target.platform === 'linux' ? ` to have ${DEFAULT_USER} created` : ''}`,
      { field: 'user' },
    );
  }
  if (!target.flags.dryRun && !host.hasCommand('useradd')) {
    throw new ScaleOutError('UNAVAILABLE', `useradd was not found: create the account ${user} first`);
  }
  const createUser: Command = [
    'useradd',
    '--system',
    '--user-group',
    '--home-dir',
    target.paths.workDir,
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    user,
  ];
  return { user, createUser };
}

function checkFlags(flags: InstallFlags): void {
  if (!/^wss?:\/\/[^\s/]+(\/\S*)?$/.test(flags.master)) {
    throw refuse(`--master must be a wss:// URL such as wss://master:8391 (got ${flags.master})`, 'master');
  }
  if (!flags.token.trim()) throw refuse('--token is empty', 'token');
  if (flags.workDir !== undefined && !isAbsolute(flags.workDir)) {
    throw refuse(`--work-dir must be an absolute path (got ${flags.workDir})`, 'workDir');
  }
}

export async function installPreflight(flags: InstallFlags, host: ServiceHost): Promise<InstallTarget> {
  const platform = servicePlatform(host.platform);
  checkFlags(flags);
  checkPrivileges(flags, host);
  if (!flags.dryRun) checkServiceManager(platform, host);
  const bundleDir = host.bundleDir;
  if (!bundleDir || !BUNDLE_FILES.every((f) => existsSync(join(bundleDir, f)))) {
    throw new ScaleOutError('NOT_FOUND', 'the worker bundle (dist/worker/) is missing: run npm run build');
  }
  const paths = servicePaths(platform, flags.workDir);
  if (existsSync(rooted(flags.root, paths.serviceFile))) {
    throw new ScaleOutError(
      'CONFLICT',
      `a worker is already installed here (${rooted(flags.root, paths.serviceFile)}): run scaleout worker uninstall first`,
    );
  }
  const base = { flags, platform, paths };
  return { ...base, ...(await resolveUser(base, host)) };
}

/** A node under a home folder may be out of the service account's reach (ProtectHome, modes). */
export function nodePathWarning(nodePath: string, user: string): string | null {
  if (!/^\/(root|home|Users)\//.test(nodePath)) return null;
  return `warning: the service runs ${nodePath}, inside a home folder that ${user} may not be able to read; install Node system-wide (e.g. /usr/bin/node) if the service does not start`;
}
