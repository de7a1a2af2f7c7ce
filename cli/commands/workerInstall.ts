/**
 * `scaleout worker install | uninstall | status | logs`: this machine's worker as a service.
 * The commands live in cli/workerService/; this file gives them the real machine and the real
 * enrolment (worker-agent/enrolment.ts). program.ts hooks them onto the `worker` command:
 *   registerWorkerInstallCommands(registerWorkerCommand(program));
 */
import type { Command } from 'commander';
import { enrolWorker } from '../../worker-agent/enrolment';
import { registerWorkerServiceCommands } from '../workerService/commands';
import { systemServiceHost } from '../workerService/serviceHost';

export function registerWorkerInstallCommands(worker: Command): Command {
  return registerWorkerServiceCommands(worker, () => systemServiceHost(enrolWorker));
}
