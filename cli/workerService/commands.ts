/**
 * The subcommands of `scaleout worker` that manage this machine's worker service: install,
 * uninstall, status, logs. The machine comes from `host()`, so tests run them on a temporary
 * root with their own enrolment and command runner.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { int, list, memorySize } from '../flags';
import { installWorker, uninstallWorker } from './install';
import { checkRootFlag } from './preflight';
import type { ServiceHost } from './serviceHost';
import { workerLogs, workerStatus } from './status';

const rootOption = () =>
  new Option('--root <dir>', 'write under this folder instead of / (to try it out; with --dry-run)').default(
    '/',
  );

/**
 * Registers the subcommands on `worker`. Its own options (--master, --token, --name...) mean other
 * things than theirs: with positional options (on `worker` and on the program, as program.ts sets
 * them) each option belongs to the command it follows.
 */
export function registerWorkerServiceCommands(worker: Command, host: () => ServiceHost): Command {
  worker.enablePositionalOptions();
  worker
    .command('install')
    .description(
      'enrol this machine as a worker and run it as a service (systemd on Linux, launchd on macOS)',
    )
    .requiredOption('--master <url>', "the master's agent endpoint, e.g. wss://master:8391")
    .addOption(
      new Option('--token <token>', 'one-time enrolment token from the console or the CLI')
        .env('SCALEOUT_ENROLMENT_TOKEN')
        .makeOptionMandatory(),
    )
    .option('--name <name>', 'display name (default: the host name, or the one the token presets)')
    .option('--tags <tags>', 'comma-separated tags for targeting', list, [])
    .option('--max-tasks <n>', 'executions at once (default: the CPU count)', int('--max-tasks', 1, 1024))
    .option('--work-dir <dir>', 'absolute path of the work folder (default /var/lib/scaleout-worker)')
    .option('--user <user>', 'account the service runs as (default scaleout-worker, created on Linux)')
    .option(
      '--memory-max <size>',
      'systemd MemoryMax for the worker and its packages, e.g. 4G (bytes, or K, M, G, T)',
      memorySize,
    )
    .option(
      '--tasks-max <n>',
      'systemd TasksMax: processes and threads of the worker and its packages',
      int('--tasks-max', 16, 1_000_000),
    )
    .option(
      '--cpu-quota <percent>',
      'systemd CPUQuota in percent of one CPU (200 = two CPUs)',
      int('--cpu-quota', 1, 100_000),
    )
    .option('--dry-run', 'enrol and write the files, but do not touch the service manager', false)
    .addOption(rootOption())
    .action((flags: Parameters<typeof installWorker>[0]) => {
      checkRootFlag(flags);
      return installWorker({ ...flags, root: resolve(flags.root) }, host());
    });
  worker
    .command('uninstall')
    .description('stop and remove the worker service; the work folder stays unless --purge')
    .option('--purge', 'also remove the configuration, the work folder and the credential', false)
    .option('--dry-run', 'remove the files, but do not touch the service manager', false)
    .addOption(rootOption())
    .action((flags: Parameters<typeof uninstallWorker>[0]) => {
      checkRootFlag(flags);
      return uninstallWorker({ ...flags, root: resolve(flags.root) }, host());
    });
  worker
    .command('status')
    .description(
      'the service state, whether the worker is connected, its last log lines (exit 1 if not both)',
    )
    .addOption(rootOption())
    .action(async (flags: { root: string }) => {
      const healthy = await workerStatus({ root: resolve(flags.root) }, host());
      process.exitCode = healthy ? 0 : 1;
    });
  worker
    .command('logs')
    .description("the worker service's log (journalctl on Linux, the log file on macOS)")
    .option('-n, --lines <n>', 'how many lines', int('--lines', 1, 1_000_000), 50)
    .option('-f, --follow', 'keep printing new lines', false)
    .addOption(rootOption())
    .action(async (flags: { lines: number; follow: boolean; root: string }) => {
      process.exitCode = await workerLogs({ ...flags, root: resolve(flags.root) }, host());
    });
  return worker;
}
