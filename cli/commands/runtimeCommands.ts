import type { Command } from 'commander';
import { clientOf, int, withConnection } from '../flags';
import { statusName, table } from './format';
import { listWorkers } from './client';
import { describeUpdate, workerUpdateInput } from './workerSettings';
import type { WorkerSetFlags } from './workerSettings';
import type { ConnectionFlags } from '../connection';

const out = (text: string) => process.stdout.write(text);
const executionId = int('execution-id', 1, Number.MAX_SAFE_INTEGER);

/** Scale Out Manager from the command line: workers and running executions. */
export function registerRuntimeCommands(program: Command): void {
  const workers = program.command('workers').description('worker agents: list, enable, disable, drain, set');
  withConnection(workers.command('list', { isDefault: true }))
    .description('list worker agents with their state and health')
    .action((flags) => listWorkers(clientOf(flags)));
  withConnection(workers.command('enable <name>'))
    .description('let a worker take work (new workers start disabled)')
    .action(async (name: string, flags) => {
      await clientOf(flags).call('worker.enable', { name });
      out(`worker ${name} enabled\n`);
    });
  withConnection(workers.command('disable <name>'))
    .description('take no new work; running work goes on')
    .action(async (name: string, flags) => {
      await clientOf(flags).call('worker.disable', { name });
      out(`worker ${name} disabled\n`);
    });
  withConnection(workers.command('drain <name>'))
    .description(
      'take no new work; running work may finish until the deadline, then it is stopped and retried elsewhere',
    )
    .option('--deadline <seconds>', 'how long running work may go on', int('--deadline', 1, 7 * 86_400))
    .action(async (name: string, flags) => {
      await clientOf(flags).call('worker.drain', {
        name,
        ...(flags.deadline ? { deadlineSeconds: flags.deadline } : {}),
      });
      out(`worker ${name} draining${flags.deadline ? `; deadline in ${flags.deadline} s` : ''}\n`);
    });

  withConnection(workers.command('set <name>'))
    .description(
      "change a worker's settings, live on a connected worker (no restart); they win over its configuration file from then on",
    )
    .option('--name <new-name>', 'rename the worker (names are unique)')
    .option('--description <text>', 'what the worker is for')
    .option('--tags <tags>', "comma-separated tags, replacing its tags ('' for none)")
    .option('--max-tasks <n>', 'executions it runs at once, 1 to 1024')
    .option('--max-cpu-percent <p>', 'take no new work while CPU use is above this, 1 to 100')
    .option('--min-free-memory-mb <m>', 'take no new work while free memory is below this many MB')
    .action(async (name: string, flags: WorkerSetFlags & ConnectionFlags) => {
      const input = workerUpdateInput(name, flags);
      out(describeUpdate(name, await clientOf(flags).call('worker.update', input)));
    });

  withConnection(program.command('stop <execution-id>'))
    .description(
      'stop an execution: a queued one is canceled at once, a running one is stopped on its worker',
    )
    .action(async (id: string, flags) => {
      const { execution } = await clientOf(flags).call('execution.stop', { executionId: executionId(id) });
      out(`execution ${id} ${statusName(execution.status)}\n`);
    });

  withConnection(program.command('explain <execution-id>'))
    .description('why an execution is (not) running: each worker, eligible or why not')
    .action(async (id: string, flags) => {
      const result = await clientOf(flags).call('execution.explain', { executionId: executionId(id) });
      out(
        `execution ${id} is ${statusName(result.status)}; ${result.eligibleWorkers} eligible worker(s) now`,
      );
      out(result.neverRunnable ? '; no enabled worker could ever take it as it is targeted\n' : '\n');
      out(
        table(
          ['Worker', 'State', 'Eligible', 'Why'],
          result.workers.map((w) => [w.name, w.state, w.eligible ? 'yes' : 'no', w.reason]),
        ),
      );
    });
}
