// A script host is a resource with a lifecycle: it starts, answers, and always ends, whether the
// script finishes, hangs, loops, ignores SIGTERM, crashes or is cancelled.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScriptErrorCode } from '../engine/script/scriptError';
import { runScriptTask } from '../engine/tasks/scriptTask';
import { waitFor, waitGone } from './fixtures/hostTestKit';
import type { TestContext } from './fixtures/scriptTestKit';
import {
  ESCAPE,
  ensureScriptHostBuilt,
  loggedPid,
  scriptTask,
  tempDir,
  testContext,
} from './fixtures/scriptTestKit';

let work: ReturnType<typeof tempDir>;
let ctx: TestContext;
beforeAll(() => ensureScriptHostBuilt());
beforeEach(() => {
  work = tempDir();
  ctx = testContext({ workDir: work.dir });
});
afterEach(() => work.remove());

const LOG_PID = `${ESCAPE} log.info('pid ' + proc.pid);`;

describe('script host lifecycle', () => {
  it('stops a script that never settles when its timeout passes', async () => {
    const started = Date.now();
    await expect(
      runScriptTask(scriptTask(`${LOG_PID} await new Promise(() => {});`, { timeoutMs: 300 }), ctx),
    ).rejects.toMatchObject({
      code: ScriptErrorCode.timedOut,
      message: 'the script timed out after 300 ms and was stopped',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await waitGone(loggedPid(ctx))).toBe(true);
  });

  it('stops a busy loop, even one that ignores SIGTERM (SIGKILL after the grace period)', async () => {
    const code = `${LOG_PID}
      proc.on('SIGTERM', () => {});
      await new Promise((resolve) => setTimeout(resolve, 20));
      for (;;) {}`;
    await expect(runScriptTask(scriptTask(code, { timeoutMs: 400 }), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.timedOut,
    });
    expect(await waitGone(loggedPid(ctx), 3_000)).toBe(true);
  });

  it('stops the script when the task is cancelled', async () => {
    const running = runScriptTask(scriptTask(`${LOG_PID} await new Promise(() => {});`), ctx);
    await waitFor(() => ctx.messages('information').length > 0);
    ctx.abort();
    await expect(running).rejects.toMatchObject({
      code: ScriptErrorCode.cancelled,
      message: 'the script task was cancelled',
    });
    expect(await waitGone(loggedPid(ctx))).toBe(true);
  });

  it('starts nothing when the task is cancelled already', async () => {
    ctx.abort();
    await expect(runScriptTask(scriptTask('log.info(1);'), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.cancelled,
    });
    expect(ctx.logs).toEqual([]);
  });

  it('fails with how the process ended when the script host dies', async () => {
    await expect(runScriptTask(scriptTask(`${ESCAPE} proc.exit(3);`), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.hostExited,
      message: 'the script host ended with exit code 3 before the script finished',
    });
    await expect(runScriptTask(scriptTask(`${ESCAPE} proc.abort();`), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.hostExited,
      message: expect.stringMatching(/^the script host ended by signal SIGABRT before the script finished/),
    });
  });

  it('fails on an error thrown by a timer while the body still runs', async () => {
    const code = `setTimeout(() => { throw new Error('late boom'); }, 5); await new Promise(() => {});`;
    await expect(runScriptTask(scriptTask(code, { timeoutMs: 5_000 }), ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.scriptFailed,
      message: 'late boom',
    });
  });

  it('logs at most 10 000 messages per script and counts the rest', async () => {
    await runScriptTask(scriptTask(`for (let i = 0; i < 10_050; i++) log.info('line ' + i);`), ctx);
    expect(ctx.messages('information')).toHaveLength(10_000);
    expect(ctx.messages('warning')).toEqual(['50 more script log messages were not logged (limit 10000)']);
  });

  it('starts a script host quickly (median of 20, printed)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await runScriptTask(scriptTask('return;'), ctx);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const median = ((times[9] ?? 0) + (times[10] ?? 0)) / 2;
    console.log(`script task start cost: median ${median.toFixed(1)} ms, min ${times[0]?.toFixed(1)} ms`);
    expect(median).toBeLessThan(1_000);
  });
});
