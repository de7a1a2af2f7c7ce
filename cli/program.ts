import { Command, Option } from 'commander';
import { ScaleOutError, coerceError } from '../master-core/protocol/errors';
import { clientOf, int, list, repeat, withConnection } from './flags';
import { registerCatalogCommands } from './commands/catalogCommands';
import { registerCatalogAdmin } from './commands/catalogAdmin';
import { registerRuntimeCommands } from './commands/runtimeCommands';
import { defaultDataDir } from './paths';
import { runMaster } from './commands/master';
import { registerWorkerCommand } from './commands/worker';
import { registerWorkerInstallCommands } from './commands/workerInstall';
import { registerEnrolCommands } from './commands/enrolCommands';
import { registerSecurityCommands } from './commands/securityCommands';
import { deploy, listExecutions, logs, run } from './commands/client';

export function buildProgram(): Command {
  const program = new Command('scaleout')
    .description('Scale Out Console: run integration packages across a fleet of workers')
    .showHelpAfterError()
    // Options belong to the command they follow, so `worker enrol --token` is enrol's token, not worker's.
    .enablePositionalOptions()
    .configureOutput({ outputError: (text, write) => write(text) });

  program
    .command('master')
    .description('run the master headless: catalog, agent endpoint and console')
    .option('--data-dir <dir>', 'catalog and keys (env SCALEOUT_DATA_DIR)', defaultDataDir())
    .option(
      '--console-host <host>',
      "console listener address; beyond loopback (e.g. 0.0.0.0) it serves https with a certificate from the master's CA",
      '127.0.0.1',
    )
    .option('--console-port <port>', 'console listener port', int('--console-port', 0, 65535), 8390)
    .option('--agent-host <host>', 'agent endpoint address', '0.0.0.0')
    .option('--agent-port <port>', 'agent endpoint port', int('--agent-port', 0, 65535), 8391)
    .option(
      '--agent-names <names>',
      'DNS names or addresses workers reach this master by (comma-separated): in the server certificate; the first in install commands',
      list,
      [],
    )
    .option(
      '--insecure-agent-endpoint',
      'plain ws:// without TLS, for loopback development only (no enrolment; warns loudly)',
      false,
    )
    .option('--local-worker', 'also run a worker agent on this machine', false)
    .option('--local-worker-tasks <n>', 'max tasks of the local worker', int('--local-worker-tasks', 1, 1024))
    .option('--sample', 'deploy the sample project when the catalog is empty', false)
    .option(
      '--auto-enable-workers',
      'register new workers enabled (by default they start disabled, as in SSIS)',
      false,
    )
    .addOption(
      new Option('--console-token <token>', 'fixed console token instead of one per launch').env(
        'SCALEOUT_CONSOLE_TOKEN',
      ),
    )
    .option(
      '--heartbeat-seconds <s>',
      'how often workers report their health (default 5; SSIS: 60)',
      int('--heartbeat-seconds', 1, 3600),
    )
    .option(
      '--offline-after-seconds <s>',
      'silence after which a worker is dropped as offline (default 15)',
      int('--offline-after-seconds', 1, 86_400),
    )
    .option(
      '--lease-seconds <s>',
      "how long an attempt lives without its worker's heartbeat before it is retried (default 30)",
      int('--lease-seconds', 1, 86_400),
    )
    .option(
      '--reconnect-grace-seconds <s>',
      'how long a worker whose connection closed has to come back before its attempts are retried (default 1.5 heartbeats)',
      int('--reconnect-grace-seconds', 0, 86_400),
    )
    .action((flags) => runMaster(flags));

  registerWorkerInstallCommands(registerWorkerCommand(program));

  withConnection(program.command('deploy <project-dir>'))
    .description('validate a project folder and deploy it as a new version')
    .option('--folder <name>', 'catalog folder', 'Default')
    .action((dir: string, flags) => deploy(clientOf(flags), dir, flags.folder));

  withConnection(program.command('run <package>'))
    .description('run <folder>/<project>/<package> in Scale Out')
    .option(
      '--param <name=value>',
      'parameter value (repeatable; NAME, $Package::NAME or $Project::NAME; CM.<Manager>.<Property> overrides a connection manager property)',
      repeat,
      [],
    )
    .option('--retries <n>', 'retry count (attempts = retries + 1)', int('--retries', 0, 100), 0)
    .option('--priority <n>', 'higher runs first', int('--priority', -1000, 1000), 0)
    .option(
      '--logging-level <n>',
      '0 None, 1 Basic, 2 Performance, 3 Verbose (default: the catalog property SERVER_LOGGING_LEVEL)',
      int('--logging-level', 0, 100),
    )
    .option(
      '--environment <env>',
      'environment reference to use: <name>, or <folder>/<name> for another folder',
    )
    .option('--timeout <seconds>', 'stop the execution after this long', int('--timeout', 1, 31_536_000))
    .option('--worker <names>', 'run only on these workers (comma-separated)', list, [])
    .option('--tag <tags>', 'run only on workers with all these tags', list, [])
    .option(
      '--max-queue-wait <seconds>',
      'fail the execution if no worker has taken it after this long',
      int('--max-queue-wait', 1, 31_536_000),
    )
    .option('--wait', 'follow the execution; exit 0 only if it succeeded', false)
    .action(async (pkg: string, flags) => {
      process.exitCode = await run(clientOf(flags), pkg, {
        params: flags.param,
        retries: flags.retries,
        priority: flags.priority,
        loggingLevel: flags.loggingLevel,
        timeoutSeconds: flags.timeout,
        workers: flags.worker,
        tags: flags.tag,
        wait: flags.wait,
        environment: flags.environment,
        maxQueueWaitSeconds: flags.maxQueueWait,
      });
    });

  withConnection(program.command('executions'))
    .description('list executions, newest first')
    .option('--limit <n>', 'how many', int('--limit', 1, 1000), 50)
    .option(
      '--before <id>',
      'only executions older than this id (paging)',
      int('--before', 1, Number.MAX_SAFE_INTEGER),
    )
    .option('--folder <name>', 'only this folder')
    .option('--project <name>', 'only this project')
    .option('--package <name>', 'only this package')
    .option('--status <names>', 'only these statuses, e.g. failed,running (or codes 1-9)', list, [])
    .option('--since <time>', 'only executions created at or after this ISO 8601 time')
    .action((flags) => listExecutions(clientOf(flags), flags));

  withConnection(program.command('logs <execution-id>'))
    .description("print an execution's messages")
    .option('--follow', 'keep printing until the execution ends', false)
    .option('--type <types>', 'only these message types, e.g. error,warning (or codes such as 120)', list, [])
    .action((id: string, flags) =>
      logs(clientOf(flags), int('execution-id', 1, Number.MAX_SAFE_INTEGER)(id), flags.follow, flags.type),
    );

  registerRuntimeCommands(program);
  registerEnrolCommands(program);
  registerSecurityCommands(program);

  registerCatalogCommands(program);
  registerCatalogAdmin(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const e = coerceError(error);
    const field = error instanceof ScaleOutError && error.field ? ` [${error.field}]` : '';
    process.stderr.write(`scaleout: ${e.message}${field}\n`);
    process.exitCode = error instanceof ScaleOutError && error.code === 'NETWORK' ? 3 : 2;
  }
}
