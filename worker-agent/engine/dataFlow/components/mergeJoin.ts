/**
 * Merge Join: joins a Left and a Right input that both arrive sorted ascending on their keys (in
 * the order of compare.ts, the order Sort produces). Inner, Left outer and Full outer; equal keys
 * on both sides give every pairing; a row whose key holds a NULL matches nothing. Output rows
 * follow outputColumns, the side without a match giving NULLs.
 *
 * The two inputs arrive concurrently, each through its own receive() calls. Rows wait in one
 * bounded queue per input; a single join loop takes from both. A receive resolves once its input's
 * queue is back within the bound, so the side that is ahead waits until the other side catches
 * up. The loop only ever waits for an input whose queue is empty, whose receive has therefore
 * resolved: neither side can deadlock the other. The first end() returns at once; the second
 * returns once the join is done (every row emitted). Memory: both queues, one output buffer, and the
 * Right rows of the key being joined (a key repeated a million times on the Right is held whole).
 */
import type { ColumnType, ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import { ScaleOutError } from '../../../../master-core/protocol/errors';
import type { ComponentContext, ComponentFactory, ComponentRuntime, Row } from '../types';
import { compareKeysAcross, formatKey } from './compare';

export type MergeJoinDefinition = ComponentOf<'mergeJoin'>;
export type JoinSide = 'Left' | 'Right';

/** Rows an input may have queued before its receive waits, in buffers of bufferRows. */
export const QUEUED_BUFFERS_PER_INPUT = 2;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}
const settle = <T>(waiters: Waiter<T>[], value: T) => waiters.splice(0).forEach((w) => w.resolve(value));

/**
 * One input's rows between its receive() calls and the join loop. push() checks the order and
 * queues; space() resolves while at most `maxRows` rows wait; the loop reads with current(),
 * take() and next() (which waits for rows or the end).
 */
export class InputQueue {
  private buffers: Row[][] = [];
  private offset = 0;
  private queued = 0;
  private received = 0;
  private last: Row | undefined;
  private failure: Error | undefined;
  private readonly dataWaiters: Waiter<Row | undefined>[] = [];
  private readonly spaceWaiters: Waiter<void>[] = [];
  /** The most rows queued at once. */
  peak = 0;
  ended = false;

  constructor(
    readonly side: JoinSide,
    private readonly keys: readonly number[],
    private readonly maxRows: number,
    private readonly unsorted: (row: Row, previous: Row, keys: readonly number[], at: number) => string,
  ) {}

  push(rows: Row[]): void {
    if (this.ended)
      throw new ScaleOutError('INTERNAL', `rows arrived on the ${this.side} input after its end`);
    for (const row of rows) {
      this.received += 1;
      if (this.last && compareKeysAcross(row, this.keys, this.last, this.keys) < 0)
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          this.unsorted(row, this.last, this.keys, this.received),
          {
            field: this.side === 'Left' ? 'leftKeys' : 'rightKeys',
          },
        );
      this.last = row;
    }
    if (rows.length === 0) return;
    this.buffers.push(rows);
    this.queued += rows.length;
    this.peak = Math.max(this.peak, this.queued);
    settle(this.dataWaiters, this.current());
  }
  space(): Promise<void> {
    return this.wait(this.spaceWaiters, this.queued <= this.maxRows);
  }
  current(): Row | undefined {
    return this.buffers[0]?.[this.offset];
  }
  take(): Row {
    const buffer = this.buffers[0]!;
    const row = buffer[this.offset]!;
    this.offset += 1;
    if (this.offset >= buffer.length) {
      this.buffers.shift();
      this.offset = 0;
    }
    this.queued -= 1;
    if (this.queued <= this.maxRows) settle(this.spaceWaiters, undefined);
    return row;
  }
  /** The next row, waiting for one; undefined once the input has ended and is used up. */
  next(): Promise<Row | undefined> {
    const row = this.current();
    if (row || this.failure) return this.wait(this.dataWaiters, true, row);
    return this.wait(this.dataWaiters, this.ended, undefined);
  }
  finish(): void {
    this.ended = true;
    if (!this.current()) settle(this.dataWaiters, undefined);
  }
  fail(error: Error): void {
    this.failure ??= error;
    for (const waiters of [this.dataWaiters, this.spaceWaiters] as Waiter<unknown>[][])
      waiters.splice(0).forEach((w) => w.reject(error));
  }
  private wait<T>(waiters: Waiter<T>[], ready: boolean, value?: T): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    if (ready) return Promise.resolve(value as T);
    return new Promise<T>((resolve, reject) => waiters.push({ resolve, reject }));
  }
}

