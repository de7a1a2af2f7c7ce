import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecuteProcessTask } from '../../../master-core/protocol/packageFormat';
import {
  DEFAULT_PROCESS_LIMITS,
  createExecuteProcessTask,
  createLineSplitter,
  exitFailure,
  mergeEnvironment,
  runExecuteProcessTask,
} from './processTask';
import { createTestTaskContext } from './testTaskContext';
import type { TestTaskContextOptions } from './testTaskContext';

const NODE = process.execPath;
const VARIABLES = { 'User::Out': '', 'User::Err': '', 'User::Code': -1, 'User::Word': 'hello' };

function processTask(fields: Record<string, unknown>): ExecuteProcessTask {
  return ExecuteProcessTask.parse({ type: 'executeProcess', name: 'Run', executable: NODE, ...fields });
}
/** A task running `node -e script`. */
const nodeTask = (script: string, fields: Record<string, unknown> = {}) =>
  processTask({ arguments: ['-e', script], ...fields });

let workDir = '';
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'process-task-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function contextFor(options: Partial<TestTaskContextOptions> = {}) {
  return createTestTaskContext({ workDir, variables: { ...VARIABLES }, ...options });
}

describe('exitFailure', () => {
  const rules = { successExitCodes: [0], failTaskIfReturnCodeIsNotSuccessValue: true, timeoutMs: 500 };
  const exit = { code: 0, signal: null, timedOut: false, cancelled: false };

  it('accepts the success codes and names the code and the expected ones otherwise', () => {
    expect(exitFailure(exit, rules)).toBeUndefined();
    expect(exitFailure({ ...exit, code: 3 }, rules)).toBe(
      'the process exited with code 3; the task expects 0',
    );
    expect(exitFailure({ ...exit, code: 2 }, { ...rules, successExitCodes: [0, 1] })).toBe(
      'the process exited with code 2; the task expects one of 0, 1',
    );
  });

  it('accepts any code when the task does not check it, but never a signal, timeout or cancel', () => {
    const lenient = { ...rules, failTaskIfReturnCodeIsNotSuccessValue: false };
    expect(exitFailure({ ...exit, code: 9 }, lenient)).toBeUndefined();
    expect(exitFailure({ ...exit, code: null, signal: 'SIGKILL' }, lenient)).toMatch(/signal SIGKILL/);
    expect(exitFailure({ ...exit, timedOut: true }, lenient)).toMatch(/timed out after 500 ms/);
    expect(exitFailure({ ...exit, timedOut: true, cancelled: true }, lenient)).toMatch(/cancelled/);
  });
});

describe('mergeEnvironment', () => {
  it('adds the task variables over the host ones, without regard to case on Windows', () => {
    expect(mergeEnvironment({ PATH: '/bin' }, { Path: 'x' }, 'linux')).toEqual({ PATH: '/bin', Path: 'x' });
    expect(mergeEnvironment({ PATH: '/bin', A: '1' }, { Path: 'x' }, 'win32')).toEqual({ A: '1', Path: 'x' });
  });

  it('refuses names a process environment cannot hold', () => {
    expect(() => mergeEnvironment({}, { 'A=B': 'x' })).toThrow(
      'environment variable name "A=B" is not valid',
    );
    expect(() => mergeEnvironment({}, { '': 'x' })).toThrow(/not valid/);
  });
});

describe('createLineSplitter', () => {
  function split(chunks: (string | Buffer)[], maxLineChars = 100) {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), maxLineChars);
    for (const chunk of chunks) splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    splitter.end();
    splitter.end();
    return lines;
  }

  it('splits on newlines across chunks, drops \\r and flushes the last line', () => {
    expect(split(['a\r\nb', 'c\n\nd'])).toEqual(['a', 'bc', '', 'd']);
    expect(split(['a\n'])).toEqual(['a']);
  });

  it('decodes a character split between chunks', () => {
    const bytes = Buffer.from('é€\n');
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é€']);
  });

  it('cuts a long line with a note and goes on with the next', () => {
    expect(split(['abcdefgh', 'ij\nok\n'], 4)).toEqual(['abcd… [6 more characters cut]', 'ok']);
  });
});

