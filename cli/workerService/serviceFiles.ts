/**
 * Where an installed worker lives on each platform and the service definitions that run it: the
 * systemd unit (Linux) and the launchd daemon (macOS). Pure: `scaleout worker install` writes what
 * these return; tests read it.
 */
import { isAbsolute, join, relative, sep } from 'node:path';

export type ServicePlatform = 'linux' | 'darwin';
export const SERVICE_NAME = 'scaleout-worker';
export const LAUNCHD_LABEL = 'com.scaleout.worker';
/** The files of the worker bundle (dist/worker/), copied together: the agent forks its siblings. */
export const BUNDLE_FILES = ['scaleout-worker.mjs', 'executionHost.mjs', 'scriptHost.mjs'] as const;
export const DEFAULT_USER = 'scaleout-worker';

export interface ServicePaths {
  configFile: string;
  /** Where the bundle is copied: the service runs this copy, not the one install ran from. */
  bundleDir: string;
  workDir: string;
  /** The systemd unit or the launchd plist. */
  serviceFile: string;
  /** launchd writes the worker's output here; systemd keeps it in the journal (null). */
  logFile: string | null;
}

/** The paths as the installed service sees them (without --root). */
export function servicePaths(platform: ServicePlatform, workDir?: string): ServicePaths {
  if (platform === 'darwin') {
    return {
      configFile: '/usr/local/etc/scaleout-worker/worker.yaml',
      bundleDir: '/usr/local/lib/scaleout-worker',
      workDir: workDir ?? '/usr/local/var/scaleout-worker',
      serviceFile: `/Library/LaunchDaemons/${LAUNCHD_LABEL}.plist`,
      logFile: '/usr/local/var/log/scaleout-worker/worker.log',
    };
  }
  return {
    configFile: '/etc/scaleout-worker/worker.yaml',
    bundleDir: '/opt/scaleout-worker',
    workDir: workDir ?? '/var/lib/scaleout-worker',
    serviceFile: `/etc/systemd/system/${SERVICE_NAME}.service`,
    logFile: null,
  };
}

/** A system path under --root (a temporary root in tests; `/` for real). */
export function rooted(root: string, path: string): string {
  return root === '/' ? path : join(root, path);
}

/** The inverse of rooted(): how the service will see a path written under the root. */
export function unrooted(root: string, path: string): string {
  if (root === '/') return path;
  const inside = relative(root, path);
  if (inside.startsWith('..') || isAbsolute(inside)) return path;
  return `${sep}${inside}`;
}

export interface ServiceDefinition {
  user: string;
  /** Absolute path of the node binary (systemd and launchd do not search PATH the same way). */
  nodePath: string;
  paths: ServicePaths;
  /** Folders outside the work folder the worker must write (a credential folder kept elsewhere). */
  extraWritable?: string[];
  /** systemd's cgroup limits for the service: the agent and every package it runs, together. */
  limits?: ServiceLimits;
}

export interface ServiceLimits {
  /** MemoryMax=, e.g. "4G" (bytes with an optional K, M, G or T). */
  memoryMax?: string;
  /** TasksMax=: processes and threads. */
  tasksMax?: number;
  /** CPUQuota= in percent of one CPU (200 = two CPUs). */
  cpuQuota?: number;
}

/** The [Service] lines for the limits; a comment naming the settings when none is set. */
function limitLines(limits: ServiceLimits = {}): string {
  const lines = [
    ...(limits.memoryMax ? [`MemoryMax=${limits.memoryMax}`] : []),
    ...(limits.tasksMax ? [`TasksMax=${limits.tasksMax}`] : []),
    ...(limits.cpuQuota ? [`CPUQuota=${limits.cpuQuota}%`] : []),
  ];
  return lines.length > 0
    ? `# Resource limits for the agent and every package it runs (install --memory-max/--tasks-max/--cpu-quota).\n${lines.join('\n')}`
    : '# No resource limits: install --memory-max, --tasks-max or --cpu-quota set MemoryMax=, TasksMax=, CPUQuota=.';
}

/** systemd does not split on quotes it does not need; a path with a space gets them. */
const systemdWord = (word: string) => (/[\s"\\]/.test(word) ? `"${word.replace(/(["\\])/g, '\\$1')}"` : word);

export function systemdUnit(service: ServiceDefinition): string {
  const { paths } = service;
  const execStart = [service.nodePath, join(paths.bundleDir, BUNDLE_FILES[0]), '--config', paths.configFile];
  const writable = [paths.workDir, ...(service.extraWritable ?? [])].map(systemdWord).join(' ');
  return `# Written by \`scaleout worker install\`; \`scaleout worker uninstall\` removes it.
# Reference: docs/worker-install.md
[Unit]
Description=Scale Out worker agent
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=${service.user}
ExecStart=${execStart.map(systemdWord).join(' ')}
# Reload re-reads the configuration file: tags, max tasks and thresholds apply without a restart.
ExecReload=/bin/kill -HUP $MAINPID
Restart=on-failure
RestartSec=5
# Exit code 2: the master refused this worker (credential, version) or another agent took its id.
# Restarting cannot help; the reason is in the journal.
RestartPreventExitStatus=2
# SIGTERM to the agent only: it lets running attempts finish for up to 10 s, then stops them.
KillMode=mixed
TimeoutStopSec=30
UMask=0077
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths=${writable}
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
RestrictNamespaces=yes
LockPersonality=yes
# Not MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time.
${limitLines(service.limits)}

[Install]
WantedBy=multi-user.target
`;
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function launchdPlist(service: ServiceDefinition): string {
  const { paths } = service;
  const args = [service.nodePath, join(paths.bundleDir, BUNDLE_FILES[0]), '--config', paths.configFile];
  const log = paths.logFile ?? join(paths.workDir, 'worker.log');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by scaleout worker install; scaleout worker uninstall removes it. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL}</string>
  <key>UserName</key>
  <string>${xml(service.user)}</string>
  <key>ProgramArguments</key>
  <array>
${args.map((a) => `    <string>${xml(a)}</string>`).join('\n')}
  </array>
  <key>WorkingDirectory</key>
  <string>${xml(paths.workDir)}</string>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>5</integer>
  <key>ExitTimeOut</key>
  <integer>30</integer>
  <key>Umask</key>
  <integer>63</integer>
  <key>StandardOutPath</key>
  <string>${xml(log)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(log)}</string>
</dict>
</plist>
`;
}
