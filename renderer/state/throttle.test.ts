import { describe, expect, it } from 'vitest';
import { createThrottle } from './throttle';
import type { ThrottleClock } from './throttle';

function fakeClock() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: ThrottleClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((x) => x.at <= now)) {
      timers.splice(timers.indexOf(t), 1);
      t.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

describe('createThrottle', () => {
  it('runs the first call at once and folds a burst into one trailing run', () => {
    const { clock, advance } = fakeClock();
    let runs = 0;
    const throttled = createThrottle(() => (runs += 1), 1000, clock);
    throttled();
    expect(runs).toBe(1);
    throttled();
    throttled();
    advance(500);
    throttled();
    expect(runs).toBe(1);
    advance(500);
    expect(runs).toBe(2);
    advance(5000);
    expect(runs).toBe(2);
    throttled();
    expect(runs).toBe(3);
  });

  it('cancels a pending run', () => {
    const { clock, advance, pending } = fakeClock();
    let runs = 0;
    const throttled = createThrottle(() => (runs += 1), 1000, clock);
    throttled();
    throttled();
    throttled.cancel();
    expect(pending()).toBe(0);
    advance(2000);
    expect(runs).toBe(1);
  });
});
