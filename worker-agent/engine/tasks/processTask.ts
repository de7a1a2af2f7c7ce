import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { ExecuteProcessTask } from '../../../master-core/protocol/packageFormat';
import { taskEnvironment } from '../../hostEnvironment';
import type { TaskContext, TaskRunner } from '../taskApi';
import { resolveTaskPath, throwIfCancelled } from './paths';

export interface ProcessLimits {
  /** Output lines one task may log; past this they are counted, not logged. */
  maxOutputLines: number;
  /** A longer line is logged cut, so one runaway line cannot flood the log or the memory. */
  maxLineChars: number;
  /** Output captured into a variable, per stream; more fails the task (see `captureOverflow`). */
  maxCapturedBytes: number;
  /** Between SIGTERM and SIGKILL when the task is stopped. */
  killGraceMs: number;
  /** How long to keep reading output after the program ended, for pipes a grandchild still holds. */
  outputDrainMs: number;
}

export const DEFAULT_PROCESS_LIMITS: ProcessLimits = {
  maxOutputLines: 10_000,
  maxLineChars: 8 * 1024,
  maxCapturedBytes: 16 * 1024 * 1024,
  killGraceMs: 5_000,
  outputDrainMs: 1_000,
};

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
}

type ExitRules = Pick<
  ExecuteProcessTask,
  'successExitCodes' | 'failTaskIfReturnCodeIsNotSuccessValue' | 'timeoutMs'
>;

/** Why the task failed, or undefined when it succeeded. A signal is no return code: it always fails. */
export function exitFailure(exit: ProcessExit, rules: ExitRules): string | undefined {
  if (exit.cancelled) return 'the process was stopped because the execution was cancelled';
  if (exit.timedOut) return `the process timed out after ${rules.timeoutMs} ms and was stopped`;
  if (exit.signal) return `the process was ended by signal ${exit.signal}`;
  if (exit.code === null) return 'the process ended without an exit code';
  if (!rules.failTaskIfReturnCodeIsNotSuccessValue || rules.successExitCodes.includes(exit.code))
    return undefined;
  const expected = rules.successExitCodes;
  return `the process exited with code ${exit.code}; the task expects ${
    expected.length === 1 ? expected[0] : `one of ${expected.join(', ')}`
  }`;
}

/** The host's environment plus the task's variables (names matched without case on Windows). */
export function mergeEnvironment(
  base: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, string>>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const out = { ...base };
  for (const [name, value] of Object.entries(extra)) {
    if (name === '' || name.includes('=') || name.includes('\0'))
      throw new Error(`environment variable name "${name}" is not valid`);
    if (platform === 'win32') {
      for (const key of Object.keys(out)) if (key.toUpperCase() === name.toUpperCase()) delete out[key];
    }
    out[name] = value;
  }
  return out;
}

/** Splits decoded output into lines; a line longer than maxLineChars is cut, with a note. */
export function createLineSplitter(onLine: (line: string) => void, maxLineChars: number) {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let cutChars = 0;
  let ended = false;
  const add = (text: string) => {
    const room = maxLineChars - pending.length;
    if (text.length <= room) pending += text;
    else {
      pending += text.slice(0, room);
      cutChars += text.length - room;
    }
  };
  const finish = () => {
    const line = cutChars > 0 ? pending : pending.replace(/\r$/, '');
    onLine(cutChars > 0 ? `${line}… [${cutChars} more characters cut]` : line);
    pending = '';
    cutChars = 0;
  };
  const take = (text: string) => {
    const parts = text.split('\n');
    parts.slice(0, -1).forEach((part) => {
      add(part);
      finish();
    });
    add(parts[parts.length - 1] ?? '');
  };
  return {
    push: (chunk: Buffer) => take(decoder.write(chunk)),
    /** Flushes a last line without a newline; later calls do nothing. */
    end: () => {
      if (ended) return;
      ended = true;
      take(decoder.end());
      if (pending !== '' || cutChars > 0) finish();
    },
  };
}

/** Output of one stream kept for a variable, up to a byte limit. */
function createCapture(maxBytes: number) {
  let chunks: Buffer[] = [];
  let bytes = 0;
  let overflow = false;
  return {
    push: (chunk: Buffer) => {
      if (overflow) return;
      bytes += chunk.length;
      if (bytes > maxBytes) {
        overflow = true;
        chunks = [];
      } else chunks.push(chunk);
    },
    get overflow() {
      return overflow;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

function waitForExit(child: ChildProcess, outputDrainMs: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', (error) => reject(error));
    child.once('close', (code, signal) => resolve({ code, signal }));
    // A background process the program left behind may hold its output pipes open for ever.
    child.once('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({ code, signal });
      }, outputDrainMs).unref();
    });
  });
}

interface Launch {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  stdin: string | undefined;
}

async function prepare(task: ExecuteProcessTask, context: TaskContext): Promise<Launch> {
  const executable = context.substitute(task.executable);
  if (executable === '') throw new Error('executable is empty once its references are substituted');
  const cwd = task.workingDirectory
    ? resolveTaskPath(context, task.workingDirectory, 'workingDirectory')
    : context.workDir;
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`working directory ${cwd} does not exist or is not a directory`);
  const extra = Object.fromEntries(
    Object.entries(task.environment).map(([name, value]) => [name, context.substitute(value)]),
  );
  return {
    executable,
    args: task.arguments.map((a) => context.substitute(a)),
    cwd,
    env: mergeEnvironment(taskEnvironment(process.env, executable === context.nodePath), extra),
    stdin: task.standardInput === undefined ? undefined : context.substitute(task.standardInput),
  };
}

