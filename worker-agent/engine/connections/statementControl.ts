import { ScaleOutError } from '../../../master-core/protocol/errors';

export interface StatementOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** How a running statement is stopped. */
export interface StatementCanceller {
  /** Asks the database to stop the running statement (sqlite3 interrupt, pg_cancel_backend). */
  cancel(): void | Promise<void>;
  /** When cancel did not stop it within graceMs: give the connection up (it is then broken). */
  abandon?(): void;
  /** How long the statement may keep running after cancel; CANCEL_GRACE_MS by default. */
  graceMs?: number;
}

/** How long a statement may keep running after it was asked to stop. */
export const CANCEL_GRACE_MS = 5_000;

/**
 * Runs work one at a time, in call order: statements on one connection never overlap, so a
 * cancel reaches the statement it was meant for and per-statement bookkeeping stays consistent.
 */
export function createStatementQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = tail.then(work);
    tail = next.catch(() => undefined);
    return next;
  };
}

function stoppedError(reason: 'timeout' | 'abort', timeoutMs: number | undefined, cause: unknown): Error {
  return reason === 'timeout'
    ? new ScaleOutError('TIMEOUT', `the statement timed out after ${timeoutMs} ms and was canceled`, {
        cause,
      })
    : new ScaleOutError('UNAVAILABLE', 'the statement was canceled: the execution is stopping', { cause });
}

/**
 * Runs one statement; when options.timeoutMs passes or options.signal aborts, cancels it and turns
 * its failure into a TIMEOUT (or canceled) error. Resolves only once the cancel request itself has
 * finished, so it cannot hit the next statement on the connection.
 */
export async function runCancellable<T>(
  options: StatementOptions,
  canceller: StatementCanceller,
  work: () => Promise<T>,
): Promise<T> {
  if (options.signal?.aborted) throw stoppedError('abort', undefined, options.signal.reason);
  let reason: 'timeout' | 'abort' | null = null;
  let cancelling: Promise<void> = Promise.resolve();
  let giveUp: (error: Error) => void = () => undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'timeout' | 'abort') => {
    if (reason) return;
    reason = why;
    cancelling = Promise.resolve()
      .then(() => canceller.cancel())
      .catch(() => undefined);
    graceTimer = setTimeout(() => {
      canceller.abandon?.();
      giveUp(stoppedError(why, options.timeoutMs, new Error('the database did not stop the statement')));
    }, canceller.graceMs ?? CANCEL_GRACE_MS);
  };
  const timer = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;
  const onAbort = () => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const abandoned = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  const running = work();
  // When abandoned, its late failure must not become an unhandled rejection.
  running.catch(() => undefined);
  try {
    return await Promise.race([running, abandoned]);
  } catch (error) {
    if (reason) throw stoppedError(reason, options.timeoutMs, error);
    throw error;
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await cancelling;
  }
}