/** The definition resolved against the input columns. */
export interface JoinPlan {
  leftKeys: number[];
  rightKeys: number[];
  /** Per output column: which input (true: Left) and which column of it. */
  fromLeft: boolean[];
  indexes: number[];
}

const family = (type: ColumnType) =>
  ['Int32', 'Int64', 'Double', 'Decimal'].includes(type) ? 'a number' : `${type}`;

function columnIndex(columns: readonly ColumnMeta[], name: string, side: JoinSide, field: string): number {
  const index = columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());
  if (index < 0)
    throw new ScaleOutError('VALIDATION_FAILED', `the ${side} input has no column ${name}`, { field });
  return index;
}

/** Resolves keys and output columns; throws naming what is missing or does not compare. */
export function planMergeJoin(definition: MergeJoinDefinition, context: ComponentContext): JoinPlan {
  const left = context.inputs.get('Left') ?? [];
  const right = context.inputs.get('Right') ?? [];
  if (definition.leftKeys.length !== definition.rightKeys.length)
    throw new ScaleOutError('VALIDATION_FAILED', 'leftKeys and rightKeys must have as many columns', {
      field: 'rightKeys',
    });
  const leftKeys = definition.leftKeys.map((k, i) => columnIndex(left, k, 'Left', `leftKeys.${i}`));
  const rightKeys = definition.rightKeys.map((k, i) => columnIndex(right, k, 'Right', `rightKeys.${i}`));
  leftKeys.forEach((l, i) => {
    const a = left[l]!;
    const b = right[rightKeys[i]!]!;
    if (family(a.dataType) !== family(b.dataType))
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `key ${i + 1} compares Left ${a.name} (${a.dataType}) with Right ${b.name} (${b.dataType})`,
        { field: `rightKeys.${i}` },
      );
  });
  const fromLeft = definition.outputColumns.map((o) => o.input === 'Left');
  const indexes = definition.outputColumns.map((o, i) =>
    columnIndex(o.input === 'Left' ? left : right, o.column, o.input, `outputColumns.${i}.column`),
  );
  return { leftKeys, rightKeys, fromLeft, indexes };
}

/** An output row from a Left row and a Right row, either NULL when unmatched. */
export function projectRow(plan: JoinPlan, left: Row | null, right: Row | null): Row {
  const row: Row = new Array(plan.indexes.length);
  for (let i = 0; i < row.length; i += 1) {
    const from = plan.fromLeft[i] ? left : right;
    row[i] = from === null ? null : (from[plan.indexes[i]!] ?? null);
  }
  return row;
}

const hasNull = (row: Row, keys: readonly number[]) => keys.some((k) => row[k] === null);

/** The join over both queues; emits through `push`, awaiting `flush` when the buffer is full. */
async function joinLoop(
  joinType: MergeJoinDefinition['joinType'],
  plan: JoinPlan,
  left: InputQueue,
  right: InputQueue,
  out: BufferedOutput,
): Promise<void> {
  const keepLeft = joinType !== 'Inner';
  const keepRight = joinType === 'Full';
  const { leftKeys, rightKeys } = plan;
  for (;;) {
    const l = left.current() ?? (await left.next());
    const r = right.current() ?? (await right.next());
    if (!l && !r) break;
    const c = !l ? 1 : !r ? -1 : compareKeysAcross(l, leftKeys, r, rightKeys);
    if (c < 0 || (c === 0 && hasNull(l!, leftKeys))) {
      left.take();
      if (keepLeft && out.push(projectRow(plan, l!, null))) await out.flush();
    } else if (c > 0) {
      right.take();
      if (keepRight && out.push(projectRow(plan, null, r!))) await out.flush();
    } else {
      // Equal keys: hold the Right rows of this key, pair every Left row of it with them.
      const group: Row[] = [];
      for (let n: Row | undefined = r; n && compareKeysAcross(n, rightKeys, r!, rightKeys) === 0;) {
        group.push(right.take());
        n = right.current() ?? (await right.next());
      }
      for (let m: Row | undefined = l; m && compareKeysAcross(m, leftKeys, r!, rightKeys) === 0;) {
        left.take();
        for (const g of group) if (out.push(projectRow(plan, m, g))) await out.flush();
        m = left.current() ?? (await left.next());
      }
    }
  }
  await out.flush();
}

