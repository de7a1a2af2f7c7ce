import { describe, expect, it } from 'vitest';
import { createStatementQueue, runCancellable } from './statementControl';

/** A statement that runs until cancel() is called, then fails like a database would. */
function cancellableWork() {
  let fail: (error: Error) => void = () => undefined;
  let cancels = 0;
  return {
    work: () => new Promise<string>((_, reject) => (fail = reject)),
    canceller: {
      cancel: () => {
        cancels += 1;
        fail(new Error('canceling statement due to user request'));
      },
    },
    cancels: () => cancels,
  };
}

describe('runCancellable', () => {
  it('passes results and errors through when nothing stops the statement', async () => {
    const canceller = { cancel: () => undefined };
    await expect(runCancellable({ timeoutMs: 1_000 }, canceller, async () => 'rows')).resolves.toBe('rows');
    await expect(
      runCancellable({}, canceller, async () => {
        throw new Error('syntax error');
      }),
    ).rejects.toThrow('syntax error');
  });

  it('cancels once at the timeout and reports a TIMEOUT', async () => {
    const s = cancellableWork();
    const error = await runCancellable({ timeoutMs: 20 }, s.canceller, s.work).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TIMEOUT',
      message: 'the statement timed out after 20 ms and was canceled',
    });
    expect(s.cancels()).toBe(1);
  });

  it('cancels when the signal aborts, and does not start on an aborted signal', async () => {
    const s = cancellableWork();
    const controller = new AbortController();
    const running = runCancellable({ signal: controller.signal }, s.canceller, s.work);
    controller.abort();
    await expect(running).rejects.toThrow('the statement was canceled: the execution is stopping');
    let started = false;
    const late = runCancellable({ signal: controller.signal }, s.canceller, async () => {
      started = true;
    });
    await expect(late).rejects.toThrow(/canceled/);
    expect(started).toBe(false);
  });

  it('gives the statement up (abandon) when cancel does not stop it within the grace time', async () => {
    let abandoned = false;
    const canceller = { cancel: () => undefined, abandon: () => (abandoned = true), graceMs: 30 };
    const hung = () => new Promise<never>(() => undefined);
    await expect(runCancellable({ timeoutMs: 10 }, canceller, hung)).rejects.toThrow(/timed out after 10 ms/);
    expect(abandoned).toBe(true);
  });

  it('settles only after the cancel request itself finished', async () => {
    const order: string[] = [];
    let fail: (error: Error) => void = () => undefined;
    const canceller = {
      cancel: async () => {
        fail(new Error('interrupted'));
        await new Promise((resolve) => setImmediate(resolve));
        order.push('cancel done');
      },
    };
    const work = () => new Promise<never>((_, reject) => (fail = reject));
    await runCancellable({ timeoutMs: 5 }, canceller, work).catch(() => order.push('settled'));
    expect(order).toEqual(['cancel done', 'settled']);
  });
});

describe('createStatementQueue', () => {
  it('runs work one at a time in call order, past failures', async () => {
    const enqueue = createStatementQueue();
    const order: string[] = [];
    let running = 0;
    const step = (name: string, fail = false) =>
      enqueue(async () => {
        running += 1;
        expect(running).toBe(1);
        await new Promise((resolve) => setImmediate(resolve));
        order.push(name);
        running -= 1;
        if (fail) throw new Error(name);
      });
    const results = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
