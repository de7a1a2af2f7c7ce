// How an attempt ends when its host process fails: one fixture host per failure mode, real
// processes, and no process may outlive its test.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startExecutionSlot } from '../executionSlot';
import {
  assignment,
  expectNoLeftovers,
  fixture,
  pidFromFile,
  realHost,
  run,
  script,
  shell,
  tempWorkDir,
  track,
  waitFor,
  waitGone,
} from './fixtures/hostTestKit';

let work: ReturnType<typeof tempWorkDir>;
beforeEach(() => {
  work = tempWorkDir();
});
afterEach(async () => {
  try {
    await expectNoLeftovers();
  } finally {
    work.remove();
  }
});

const attempt = (hostEntry: string, task = assignment([script('return;')]), killGraceMs = 5_000) =>
  run((handlers) =>
    startExecutionSlot({ hostEntry, task, machineName: 'test', workDir: work.dir, handlers, killGraceMs }),
  );

describe('execution host failures', () => {
  it('reports a host killed by SIGKILL mid-run as failed with the reason, and its task process dies too', async () => {
    const r = attempt(realHost, assignment([shell('echo "sleeper $$"; exec sleep 30')]));
    const sleeper = Number((await r.event(/^sleeper \d+/)).message.split(' ')[1]);
    track(sleeper);
    process.kill(await r.pid, 'SIGKILL');
    const result = await r.done;
    expect(result).toMatchObject({ outcome: 'failed', signal: 'SIGKILL', exitCode: null });
    expect(result.error).toMatch(/the execution host was killed by SIGKILL before reporting a result/);
    expect(await waitGone(sleeper, 2_000)).toBe(true);
  });

  it('reports a crash with the end of the host output', async () => {
    const result = await attempt(fixture('hostCrashes.mjs')).done;
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 1, signal: null });
    expect(result.error).toMatch(/exited with code 1 before reporting a result/);
    expect(result.error).toMatch(/fixture host crashed on purpose/);
  });

  it('reports an exit code without a result', async () => {
    const result = await attempt(fixture('hostExitsWithCode.mjs')).done;
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 3, signal: null });
    expect(result.error).toMatch(/exited with code 3 before reporting a result/);
  });

  it('SIGKILLs a timed-out host that ignores SIGTERM after the grace period, and its grandchild', async () => {
    const task = assignment([script('return;')], 300);
    const started = Date.now();
    const r = attempt(fixture('hostIgnoresSigterm.mjs'), task, 700);
    const grandchild = await pidFromFile(join(work.dir, 'attempts', task.attemptId, 'grandchild.pid'));
    const result = await r.done;
    const elapsedMs = Date.now() - started;
    expect(result).toMatchObject({ outcome: 'failed', signal: 'SIGKILL' });
    expect(result.error).toBe('the execution timed out and was stopped');
    expect(elapsedMs).toBeGreaterThanOrEqual(300 + 700 - 50);
    expect(await waitGone(grandchild, 2_000)).toBe(true);
  });

  it('cancels a host that ignores SIGTERM the same way', async () => {
    const task = assignment([script('return;')]);
    const r = attempt(fixture('hostIgnoresSigterm.mjs'), task, 300);
    const grandchild = await pidFromFile(join(work.dir, 'attempts', task.attemptId, 'grandchild.pid'));
    r.slot.cancel();
    const result = await r.done;
    expect(result).toMatchObject({
      outcome: 'failed',
      signal: 'SIGKILL',
      error: 'the execution was stopped',
    });
    expect(await waitGone(grandchild, 2_000)).toBe(true);
  });

  it('keeps only the tail of a host flooding its output, and still reports', async () => {
    const before = process.memoryUsage().rss;
    const result = await attempt(fixture('hostFloodsOutput.mjs')).done;
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 2 });
    expect(result.error).toMatch(/exited with code 2 before reporting a result: .*END-OF-FLOOD$/s);
    expect(result.error!.length).toBeLessThan(2_200);
    // 128 MiB went through the pipes; what was kept is bounded by the tails. Keeping it all would
    // grow this process by 128 MiB or more; chunks read and freed (what RSS may keep until the
    // collector gives it back) stay well under half of that.
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 2 ** 20);
  });

  it('sweeps what a host left running in its process group when it exits', async () => {
    const task = assignment([script('return;')]);
    const r = attempt(fixture('hostLeavesGrandchild.mjs'), task);
    const grandchild = await pidFromFile(join(work.dir, 'attempts', task.attemptId, 'grandchild.pid'));
    expect(await r.done).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(await waitGone(grandchild, 2_000)).toBe(true);
  });

  it('a host whose agent dies stops its run and exits, taking its task process with it', async () => {
    const agent = spawn(process.execPath, [fixture('agentThatDies.mjs'), realHost, work.dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    track(agent.pid);
    const lines: { hostPid?: number; message?: string }[] = [];
    agent.stdout.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[0]);
    });
    const hostPid = await waitFor(() => lines.find((l) => l.hostPid)?.hostPid);
    track(hostPid);
    const sleeperLine = await waitFor(() => lines.find((l) => /^sleeper \d+/.test(l.message ?? '')));
    const sleeper = Number(sleeperLine.message!.split(' ')[1]);
    track(sleeper);
    agent.kill('SIGKILL');
    expect(await waitGone(hostPid, 8_000)).toBe(true);
    expect(await waitGone(sleeper, 2_000)).toBe(true);
  });
});