describe.runIf(process.platform !== 'win32')('runExecuteProcessTask', () => {
  it('logs stdout as information and stderr as warnings', async () => {
    const context = contextFor();
    await runExecuteProcessTask(nodeTask('console.log("out 1\\nout 2"); console.error("err 1")'), context);
    expect(context.texts('information')).toEqual(['out 1', 'out 2']);
    expect(context.texts('warning')).toEqual(['err 1']);
  });

  it('substitutes references in the executable, arguments, working directory and environment', async () => {
    await mkdir(join(workDir, 'sub'));
    const context = contextFor({ variables: { ...VARIABLES, 'User::Node': NODE, 'User::Dir': 'sub' } });
    const script = 'console.log(process.argv[1], process.cwd(), process.env.GREETING)';
    await runExecuteProcessTask(
      processTask({
        executable: '@[User::Node]',
        arguments: ['-e', script, '@[User::Word] world'],
        workingDirectory: '@[User::Dir]',
        environment: { GREETING: '@[User::Word]!' },
      }),
      context,
    );
    expect(context.texts()).toEqual([`hello world ${join(workDir, 'sub')} hello!`]);
  });

  it('runs in the work directory by default', async () => {
    const context = contextFor();
    await runExecuteProcessTask(nodeTask('console.log(process.cwd())'), context);
    expect(context.texts()).toEqual([workDir]);
  });

  // The host's environment is already allow-listed when it starts (hostEnvironment.ts).
  it("gives the host's environment, without ELECTRON_RUN_AS_NODE for other programs", async () => {
    const saved = { ...process.env };
    process.env.ELECTRON_RUN_AS_NODE = '1';
    try {
      const context = contextFor();
      await runExecuteProcessTask(processTask({ executable: 'sh', arguments: ['-c', 'env'] }), context);
      const names = context.texts().map((m) => m.split('=')[0]);
      expect(names).toContain('PATH');
      expect(names).not.toContain('ELECTRON_RUN_AS_NODE');
    } finally {
      process.env = saved;
    }
  });

  it('writes standardInput to the program and captures its whole output into variables', async () => {
    const context = contextFor();
    const script =
      'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {' +
      ' process.stdout.write(s.toUpperCase()); process.stderr.write("done\\n"); process.exit(0); })';
    await runExecuteProcessTask(
      nodeTask(script, {
        standardInput: '@[User::Word]\nsecond line\n',
        standardOutputVariable: 'User::Out',
        standardErrorVariable: 'User::Err',
        exitCodeVariable: 'User::Code',
      }),
      context,
    );
    expect(context.variables.get('User::Out')).toBe('HELLO\nSECOND LINE\n');
    expect(context.variables.get('User::Err')).toBe('done\n');
    expect(context.variables.get('User::Code')).toBe(0);
  });

  it('gives no input when the task has none: a program reading stdin sees its end at once', async () => {
    const context = contextFor();
    const script =
      'let n = 0; process.stdin.on("data", (d) => (n += d.length)).on("end", () => console.log(n))';
    await runExecuteProcessTask(nodeTask(script, { timeoutMs: 10_000 }), context);
    expect(context.texts()).toEqual(['0']);
  });

  it('fails on an exit code that is not a success code, after setting the variables', async () => {
    const context = contextFor();
    const task = nodeTask('console.log("partial"); process.exit(2)', {
      successExitCodes: [0, 3],
      exitCodeVariable: 'User::Code',
      standardOutputVariable: 'User::Out',
    });
    await expect(runExecuteProcessTask(task, context)).rejects.toThrow(
      'the process exited with code 2; the task expects one of 0, 3',
    );
    expect(context.variables.get('User::Code')).toBe(2);
    expect(context.variables.get('User::Out')).toBe('partial\n');
  });

  it('succeeds on any success code, and on any code when the task does not check it', async () => {
    const context = contextFor();
    await runExecuteProcessTask(nodeTask('process.exit(3)', { successExitCodes: [0, 3] }), context);
    const lenient = nodeTask('process.exit(7)', {
      failTaskIfReturnCodeIsNotSuccessValue: false,
      exitCodeVariable: 'User::Code',
    });
    await runExecuteProcessTask(lenient, context);
    expect(context.variables.get('User::Code')).toBe(7);
  });

  it('fails when a signal ends the program, whatever the exit code rules', async () => {
    const context = contextFor();
    const task = nodeTask('process.kill(process.pid, "SIGKILL")', {
      failTaskIfReturnCodeIsNotSuccessValue: false,
      exitCodeVariable: 'User::Code',
    });
    await expect(runExecuteProcessTask(task, context)).rejects.toThrow(
      'the process was ended by signal SIGKILL',
    );
    expect(context.variables.get('User::Code')).toBe(-1);
  });

  it('fails when captured output exceeds the limit, without setting the output variable', async () => {
    const run = createExecuteProcessTask({ ...DEFAULT_PROCESS_LIMITS, maxCapturedBytes: 1024 * 1024 });
    const context = contextFor();
    const task = nodeTask('process.stdout.write("x".repeat(1024 * 1024 + 1))', {
      standardOutputVariable: 'User::Out',
      exitCodeVariable: 'User::Code',
    });
    await expect(run(task, context)).rejects.toThrow(
      'standard output of the process exceeded 1 MiB, the most a variable may receive; write large output to a file instead (it exited with code 0)',
    );
    expect(context.variables.get('User::Out')).toBe('');
    expect(context.variables.get('User::Code')).toBe(0);
  });

  it('logs at most maxOutputLines lines and counts the rest; cuts a very long line', async () => {
    const run = createExecuteProcessTask({ ...DEFAULT_PROCESS_LIMITS, maxOutputLines: 3, maxLineChars: 10 });
    const context = contextFor();
    await run(nodeTask('console.log("y".repeat(25)); for (let i = 0; i < 9; i++) console.log(i)'), context);
    expect(context.texts('information')).toEqual(['yyyyyyyyyy… [15 more characters cut]', '0', '1']);
    expect(context.texts('warning')).toEqual(['7 more output lines were not logged (limit 3 per task)']);
  });

  it('stops a program that runs past its timeout', async () => {
    const context = contextFor();
    const started = Date.now();
    const task = nodeTask('setTimeout(() => {}, 30_000)', { timeoutMs: 300, exitCodeVariable: 'User::Code' });
    await expect(runExecuteProcessTask(task, context)).rejects.toThrow(
      'the process timed out after 300 ms and was stopped',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(context.variables.get('User::Code')).toBe(-1);
  });

  it('kills a program that ignores SIGTERM once the grace period is over', async () => {
    const run = createExecuteProcessTask({ ...DEFAULT_PROCESS_LIMITS, killGraceMs: 200 });
    const context = contextFor();
    const script =
      'process.on("SIGTERM", () => console.log("ignored")); console.log("ready"); setInterval(() => {}, 1000)';
    const started = Date.now();
    await expect(run(nodeTask(script, { timeoutMs: 500 }), context)).rejects.toThrow(
      /timed out after 500 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(context.texts()).toEqual(['ready', 'ignored']);
  });

  it('stops the program when the execution is cancelled', async () => {
    const controller = new AbortController();
    const context = contextFor({ signal: controller.signal });
    const running = runExecuteProcessTask(
      nodeTask('console.log("ready"); setInterval(() => {}, 1000)'),
      context,
    );
    await context.waitForMessage('ready');
    controller.abort();
    await expect(running).rejects.toThrow('the process was stopped because the execution was cancelled');
  });

  it('starts nothing when the execution is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const context = contextFor({ signal: controller.signal });
    const task = nodeTask('require("fs").writeFileSync("ran", "")');
    await expect(runExecuteProcessTask(task, context)).rejects.toThrow(/cancelled before the task started/);
    await expect(access(join(workDir, 'ran'))).rejects.toThrow(/ENOENT/);
  });

  it('names a program that cannot start and a working directory that does not exist', async () => {
    const context = contextFor();
    await expect(
      runExecuteProcessTask(processTask({ executable: 'no-such-program-xyz' }), context),
    ).rejects.toThrow(/^cannot start no-such-program-xyz: spawn no-such-program-xyz ENOENT/);
    await expect(
      runExecuteProcessTask(nodeTask('1', { workingDirectory: 'missing' }), context),
    ).rejects.toThrow(`working directory ${join(workDir, 'missing')} does not exist or is not a directory`);
  });

  it('fails on a reference to an unknown variable', async () => {
    const context = contextFor();
    await expect(
      runExecuteProcessTask(nodeTask('1', { arguments: ['@[User::Nope]'] }), context),
    ).rejects.toThrow('unknown variable User::Nope');
  });

  it('does not wait for a background process that keeps the output pipes open', async () => {
    const context = contextFor();
    const started = Date.now();
    const task = processTask({ executable: 'sh', arguments: ['-c', 'sleep 30 & echo "background $!"'] });
    await runExecuteProcessTask(task, context);
    expect(Date.now() - started).toBeLessThan(5_000);
    const pid = Number(
      context
        .texts()
        .find((m) => m.startsWith('background '))
        ?.split(' ')[1],
    );
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
  });
});
