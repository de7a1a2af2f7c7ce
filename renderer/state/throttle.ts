/** Runs `fn` at most once per interval: the first call at once, later calls folded into one at the end. */

export interface Throttled {
  (): void;
  cancel: () => void;
}

export interface ThrottleClock {
  now: () => number;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export function createThrottle(
  fn: () => void,
  intervalMs: number,
  clock: ThrottleClock = realClock,
): Throttled {
  let lastRunMs = -Infinity;
  let pending: unknown = null;
  const run = () => {
    pending = null;
    lastRunMs = clock.now();
    fn();
  };
  const throttled = () => {
    if (pending !== null) return;
    const waitMs = lastRunMs + intervalMs - clock.now();
    if (waitMs <= 0) run();
    else pending = clock.setTimeout(run, waitMs);
  };
  throttled.cancel = () => {
    if (pending !== null) clock.clearTimeout(pending);
    pending = null;
  };
  return throttled;
}
