/**
 * Slows down password guessing: after `freeFailures` failed logins for a user name (or
 * `addressFreeFailures` from a client address), further attempts are refused (even with the right password) until a wait has passed
 * that doubles with each failure: base × 2^(failures − free failures), at most maxDelayMs. A
 * success clears the user's count (not the address's, so one known account cannot launder an
 * address's failures). Counts are forgotten after `forgetAfterMs` without failures. Kept in
 * memory: a restart forgives, which is acceptable, as a restart is not in an attacker's hands.
 */
export interface ThrottleOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  freeFailures: number;
  /** A client address is shared by every user behind it: it gets more failures before waiting. */
  addressFreeFailures: number;
  forgetAfterMs: number;
  now?: () => number;
}

export const defaultThrottle: ThrottleOptions = {
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  freeFailures: 3,
  addressFreeFailures: 10,
  forgetAfterMs: 15 * 60_000,
};

interface Count {
  failures: number;
  lastFailureMs: number;
}

const MAX_KEYS = 100_000;

export function createLoginThrottle(options: ThrottleOptions = defaultThrottle) {
  const now = options.now ?? Date.now;
  const counts = new Map<string, Count>();

  const current = (key: string): Count | undefined => {
    const count = counts.get(key);
    if (count && now() - count.lastFailureMs > options.forgetAfterMs) {
      counts.delete(key);
      return undefined;
    }
    return count;
  };
  const waitFor = (key: string, count: Count | undefined): number => {
    const free = key.startsWith('addr:') ? options.addressFreeFailures : options.freeFailures;
    if (!count || count.failures < free) return 0;
    const delay = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (count.failures - free));
    return Math.max(0, count.lastFailureMs + delay - now());
  };
  const keys = (userName: string, address: string) => [`user:${userName.toLowerCase()}`, `addr:${address}`];

  return {
    /** Milliseconds to wait before this user name may try again from this address; 0 when it may now. */
    retryAfterMs(userName: string, address: string): number {
      return Math.max(...keys(userName, address).map((key) => waitFor(key, current(key))));
    },
    failed(userName: string, address: string): void {
      if (counts.size > MAX_KEYS) {
        for (const [key, count] of counts)
          if (now() - count.lastFailureMs > options.forgetAfterMs) counts.delete(key);
        // Still full (an attack from very many names): forget the oldest half.
        if (counts.size > MAX_KEYS)
          [...counts.keys()].slice(0, MAX_KEYS / 2).forEach((k) => counts.delete(k));
      }
      for (const key of keys(userName, address)) {
        const count = current(key) ?? { failures: 0, lastFailureMs: 0 };
        counts.set(key, { failures: count.failures + 1, lastFailureMs: now() });
      }
    },
    succeeded(userName: string): void {
      counts.delete(`user:${userName.toLowerCase()}`);
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/** A login refused because of earlier failures: the console server adds a Retry-After header. */
export class LoginThrottled extends Error {
  constructor(readonly retryAfterMs: number) {
    super(
      `too many failed logins for this user or from this address: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
    );
  }
}
