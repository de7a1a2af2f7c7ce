import type { InsertResult, MessagesRepo, WorkerEvent } from '../catalog/messagesRepo';
import { createLogger } from '../logger';
import type { Logger } from '../logger';
import { ScaleOutError, coerceError } from '../protocol/errors';
import type { TaskEvent } from '../protocol/wire';

export interface MessageWriterOptions {
  log: Logger;
  /** Commit as soon as this many events wait ... */
  flushRows: number;
  /** ... or this long after the first of them was queued, whichever comes first. */
  flushDelayMs: number;
  /** Most events in one transaction: other catalog statements wait behind it, so keep it short. */
  maxTransactionRows: number;
  /** Backpressure: beyond this many queued events (in flight included) `enqueue` refuses. */
  maxQueuedEvents: number;
  /** ... or beyond this many characters of message text, source names and package paths. */
  maxQueuedChars: number;
  /** Backoff after a failed write: doubles from retryBaseMs up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** `flush()` rejects once the write it waits for has failed this many times in a row. */
  flushGiveUpAfterFailures: number;
}

export const defaultWriterOptions: Omit<MessageWriterOptions, 'log'> = {
  flushRows: 500,
  flushDelayMs: 20,
  maxTransactionRows: 5_000,
  maxQueuedEvents: 100_000,
  maxQueuedChars: 32 * 2 ** 20,
  retryBaseMs: 100,
  retryMaxMs: 5_000,
  flushGiveUpAfterFailures: 4,
};

/** Called once per worker per stored batch, in order, so the gateway can acknowledge. */
export type AfterWrite = (workerId: string, events: TaskEvent[], touched: Set<number>) => void;

/** Whether the waiting events should be written now rather than later. */
export function shouldWriteNow(state: {
  waiting: number;
  flushRows: number;
  due: boolean;
  flushRequested: boolean;
}): boolean {
  return state.waiting > 0 && (state.waiting >= state.flushRows || state.due || state.flushRequested);
}