/** The join's runtime plus what tests and logs read: the most rows each input had queued. */
export interface MergeJoinRuntime extends ComponentRuntime {
  peakQueuedRows(): Record<JoinSide, number>;
}

export const createMergeJoin: ComponentFactory<MergeJoinDefinition> = (definition, context) =>
  mergeJoinRuntime(definition, context);

export function mergeJoinRuntime(
  definition: MergeJoinDefinition,
  context: ComponentContext,
  maxQueuedRows = QUEUED_BUFFERS_PER_INPUT * context.bufferRows,
): MergeJoinRuntime {
  const plan = planMergeJoin(definition, context);
  const queues: Record<JoinSide, InputQueue> = {
    Left: inputQueue(context, 'Left', plan.leftKeys, maxQueuedRows),
    Right: inputQueue(context, 'Right', plan.rightKeys, maxQueuedRows),
  };
  let failure: Error | undefined;
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    queues.Left.fail(failure);
    queues.Right.fail(failure);
  };
  const onAbort = () => fail(context.signal.reason);
  context.signal.addEventListener('abort', onAbort, { once: true });

  const out = bufferedOutput(context, () => {
    if (failure) throw failure;
  });
  let loop: Promise<void> | undefined;
  const start = () =>
    (loop ??= joinLoop(definition.joinType, plan, queues.Left, queues.Right, out).catch(fail));
  const queueOf = (input: string) => {
    if (failure) throw failure;
    context.signal.throwIfAborted();
    const queue = queues[input as JoinSide];
    if (!queue) throw new ScaleOutError('INTERNAL', `${context.name} has no input ${input}`);
    start();
    return queue;
  };

  return {
    async receive(input, rows) {
      const queue = queueOf(input);
      try {
        queue.push(rows);
      } catch (error) {
        fail(error);
        throw error;
      }
      await queue.space();
    },
    async end(input) {
      const queue = queueOf(input);
      queue.finish();
      // The first input to end returns at once (its rows stay queued); the last one returns when
      // the join is done, so "all inputs ended" means the output is complete.
      if (!queues.Left.ended || !queues.Right.ended) return;
      await loop;
      if (failure) throw failure;
    },
    async close() {
      context.signal.removeEventListener('abort', onAbort);
      // Pending receives and ends reject; a loop stuck in a downstream emit is not waited for.
      fail(new ScaleOutError('INTERNAL', `${context.name} was closed before its inputs ended`));
    },
    peakQueuedRows: () => ({ Left: queues.Left.peak, Right: queues.Right.peak }),
  };
}

function inputQueue(context: ComponentContext, side: JoinSide, keys: number[], maxRows: number) {
  const names = keys.map((k) => context.inputs.get(side)![k]!.name).join(', ');
  return new InputQueue(
    side,
    keys,
    maxRows,
    (row, previous, indexes, rowNumber) =>
      `${context.name}: the ${side} input is not sorted on its keys (${names}): row ${rowNumber} ` +
      `has key ${formatKey(row, indexes)} after ${formatKey(previous, indexes)}; sort it ascending ` +
      'on those keys first (a Sort component)',
  );
}

/** Output rows gathered into buffers: push() says when one is full, flush() emits it. */
interface BufferedOutput {
  push(row: Row): boolean;
  flush(): Promise<void>;
}

function bufferedOutput(context: ComponentContext, stopIfFailed: () => void): BufferedOutput {
  const connected = context.isConnected(DEFAULT_OUTPUT);
  let rows: Row[] = [];
  const flush = async () => {
    if (rows.length === 0) return;
    const buffer = rows;
    rows = [];
    stopIfFailed();
    context.signal.throwIfAborted();
    await context.emit(DEFAULT_OUTPUT, buffer);
  };
  return {
    flush,
    push(row) {
      if (connected) rows.push(row);
      return rows.length >= context.bufferRows;
    },
  };
}