function describeOverflow(streams: string[], limits: ProcessLimits): string {
  const mib = limits.maxCapturedBytes / (1024 * 1024);
  return `${streams.join(' and ')} of the process exceeded ${mib} MiB, the most a variable may receive; write large output to a file instead`;
}

/**
 * Execute Process task: runs the program without a shell; stdout is logged as information,
 * stderr as warnings, and either may also go whole into a variable. The program stays in the
 * host's process group, so the agent's cancel, timeout and clean-up (signals to the whole group)
 * reach it and anything it starts. Its environment is the host's allow-listed one
 * (hostEnvironment.ts) plus the task's `environment`.
 */
export function createExecuteProcessTask(limits: ProcessLimits = DEFAULT_PROCESS_LIMITS) {
  const run: TaskRunner<ExecuteProcessTask> = async (task, context) => {
    throwIfCancelled(context.signal);
    const launch = await prepare(task, context);
    let child: ChildProcess;
    try {
      child = spawn(launch.executable, launch.args, {
        cwd: launch.cwd,
        env: launch.env,
        shell: false,
        windowsHide: true,
        stdio: [launch.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new Error(`cannot start ${launch.executable}: ${(error as Error).message}`, { cause: error });
    }
    const output = watchOutput(child, task, context, limits);
    if (launch.stdin !== undefined && child.stdin) {
      // A program that exits without reading its input closes the pipe: not the task's failure.
      child.stdin.on('error', () => undefined);
      child.stdin.end(launch.stdin);
    }
    const exit = await superviseChild(child, task, context, limits).catch((error: Error) => {
      const what = child.pid === undefined ? `cannot start ${launch.executable}` : 'the process failed';
      throw new Error(`${what}: ${error.message}`, { cause: error });
    });
    output.end();
    if (output.dropped > 0)
      context.log.warning(
        `${output.dropped} more output lines were not logged (limit ${limits.maxOutputLines} per task)`,
      );
    finish(task, context, exit, output, limits);
  };
  return run;
}

/** Sets the variables of a process that exited with a code, then fails the task if it must. */
function finish(
  task: ExecuteProcessTask,
  context: TaskContext,
  exit: ProcessExit,
  output: ReturnType<typeof watchOutput>,
  limits: ProcessLimits,
): void {
  const failure = exitFailure(exit, task);
  const exited = exit.code !== null && !exit.timedOut && !exit.cancelled;
  if (!exited) throw new Error(failure ?? 'the process ended without an exit code');
  if (task.exitCodeVariable) context.setVariable(task.exitCodeVariable, exit.code);
  const overflowing = [
    output.stdout?.overflow ? 'standard output' : '',
    output.stderr?.overflow ? 'standard error' : '',
  ].filter(Boolean);
  if (overflowing.length > 0) {
    const more = failure ? `; also, ${failure}` : ` (it exited with code ${exit.code})`;
    throw new Error(describeOverflow(overflowing, limits) + more);
  }
  if (task.standardOutputVariable && output.stdout)
    context.setVariable(task.standardOutputVariable, output.stdout.text());
  if (task.standardErrorVariable && output.stderr)
    context.setVariable(task.standardErrorVariable, output.stderr.text());
  if (failure) throw new Error(failure);
}

/** Logs both output streams line by line (capped) and captures them for their variables. */
function watchOutput(
  child: ChildProcess,
  task: ExecuteProcessTask,
  context: TaskContext,
  limits: ProcessLimits,
) {
  let lines = 0;
  let dropped = 0;
  const logLine = (log: (message: string) => void) => (line: string) => {
    if (lines >= limits.maxOutputLines) dropped += 1;
    else {
      lines += 1;
      log(line);
    }
  };
  const stdout = task.standardOutputVariable ? createCapture(limits.maxCapturedBytes) : undefined;
  const stderr = task.standardErrorVariable ? createCapture(limits.maxCapturedBytes) : undefined;
  const outLines = createLineSplitter(logLine(context.log.information), limits.maxLineChars);
  const errLines = createLineSplitter(logLine(context.log.warning), limits.maxLineChars);
  child.stdout?.on('data', (chunk: Buffer) => {
    outLines.push(chunk);
    stdout?.push(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errLines.push(chunk);
    stderr?.push(chunk);
  });
  return {
    stdout,
    stderr,
    get dropped() {
      return dropped;
    },
    end: () => {
      outLines.end();
      errLines.end();
    },
  };
}

/** Waits for the program to end, stopping it on timeout or cancel: SIGTERM, then SIGKILL. */
async function superviseChild(
  child: ChildProcess,
  task: ExecuteProcessTask,
  context: TaskContext,
  limits: ProcessLimits,
): Promise<ProcessExit> {
  let timedOut = false;
  let cancelled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill('SIGTERM');
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), limits.killGraceMs);
  };
  const onAbort = () => {
    cancelled = true;
    stop();
  };
  const timer = task.timeoutMs
    ? setTimeout(() => {
        timedOut = true;
        stop();
      }, task.timeoutMs)
    : undefined;
  context.signal.addEventListener('abort', onAbort, { once: true });
  // Cancelled while the task was preparing: the abort event has come and gone.
  if (context.signal.aborted) onAbort();
  try {
    const { code, signal } = await waitForExit(child, limits.outputDrainMs);
    return { code, signal, timedOut, cancelled };
  } finally {
    clearTimeout(timer);
    clearTimeout(killTimer);
    context.signal.removeEventListener('abort', onAbort);
  }
}

export const runExecuteProcessTask: TaskRunner<ExecuteProcessTask> = createExecuteProcessTask();
