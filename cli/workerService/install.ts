/**
 * `scaleout worker install` and `uninstall`: enrol this machine's worker, write its configuration
 * file, copy the worker bundle where the service runs it, write the systemd unit or launchd plist,
 * and start the service. Every check that can refuse runs before enrolment, so a one-time token
 * is not spent on an install that cannot finish. docs/worker-install.md
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { loadWorkerConfig, saveWorkerConfig, workerSettings } from '../../worker-agent/config/workerConfig';
import { waitForAgentStatus } from './agentStatus';
import { workerStatus } from './status';
import { configAfterEnrolment } from './enrolConfig';
import { BUNDLE_FILES, launchdPlist, rooted, servicePaths, systemdUnit } from './serviceFiles';
import type { ServicePaths } from './serviceFiles';
import { serviceManager } from './serviceManager';
import type { Command } from './serviceManager';
import { checkPrivileges, installPreflight, nodePathWarning, servicePlatform } from './preflight';
import type { InstallFlags, InstallTarget } from './preflight';
import type { ServiceHost } from './serviceHost';

export type { InstallFlags } from './preflight';

const show = (command: Command) => command.map((w) => (/[\s"']/.test(w) ? JSON.stringify(w) : w)).join(' ');

/** Runs each command, or only prints it in a dry run; a failure stops with its output. */
async function runAll(host: ServiceHost, commands: Command[], dryRun: boolean): Promise<void> {
  for (const command of commands) {
    if (dryRun) {
      host.out(`  would run: ${show(command)}\n`);
      continue;
    }
    const result = await host.run(command);
    if (result.code !== 0) {
      const output = `${result.stderr}${result.stdout}`.trim();
      throw new ScaleOutError('INTERNAL', `${show(command)} failed (exit ${result.code}): ${output}`);
    }
  }
}

function copyBundle(from: string, to: string): void {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const file of BUNDLE_FILES) {
    for (const name of [file, `${file}.map`]) {
      if (!existsSync(join(from, name))) continue;
      copyFileSync(join(from, name), join(to, name));
      chmodSync(join(to, name), 0o644); // root's, read-only to the service: it cannot change its own code
    }
  }
}

/** Writes the bundle, the configuration and the service definition under the root. */
function writeFiles(
  target: InstallTarget,
  host: ServiceHost,
  enrolled: Awaited<ReturnType<ServiceHost['enrol']>>,
) {
  const { flags, paths } = target;
  const at = (path: string) => rooted(flags.root, path);
  const config = configAfterEnrolment({ ...flags, workDir: paths.workDir }, enrolled);
  const credentialDir = config.CredentialFolder!;
  copyBundle(host.bundleDir!, at(paths.bundleDir));
  mkdirSync(at(paths.workDir), { recursive: true, mode: 0o700 });
  const idFile = join(at(paths.workDir), 'worker-id');
  if (!existsSync(idFile)) writeFileSync(idFile, `${enrolled.workerId}\n`);
  mkdirSync(dirname(at(paths.configFile)), { recursive: true, mode: 0o755 });
  saveWorkerConfig(at(paths.configFile), config);
  const outside = relative(paths.workDir, credentialDir).startsWith('..') ? [credentialDir] : [];
  const limits = {
    ...(flags.memoryMax ? { memoryMax: flags.memoryMax } : {}),
    ...(flags.tasksMax ? { tasksMax: flags.tasksMax } : {}),
    ...(flags.cpuQuota ? { cpuQuota: flags.cpuQuota } : {}),
  };
  const definition = { user: target.user, nodePath: host.nodePath, paths, extraWritable: outside, limits };
  const text = target.platform === 'darwin' ? launchdPlist(definition) : systemdUnit(definition);
  mkdirSync(dirname(at(paths.serviceFile)), { recursive: true });
  writeFileSync(at(paths.serviceFile), text, { mode: 0o644 });
  if (paths.logFile) mkdirSync(dirname(at(paths.logFile)), { recursive: true, mode: 0o755 });
  return { text, writable: [paths.workDir, ...outside] };
}

