// Pooled mode: a host runs attempts one after another until it is retired; never after it failed.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostPool } from '../hostPool';
import type { HostPoolOptions } from '../hostPool';
import {
  assignment,
  poolStarter,
  realHost,
  script,
  shell,
  usePoolFixture,
  track,
  waitGone,
} from './fixtures/hostTestKit';

const fx = usePoolFixture();

const pooled = (options: Partial<HostPoolOptions> = {}) => {
  fx.pool = createHostPool({ hostEntry: realHost, mode: 'pooled', killGraceMs: 1_000, ...options });
  return poolStarter(fx.pool, fx.work.dir);
};
const messages = (r: { events: { message: string }[] }) => r.events.map((e) => e.message);

describe('pooled execution hosts', () => {
  it('runs attempts one after another on one host, each in its own directory, and retires it after maxUses', async () => {
    const retired: string[] = [];
    const start = pooled({ maxUsesPerHost: 3, log: (m) => retired.push(m) });
    const pids: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const task = assignment([shell('echo "cwd $(pwd)"')]);
      const r = start(task);
      pids.push(await r.pid);
      expect(await r.done).toEqual({
        outcome: 'succeeded',
        error: null,
        exitCode: i === 2 ? 0 : null, // the host carries on, but on its last use exits by itself
        signal: null,
        dataStatistics: [],
        statistics: [
          expect.objectContaining({ taskName: 'Shell', result: 0 }),
          expect.objectContaining({ taskName: 'Pkg', executionPath: '\\Package', result: 0 }),
        ],
      });
      expect(messages(r)).toContain(`cwd ${join(fx.work.dir, 'attempts', task.attemptId)}`);
    }
    expect(pids.slice(0, 3)).toEqual([pids[0], pids[0], pids[0]]);
    expect(pids[3]).not.toBe(pids[0]);
    expect(pids[4]).toBe(pids[3]);
    expect(await waitGone(pids[0]!)).toBe(true);
  });

  it('does not carry variables, globals, environment or late events from one attempt into the next', async () => {
    const start = pooled();
    const counter = [{ name: 'Counter', dataType: 'Int32' as const, value: 1 }];
    const first = start(
      assignment(
        [
          script(`
            globalThis.leaked = 'global';
            User.Counter = 42;
            const hostProcess = setTimeout.constructor('return process')(); // escapes the V8 context
            hostProcess.env.LEAKED_VAR = 'yes';
            setTimeout(() => log.info('late event from the first attempt'), 150);
          `),
        ],
        null,
        counter,
      ),
    );
    expect((await first.done).outcome).toBe('succeeded');
    const second = start(
      assignment(
        [
          script(`
            log.info('global ' + typeof globalThis.leaked);
            log.info('counter ' + User.Counter);
            await new Promise((resolve) => setTimeout(resolve, 400));
          `),
          shell('echo "env ${LEAKED_VAR:-unset}"'),
        ],
        null,
        counter,
      ),
    );
    expect(await second.pid).toBe(await first.pid);
    expect((await second.done).outcome).toBe('succeeded');
    expect(messages(second)).toEqual(expect.arrayContaining(['global undefined', 'counter 1', 'env unset']));
    expect(messages(second).join('\n')).not.toMatch(/late event/);
  });

  it('reuses a host after a package failure', async () => {
    const start = pooled();
    const failed = start(assignment([script('throw new Error("package says no");')]));
    expect(await failed.done).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/package says no/),
    });
    const next = start(assignment([script('return;')]));
    expect(await next.pid).toBe(await failed.pid);
    expect((await next.done).outcome).toBe('succeeded');
  });

  it('never reuses a host that crashed, and sweeps what its attempt started', async () => {
    const start = pooled();
    const first = start(assignment([script('return;')]));
    const hostPid = await first.pid;
    await first.done;
    const crashing = start(assignment([shell('echo "sleeper $$"; exec sleep 30')]));
    const sleeper = Number((await crashing.event(/^sleeper \d+/)).message.split(' ')[1]);
    track(sleeper);
    expect(await crashing.pid).toBe(hostPid);
    process.kill(hostPid, 'SIGKILL');
    expect(await crashing.done).toMatchObject({ outcome: 'failed', signal: 'SIGKILL' });
    expect(await waitGone(sleeper)).toBe(true);
    const next = start(assignment([script('return;')]));
    expect(await next.pid).not.toBe(hostPid);
    expect((await next.done).outcome).toBe('succeeded');
  });

  it('never reuses a host after a timeout or a cancel', async () => {
    const start = pooled();
    const hang = script('await new Promise((resolve) => setTimeout(resolve, 30_000));');
    const timedOut = start(assignment([hang], 300));
    expect(await timedOut.done).toMatchObject({
      outcome: 'failed',
      error: 'the execution timed out and was stopped',
    });
    const cancelled = start(assignment([hang]));
    expect(await cancelled.pid).not.toBe(await timedOut.pid);
    await cancelled.event(/starting \(script task\)/);
    cancelled.slot.cancel();
    expect(await cancelled.done).toMatchObject({ outcome: 'failed', error: 'the execution was stopped' });
    const next = start(assignment([script('return;')]));
    expect([await timedOut.pid, await cancelled.pid]).not.toContain(await next.pid);
    expect((await next.done).outcome).toBe('succeeded');
  });

  it('retires a host whose memory passes the ceiling', async () => {
    const retired: string[] = [];
    const start = pooled({ maxHostMemoryBytes: 1, log: (m) => retired.push(m) });
    const first = start(assignment([script('return;')]));
    await first.done;
    const second = start(assignment([script('return;')]));
    expect(await second.pid).not.toBe(await first.pid);
    await second.done;
    expect(retired[0]).toMatch(/retired: its memory \(\d+ bytes\) passed 1/);
  });

  it('a slot of an ended attempt cannot stop the host that now runs another one', async () => {
    const start = pooled();
    const first = start(assignment([script('return;')]));
    await first.done;
    const second = start(assignment([script('await new Promise((resolve) => setTimeout(resolve, 300));')]));
    expect(await second.pid).toBe(await first.pid);
    first.slot.kill();
    first.slot.cancel();
    expect(first.slot.pid()).toBeNull();
    expect((await second.done).outcome).toBe('succeeded');
  });
});
