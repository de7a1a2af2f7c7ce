import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startExecutionSlot } from './executionSlot';
import { createOutputTail } from './outcome';
import {
  assignment,
  expectNoLeftovers,
  realHost,
  run,
  script,
  shell,
  tempWorkDir,
  track,
  waitGone,
} from './test/fixtures/hostTestKit';

describe('createOutputTail', () => {
  it('keeps the last characters of any amount of output', () => {
    const tail = createOutputTail(10);
    for (let i = 0; i < 1_000; i += 1) tail.push(Buffer.from(`line ${i}\n`));
    expect(tail.text()).toBe('\nline 999\n');
    tail.clear();
    expect(tail.text()).toBe('');
  });
});

describe('startExecutionSlot', () => {
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
  const attempt = (task = assignment([script('log.info("hello");')])) =>
    run((handlers) =>
      startExecutionSlot({ hostEntry: realHost, task, machineName: 'test', workDir: work.dir, handlers }),
    );

  it('runs one attempt in a fresh host that exits with 0 on success', async () => {
    const r = attempt();
    const result = await r.done;
    expect(result).toMatchObject({ outcome: 'succeeded', error: null, exitCode: 0, signal: null });
    expect(r.events.map((e) => e.message)).toContain('hello');
    expect(await waitGone(await r.pid)).toBe(true);
    expect(r.slot.pid()).toBeNull();
  });

  it('reports a package failure with exit code 1 and the engine error', async () => {
    const result = await attempt(assignment([script('throw new Error("no luck");')])).done;
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 1, error: expect.stringMatching(/no luck/) });
  });

  it('on timeout stops the whole group: a task process that ignores SIGTERM dies with the host', async () => {
    const r = attempt(
      assignment([shell('trap "" TERM; echo "stubborn $$"; while :; do sleep 1; done')], 500),
    );
    const stubborn = Number((await r.event(/^stubborn \d+/)).message.split(' ')[1]);
    track(stubborn);
    const result = await r.done;
    expect(result).toMatchObject({ outcome: 'failed', error: 'the execution timed out and was stopped' });
    expect(await waitGone(stubborn, 2_000)).toBe(true);
  });
});
