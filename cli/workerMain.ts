/**
 * Entry of the single-file worker bundle (dist/worker/scaleout-worker.mjs). It needs only Node and
 * its two siblings (executionHost.mjs, scriptHost.mjs):
 *   scaleout-worker --config FILE            run the worker (what the installed service starts)
 *   scaleout-worker --config FILE --check    validate the file and print the settings
 *   scaleout-worker enrol --config FILE ...  enrol with a one-time token and write the file, for
 *                                            machines where `scaleout worker install` does not
 *                                            manage the service (Windows, containers)
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { AGENT_VERSION } from '../worker-agent/agent';
import { enrolWorker } from '../worker-agent/enrolment';
import { saveWorkerConfig } from '../worker-agent/config/workerConfig';
import { ScaleOutError, coerceError } from '../master-core/protocol/errors';
import { configAfterEnrolment } from './workerService/enrolConfig';
import { checkWorkerConfig, runWorkerFromConfig } from './workerService/runFromConfig';

const maxTasks = (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1024)
    throw new InvalidArgumentError('--max-tasks must be 1 to 1024');
  return n;
};
const tagList = (value: string) =>
  value
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

interface EnrolFlags {
  master: string;
  token: string;
  config: string;
  workDir: string;
  name?: string;
  tags: string[];
  maxTasks?: number;
}

async function enrolToConfig(flags: EnrolFlags): Promise<void> {
  const config = resolve(flags.config);
  const workDir = resolve(flags.workDir);
  if (existsSync(config)) {
    throw new ScaleOutError(
      'CONFLICT',
      `${config} exists: this machine has a worker; remove the file to enrol again`,
    );
  }
  const enrolled = await enrolWorker({
    masterUrl: flags.master,
    token: flags.token,
    workDir,
    tags: flags.tags,
    ...(flags.name ? { name: flags.name } : {}),
  });
  mkdirSync(dirname(config), { recursive: true });
  saveWorkerConfig(config, configAfterEnrolment({ ...flags, workDir, root: '/' }, enrolled));
  const self = fileURLToPath(import.meta.url);
  process.stdout.write(
    `enrolled as worker ${enrolled.workerId}; wrote ${config}\nrun it with: ${process.execPath} ${self} --config ${config}\n`,
  );
}

const program = new Command('scaleout-worker')
  .description('Scale Out worker agent, run from its configuration file (docs/worker-install.md)')
  .version(AGENT_VERSION)
  .enablePositionalOptions()
  .option('--config <file>', 'the worker configuration file, e.g. /etc/scaleout-worker/worker.yaml')
  .option('--check', 'validate the file, print the settings it gives and exit', false)
  .showHelpAfterError()
  .action((flags: { config?: string; check: boolean }) => {
    if (!flags.config)
      throw new ScaleOutError('VALIDATION_FAILED', '--config FILE is required', { field: 'config' });
    if (!isAbsolute(flags.config)) flags.config = resolve(flags.config);
    if (flags.check) checkWorkerConfig(flags.config);
    else runWorkerFromConfig(flags.config);
  });
program
  .command('enrol')
  .description('trade a one-time enrolment token for this worker credential and write its configuration file')
  .requiredOption('--master <url>', "the master's agent endpoint, wss://HOST:8391")
  .requiredOption('--token <token>', 'one-time enrolment token (scaleout worker-token create)')
  .requiredOption('--config <file>', 'the configuration file to write')
  .requiredOption('--work-dir <dir>', 'the work folder (the credential goes in its credentials/)')
  .option('--name <name>', 'display name (default: the host name, or the one the token presets)')
  .option('--tags <tags>', 'comma-separated tags', tagList, [])
  .option('--max-tasks <n>', 'executions at once (default: the CPU count)', maxTasks)
  .action((flags: EnrolFlags) => enrolToConfig(flags));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const e = coerceError(error);
  const field = error instanceof ScaleOutError && error.field ? ` [${error.field}]` : '';
  process.stderr.write(`scaleout-worker: ${e.message}${field}\n`);
  process.exitCode = error instanceof ScaleOutError && error.code === 'NETWORK' ? 3 : 2;
}
