import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { MessageSourceType, MessageType } from '../../../master-core/protocol/codes';
import type { ProcessTask } from '../../../master-core/protocol/packageFormat';
import { taskEnvironment } from '../../hostEnvironment';
import { substitute } from '../context';
import type { PackageContext } from '../context';
import { capMessage } from '../events';
import type { EmitEvent } from '../events';

/** Lines of output one process task may log; past this they are counted, not stored. */
export const MAX_OUTPUT_LINES = 10_000;
const KILL_GRACE_MS = 5_000;
/** How long to keep reading output after the program ended, for pipes a grandchild still holds. */
const OUTPUT_DRAIN_MS = 1_000;

/**
 * Execute Process task: runs the program without a shell; stdout is Information, stderr Warning.
 * The program stays in the host's process group, so the agent's cancel, timeout and clean-up
 * (signals to the whole group) reach it and anything it starts. Its environment is the host's
 * allow-listed one (hostEnvironment.ts).
 */
export async function runProcessTask(
  task: ProcessTask,
  context: PackageContext,
  emit: EmitEvent,
): Promise<void> {
  const command = substitute(context, task.command);
  const args = task.args.map((a) => substitute(context, a));
  const cwd = task.workingDirectory ? substitute(context, task.workingDirectory) : process.cwd();
  const child = spawn(command, args, {
    cwd,
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: taskEnvironment(process.env, command === context.nodePath),
  });
  let lines = 0;
  let dropped = 0;
  const log = (messageType: number) => (line: string) => {
    if (lines >= MAX_OUTPUT_LINES) {
      dropped += 1;
      return;
    }
    lines += 1;
    emit({
      messageType,
      sourceType: MessageSourceType.controlFlowTask,
      sourceName: task.name,
      message: capMessage(line),
    });
  };
  createInterface({ input: child.stdout }).on('line', log(MessageType.information));
  createInterface({ input: child.stderr }).on('line', log(MessageType.warning));

  let timedOut = false;
  const stop = () => {
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
  };
  const timer = task.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, task.timeoutMs)
    : null;
  context.signal.addEventListener('abort', stop, { once: true });

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', (error) => reject(new Error(`cannot start ${command}: ${error.message}`)));
      child.once('close', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
      // A background process the program left behind may hold its output pipes open for ever.
      child.once('exit', (exitCode, exitSignal) => {
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          resolve({ code: exitCode, signal: exitSignal });
        }, OUTPUT_DRAIN_MS).unref();
      });
    },
  ).finally(() => {
    if (timer) clearTimeout(timer);
    context.signal.removeEventListener('abort', stop);
  });

  if (dropped > 0) {
    emit({
      messageType: MessageType.warning,
      sourceType: MessageSourceType.controlFlowTask,
      sourceName: task.name,
      message: `${dropped} more output lines were not logged (limit ${MAX_OUTPUT_LINES} per task)`,
    });
  }
  if (timedOut) throw new Error(`process timed out after ${task.timeoutMs} ms and was stopped`);
  if (signal) throw new Error(`process was ended by signal ${signal}`);
  if (code !== task.successExitCode) {
    throw new Error(`process exited with code ${code}; the task expects ${task.successExitCode}`);
  }
}