export async function installWorker(flags: InstallFlags, host: ServiceHost): Promise<void> {
  const target = await installPreflight(flags, host);
  const { paths, platform } = target;
  const warning = nodePathWarning(host.nodePath, target.user);
  if (warning) host.out(`${warning}\n`);
  const enrolled = await host.enrol({
    masterUrl: flags.master,
    token: flags.token,
    ...(flags.name ? { name: flags.name } : {}),
    tags: flags.tags,
    workDir: rooted(flags.root, paths.workDir),
  });
  host.out(
    `enrolled as worker ${enrolled.workerId}; the master's CA ${enrolled.caFingerprint || '(none)'} is pinned\n`,
  );
  if (target.createUser && !flags.dryRun) await runAll(host, [target.createUser], false);
  const { text, writable } = writeFiles(target, host, enrolled);
  for (const path of [paths.bundleDir, paths.configFile, paths.serviceFile]) {
    host.out(`wrote ${rooted(flags.root, path)}\n`);
  }
  const owned = [...writable, paths.configFile, ...(paths.logFile ? [dirname(paths.logFile)] : [])];
  const chown: Command[] = owned.map((p) => ['chown', '-R', target.user, rooted(flags.root, p)]);
  const manager = serviceManager(platform, paths);
  if (flags.dryRun) {
    host.out(
      `${paths.serviceFile}:\n${text.replace(/^/gm, '  ')}\ndry run: the service manager was not touched\n`,
    );
    await runAll(
      host,
      [...(target.createUser ? [target.createUser] : []), ...chown, ...manager.installCommands()],
      true,
    );
    return;
  }
  await runAll(host, [...chown, ...manager.installCommands()], false);
  host.out(`started the ${manager.name} service; waiting for the worker to connect...\n`);
  await waitForAgentStatus(
    rooted(flags.root, paths.workDir),
    (s) => s?.connected === true,
    host.connectWaitMs,
  );
  await workerStatus({ root: flags.root }, host);
}

export interface UninstallFlags {
  purge: boolean;
  dryRun: boolean;
  root: string;
}

/** The installed paths: those of the configuration file when there is one, else the defaults. */
export function installedPaths(root: string, defaults: ServicePaths) {
  const file = rooted(root, defaults.configFile);
  if (!existsSync(file)) return { paths: defaults, credentialDir: undefined, name: null };
  const settings = workerSettings(loadWorkerConfig(file));
  const paths = { ...defaults, workDir: settings.workDir };
  return { paths, credentialDir: settings.credentialDir, name: settings.name };
}

function remove(path: string, host: ServiceHost, what: string): void {
  if (!existsSync(path)) return;
  rmSync(path, { recursive: true, force: true });
  host.out(`removed ${what} ${path}\n`);
}

export async function uninstallWorker(flags: UninstallFlags, host: ServiceHost): Promise<void> {
  const platform = servicePlatform(host.platform);
  const { paths, credentialDir, name } = installedPaths(flags.root, servicePaths(platform));
  const at = (path: string) => rooted(flags.root, path);
  if (![paths.serviceFile, paths.configFile, paths.bundleDir].some((p) => existsSync(at(p)))) {
    throw new ScaleOutError('NOT_FOUND', `no worker is installed here (no ${at(paths.serviceFile)})`);
  }
  checkPrivileges(flags, host);
  const manager = serviceManager(platform, paths);
  if (existsSync(at(paths.serviceFile))) {
    // Stopping a service that is not loaded fails: that is not a reason to keep its files.
    for (const command of manager.stopCommands()) {
      if (flags.dryRun) host.out(`  would run: ${show(command)}\n`);
      else await host.run(command);
    }
  }
  remove(at(paths.serviceFile), host, 'the service definition');
  await runAll(host, manager.afterRemoveCommands(), flags.dryRun);
  remove(at(paths.bundleDir), host, 'the worker bundle');
  if (flags.purge) {
    remove(at(paths.configFile), host, 'the configuration');
    const configDir = dirname(at(paths.configFile));
    if (existsSync(configDir) && readdirSync(configDir).length === 0) rmSync(configDir, { recursive: true });
    if (credentialDir) remove(at(credentialDir), host, 'the credential');
    remove(at(paths.workDir), host, 'the work folder');
    if (paths.logFile) remove(at(paths.logFile), host, 'the log');
  } else {
    host.out(
      `kept ${at(paths.configFile)} and ${at(paths.workDir)} (worker id, credential, unsent events): --purge removes them\n`,
    );
  }
  host.out(
    `revoke the worker on the master as well, so that its credential is refused from now on: scaleout workers revoke ${name ?? '<name>'}\n`,
  );
}