/** Delay before retry number `failures` (1, 2, ...): doubling from base, capped. */
export function retryDelayMs(failures: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

const charsOf = (e: TaskEvent) => e.message.length + e.sourceName.length + e.packagePath.length;

/** Groups a stored batch by worker, keeping each worker's events in order. */
function byWorker(batch: readonly WorkerEvent[]): Map<string, TaskEvent[]> {
  const groups = new Map<string, TaskEvent[]>();
  for (const { workerId, event } of batch) {
    const events = groups.get(workerId);
    if (events) events.push(event);
    else groups.set(workerId, [event]);
  }
  return groups;
}

interface FlushWaiter {
  target: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Batches package events from all workers into multi-row inserts, committed when `flushRows`
 * events wait or `flushDelayMs` after the first of them, whichever comes first. One transaction at
 * most is in flight; events are stored in the order they were queued. A failed write keeps its
 * events queued and un-acknowledged and is retried with backoff. The queue is bounded: see
 * `enqueue`.
 */
export function createMessageWriter(
  messages: Pick<MessagesRepo, 'insertMany'>,
  afterWrite: AfterWrite,
  options: Partial<MessageWriterOptions> = {},
) {
  const o: MessageWriterOptions = {
    ...defaultWriterOptions,
    log: createLogger('message-writer'),
    ...options,
  };
  /** Queued events in order; while a write runs, its events stay at the front until it succeeds. */
  const queue: WorkerEvent[] = [];
  let queuedChars = 0;
  let enqueuedCount = 0;
  let storedCount = 0;
  let running = false;
  let due = false;
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let flushWaiters: FlushWaiter[] = [];
  let writableWaiters: (() => void)[] = [];
  /** Per attempt, the lowest refused seq: later events of it are refused until a replay reaches it. */
  const holes = new Map<string, number>();

  const isFull = () => queue.length >= o.maxQueuedEvents || queuedChars >= o.maxQueuedChars;
  const hasRoom = () => queue.length <= o.maxQueuedEvents / 2 && queuedChars <= o.maxQueuedChars / 2;

  function kick(): void {
    if (!running && !retryTimer) void writeLoop();
  }

  function onFlushTimer(): void {
    flushTimer = null;
    due = true;
    kick();
  }

  async function writeLoop(): Promise<void> {
    running = true;
    try {
      while (
        !retryTimer &&
        shouldWriteNow({
          waiting: queue.length,
          flushRows: o.flushRows,
          due,
          flushRequested: flushWaiters.length > 0,
        })
      ) {
        const batch = queue.slice(0, o.maxTransactionRows);
        if (batch.length === queue.length) {
          // Everything waiting is taken: the next event starts a new delay.
          if (flushTimer) clearTimeout(flushTimer);
          flushTimer = null;
          due = false;
        }
        let results: Map<string, InsertResult>;
        try {
          results = await messages.insertMany(batch);
        } catch (error) {
          onWriteFailed(batch.length, coerceError(error));
          return;
        }
        onWritten(batch, results);
      }
    } finally {
      running = false;
    }
  }

  function onWritten(batch: WorkerEvent[], results: Map<string, InsertResult>): void {
    if (failures > 0) o.log.info(`package messages stored again after ${failures} failed writes`);
    failures = 0;
    queue.splice(0, batch.length);
    for (const { event } of batch) queuedChars -= charsOf(event);
    storedCount += batch.length;
    for (const [workerId, events] of byWorker(batch)) {
      try {
        afterWrite(workerId, events, results.get(workerId)?.touched ?? new Set());
      } catch (error) {
        o.log.error(`after storing messages of worker ${workerId}: ${coerceError(error).message}`);
      }
    }
    const done = flushWaiters.filter((w) => w.target <= storedCount);
    flushWaiters = flushWaiters.filter((w) => w.target > storedCount);
    for (const w of done) w.resolve();
    if (hasRoom() && writableWaiters.length > 0) {
      const waiters = writableWaiters;
      writableWaiters = [];
      for (const resolve of waiters) resolve();
    }
    if (queue.length > 0 && !flushTimer && !due) flushTimer = setTimeout(onFlushTimer, o.flushDelayMs);
  }

  function onWriteFailed(count: number, error: Error): void {
    failures += 1;
    const delayMs = retryDelayMs(failures, o.retryBaseMs, o.retryMaxMs);
    o.log.error(
      `storing ${count} package messages failed (${failures} in a row); ${queue.length} stay queued, ` +
        `un-acknowledged; retrying in ${delayMs} ms: ${error.message}`,
    );
    // Unref'd: a master shutting down on a broken disk must not hang; agents replay to the next one.
    retryTimer = setTimeout(() => {
      retryTimer = null;
      due = true;
      kick();
    }, delayMs);
    retryTimer.unref();
    if (failures >= o.flushGiveUpAfterFailures && flushWaiters.length > 0) {
      const waiters = flushWaiters;
      flushWaiters = [];
      const reason = new ScaleOutError(
        'UNAVAILABLE',
        `package messages could not be stored (${failures} failed writes; still retrying): ${error.message}`,
        { cause: error },
      );
      for (const w of waiters) w.reject(reason);
    }
  }

  return {
    /**
     * Queues one event; true when queued. False when the queue is full (or an earlier event of
     * this attempt was refused and not yet replayed): the event is NOT queued and will NOT be
     * acknowledged, so nothing is lost, since the agent keeps it until acknowledged. The caller
     * should stop taking this worker's events, e.g. close its socket with 1013 (try again later):
     * the agent reconnects with backoff and replays everything unacknowledged. Later events of the
     * same attempt are refused until that replay reaches the refused one, so an acknowledgement
     * (which covers every seq below it) never covers an event that was not stored.
     */
    enqueue(workerId: string, event: TaskEvent): boolean {
      const hole = holes.get(event.attemptId);
      if (hole !== undefined && event.seq > hole) return false;
      if (isFull()) {
        holes.set(event.attemptId, Math.min(hole ?? event.seq, event.seq));
        return false;
      }
      if (hole === event.seq) holes.delete(event.attemptId);
      queue.push({ workerId, event });
      queuedChars += charsOf(event);
      enqueuedCount += 1;
      if (queue.length >= o.flushRows) kick();
      else if (!flushTimer && !due) flushTimer = setTimeout(onFlushTimer, o.flushDelayMs);
      return true;
    },
    /**
     * Resolves once everything enqueued before the call is stored. Rejects (UNAVAILABLE) if the
     * write it waits for fails `flushGiveUpAfterFailures` times in a row; the events stay queued
     * and the writer keeps retrying.
     */
    flush(): Promise<void> {
      if (storedCount >= enqueuedCount) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        flushWaiters.push({ target: enqueuedCount, resolve, reject });
        kick();
      });
    },
    /** Resolves when the queue has drained to half its limits (at once if it is there already). */
    writable(): Promise<void> {
      if (hasRoom()) return Promise.resolve();
      return new Promise((resolve) => writableWaiters.push(resolve));
    },
    /** Events queued, in flight included. */
    queued: () => queue.length,
  };
}

export type MessageWriter = ReturnType<typeof createMessageWriter>;
