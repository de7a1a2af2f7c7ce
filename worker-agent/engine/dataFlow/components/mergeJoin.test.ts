import { describe, expect, it } from 'vitest';
import type { ColumnType } from '../../../../master-core/protocol/dataFlowFormat';
import type { CellValue, Row } from '../types';
import { compareValues } from './compare';
import type { MergeJoinDefinition } from './mergeJoin';
import { createMergeJoin, mergeJoinRuntime } from './mergeJoin';
import type { TestKit, TestKitOptions } from './sortTestKit';
import { createTestKit, produce, settled, testSource } from './sortTestKit';
import { disposedAfterEach } from './componentTestKit';

const kits = disposedAfterEach<TestKit<unknown>>();

interface JoinOptions {
  joinType?: MergeJoinDefinition['joinType'];
  leftKeys?: string[];
  rightKeys?: string[];
  outputColumns?: MergeJoinDefinition['outputColumns'];
  left?: Record<string, ColumnType>;
  right?: Record<string, ColumnType>;
  bufferRows?: number;
  onEmit?: TestKitOptions['onEmit'];
}

/** L -> MJ.Left, R -> MJ.Right, MJ -> Out. Left rows are [K, L], Right rows [R, K] by default. */
function joinKit(options: JoinOptions = {}) {
  const kit = createTestKit('mergeJoin', {
    components: [
      testSource('L', options.left ?? { K: 'Int32', L: 'String' }),
      testSource('R', options.right ?? { R: 'String', K: 'Int64' }),
      {
        type: 'mergeJoin',
        name: 'MJ',
        joinType: options.joinType ?? 'Inner',
        leftKeys: options.leftKeys ?? ['K'],
        rightKeys: options.rightKeys ?? ['K'],
        outputColumns: options.outputColumns ?? [
          { input: 'Left', column: 'K' },
          { input: 'Left', column: 'L' },
          { input: 'Right', column: 'R' },
          { input: 'Right', column: 'K', as: 'RightK' },
        ],
      },
      { type: 'jsonLinesDestination', name: 'Out', connection: 'Rows' },
    ],
    paths: [
      { from: 'L', to: 'MJ.Left' },
      { from: 'R', to: 'MJ.Right' },
      { from: 'MJ', to: 'Out' },
    ],
    component: 'MJ',
    bufferRows: options.bufferRows ?? 3,
    onEmit: options.onEmit,
  });
  kits.push(kit);
  return kit;
}

const lefts = (keys: (number | null)[]): Row[] => keys.map((k, i) => [k, `l${i}`]);
const rights = (keys: (number | null)[]): Row[] => keys.map((k, i) => [`r${i}`, k]);

/** Runs a join with both inputs fed concurrently; returns the output rows. */
async function join(options: JoinOptions, left: Row[], right: Row[], inputBuffer = 2) {
  const kit = joinKit(options);
  const runtime = createMergeJoin(kit.definition, kit.context);
  await Promise.all([
    produce(runtime, 'Left', left, inputBuffer),
    produce(runtime, 'Right', right, inputBuffer),
  ]);
  await runtime.close!();
  return kit.emitted();
}

/** The join by nested loops, in merge order (key, then Left order, then Right order). */
function referenceJoin(type: MergeJoinDefinition['joinType'], left: Row[], right: Row[]): Row[] {
  const out: { key: CellValue; side: number; row: Row }[] = [];
  const matchedRight = new Set<number>();
  const byKey = new Map<CellValue, number[]>();
  right.forEach((r, j) => byKey.set(r[1]!, [...(byKey.get(r[1]!) ?? []), j]));
  for (const l of left) {
    const matches = l[0] === null ? [] : (byKey.get(l[0]!) ?? []).map((j) => [right[j]!, j] as const);
    for (const [r, j] of matches) {
      out.push({ key: l[0]!, side: 0, row: [l[0]!, l[1]!, r[0]!, r[1]!] });
      matchedRight.add(j);
    }
    if (matches.length === 0 && type !== 'Inner')
      out.push({ key: l[0]!, side: 0, row: [l[0]!, l[1]!, null, null] });
  }
  if (type === 'Full')
    right.forEach((r, j) => {
      if (!matchedRight.has(j)) out.push({ key: r[1]!, side: 1, row: [null, null, r[0]!, r[1]!] });
    });
  // Stable: by key, Left-side rows of a key before unmatched Right rows of it.
  return out.sort((a, b) => compareValues(a.key, b.key) || a.side - b.side).map((o) => o.row);
}

describe('merge join results', () => {
  const left = lefts([1, 2, 2, 3, 5]);
  const right = rights([2, 2, 3, 4, 5, 5]);

  it('Inner: pairs every row of a key on one side with every row of it on the other', async () => {
    expect(await join({ joinType: 'Inner' }, left, right)).toEqual([
      [2, 'l1', 'r0', 2],
      [2, 'l1', 'r1', 2],
      [2, 'l2', 'r0', 2],
      [2, 'l2', 'r1', 2],
      [3, 'l3', 'r2', 3],
      [5, 'l4', 'r4', 5],
      [5, 'l4', 'r5', 5],
    ]);
  });

  it('Left: keeps unmatched Left rows with NULL Right columns', async () => {
    const out = await join({ joinType: 'Left' }, left, right);
    expect(out[0]).toEqual([1, 'l0', null, null]);
    expect(out).toEqual(referenceJoin('Left', left, right));
  });

  it('Full: keeps unmatched rows of both sides in key order', async () => {
    const out = await join({ joinType: 'Full' }, left, right);
    expect(out.filter((r) => r[0] === null)).toEqual([[null, null, 'r3', 4]]);
    expect(out).toEqual(referenceJoin('Full', left, right));
  });

  it('never matches NULL keys', async () => {
    const l = lefts([null, null, 1]);
    const r = rights([null, 1]);
    expect(await join({ joinType: 'Inner' }, l, r)).toEqual([[1, 'l2', 'r1', 1]]);
    expect(await join({ joinType: 'Full' }, l, r)).toEqual([
      [null, 'l0', null, null],
      [null, 'l1', null, null],
      [null, null, 'r0', null],
      [1, 'l2', 'r1', 1],
    ]);
  });

  it('handles an empty side and two empty sides for every join type', async () => {
    for (const joinType of ['Inner', 'Left', 'Full'] as const) {
      expect(await join({ joinType }, left, [])).toEqual(referenceJoin(joinType, left, []));
      expect(await join({ joinType }, [], right)).toEqual(referenceJoin(joinType, [], right));
      expect(await join({ joinType }, [], [])).toEqual([]);
    }
    expect(await join({ joinType: 'Full' }, [], right)).toHaveLength(right.length);
  });

  it('joins on several keys and lays rows out exactly as the output metadata says', async () => {
    const options: JoinOptions = {
      joinType: 'Full',
      left: { A: 'String', B: 'Int32', V: 'Double' },
      right: { W: 'Boolean', B2: 'Int64', A2: 'String' },
      leftKeys: ['a', 'B'],
      rightKeys: ['A2', 'B2'],
      outputColumns: [
        { input: 'Right', column: 'W', as: 'Flag' },
        { input: 'Left', column: 'V' },
        { input: 'Left', column: 'A', as: 'Key' },
      ],
    };
    const kit = joinKit(options);
    expect(kit.context.outputs.get('Output')!.map((c) => c.name)).toEqual(['Flag', 'V', 'Key']);
    const out = await join(
      options,
      [
        ['a', 1, 0.5],
        ['a', 2, 1.5],
        ['b', 1, 2.5],
      ],
      [
        [true, 2, 'a'],
        [false, 1, 'b'],
        [true, 3, 'b'],
      ],
    );
    expect(out).toEqual([
      [null, 0.5, 'a'],
      [true, 1.5, 'a'],
      [false, 2.5, 'b'],
      [true, null, null],
    ]);
  });

  it('matches a random many-to-many workload against nested loops, for every join type', async () => {
    let state = 7;
    const random = (n: number) => (state = (state * 48_271) % 2_147_483_647) % n;
    const keys = (count: number) =>
      Array.from({ length: count }, () => (random(20) === 0 ? null : random(60))).sort(compareValues);
    const left = lefts(keys(400));
    const right = rights(keys(300));
    for (const joinType of ['Inner', 'Left', 'Full'] as const)
      expect(await join({ joinType, bufferRows: 17 }, left, right, 13)).toEqual(
        referenceJoin(joinType, left, right),
      );
  });
});

describe('merge join concurrency', () => {
  /** A producer that yields to the event loop a varying number of times between buffers. */
  const jittery = (seed: number) => {
    let s = seed;
    return async () => {
      s = (s * 16_807) % 2_147_483_647;
      for (let i = s % 4; i > 0; i -= 1) await new Promise((resolve) => setImmediate(resolve));
    };
  };

  it('interleaves two producers without deadlock and keeps both queues bounded', async () => {
    const kit = joinKit({ joinType: 'Full', bufferRows: 100 });
    const runtime = mergeJoinRuntime(kit.definition, kit.context);
    const left = lefts(Array.from({ length: 20_000 }, (_, i) => Math.floor(i / 3)));
    // The Right side is far behind at first: keys the Left reaches only at its end.
    const right = rights(Array.from({ length: 20_000 }, (_, i) => (i < 5_000 ? i : 5_000 + i)));
    await Promise.all([
      produce(runtime, 'Left', left, 100, jittery(1)),
      produce(runtime, 'Right', right, 100, jittery(2)),
    ]);
    const peak = runtime.peakQueuedRows();
    expect(peak.Left).toBeLessThanOrEqual(300);
    expect(peak.Right).toBeLessThanOrEqual(300);
    // One side did run ahead and was held at the bound (2 buffers, plus the one being received).
    expect(Math.max(peak.Left, peak.Right)).toBeGreaterThan(200);
    expect(kit.emitted()).toEqual(referenceJoin('Full', left, right));
    expect(Math.max(...kit.bufferSizes)).toBe(100);
  });

  it("holds the side that is ahead until the other side's rows arrive", async () => {
    const kit = joinKit({ joinType: 'Inner', bufferRows: 100 });
    const runtime = mergeJoinRuntime(kit.definition, kit.context);
    const buffer = (from: number) => lefts(Array.from({ length: 100 }, (_, i) => from + i));
    await runtime.receive!('Left', buffer(1_000));
    await runtime.receive!('Left', buffer(1_100));
    const third = runtime.receive!('Left', buffer(1_200));
    expect(await settled(third)).toBe(false);
    await runtime.receive!('Right', rights([5, 6, 7]));
    expect(await settled(third)).toBe(false);
    await runtime.receive!('Right', rights([1_150]));
    await third;
    expect(runtime.peakQueuedRows().Left).toBe(300);
    const ends = Promise.all([runtime.end!('Left'), runtime.end!('Right')]);
    await ends;
    expect(kit.emitted()).toEqual([[1_150, 'l50', 'r0', 1_150]]);
  });

  it('returns from the first end at once and from the last when every row is out', async () => {
    const out: Row[] = [];
    const kit = joinKit({
      joinType: 'Full',
      bufferRows: 2,
      onEmit: async (_output, rows) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        out.push(...rows);
      },
    });
    const runtime = createMergeJoin(kit.definition, kit.context);
    await runtime.receive!('Left', lefts([1, 2]));
    const firstEnd = runtime.end!('Left');
    expect(await settled(firstEnd)).toBe(true);
    await runtime.receive!('Right', rights([2, 3]));
    await runtime.end!('Right');
    expect(out).toEqual([
      [1, 'l0', null, null],
      [2, 'l1', 'r0', 2],
      [null, null, 'r1', 3],
    ]);
  });

  it('waits for each emit before joining more rows', async () => {
    let inFlight = 0;
    let most = 0;
    const kit = joinKit({
      joinType: 'Inner',
      bufferRows: 10,
      onEmit: async () => {
        most = Math.max(most, (inFlight += 1));
        await new Promise((resolve) => setTimeout(resolve, 1));
        inFlight -= 1;
      },
    });
    const runtime = createMergeJoin(kit.definition, kit.context);
    const keys = Array.from({ length: 200 }, (_, i) => Math.floor(i / 2));
    await Promise.all([produce(runtime, 'Left', lefts(keys), 7), produce(runtime, 'Right', rights(keys), 9)]);
    expect(kit.bufferSizes).toEqual(Array(40).fill(10));
    expect(most).toBe(1);
  });
});

describe('merge join failures', () => {
  it('fails on unsorted input, naming the input and the key, and releases the other side', async () => {
    const kit = joinKit({ bufferRows: 2 });
    const runtime = createMergeJoin(kit.definition, kit.context);
    const waiting = runtime.receive!('Right', rights([1, 2, 3, 4, 5, 6, 7]));
    expect(await settled(waiting)).toBe(false);
    await expect(runtime.receive!('Left', lefts([1, 3, 2]))).rejects.toThrow(
      'MJ: the Left input is not sorted on its keys (K): row 3 has key (2) after (3)',
    );
    await expect(waiting).rejects.toThrow('not sorted');
    await expect(runtime.end!('Right')).rejects.toThrow('not sorted');
    await runtime.close!();
  });

  it('detects disorder across buffers of the Right input and on a second key', async () => {
    const kit = joinKit({
      left: { K: 'Int32', L: 'String' },
      right: { R: 'String', K: 'Int64' },
      leftKeys: ['K', 'L'],
      rightKeys: ['K', 'R'],
    });
    const runtime = createMergeJoin(kit.definition, kit.context);
    const ends = Promise.all([
      produce(runtime, 'Left', [], 1),
      produce(
        runtime,
        'Right',
        [
          ['b', 1],
          ['c', 1],
          ['a', 1],
        ],
        2,
      ),
    ]);
    await expect(ends).rejects.toThrow(
      'the Right input is not sorted on its keys (K, R): row 3 has key (1, "a") after (1, "c")',
    );
  });

  it('rejects keys that cannot compare and columns that do not exist', () => {
    const mismatched = joinKit({ right: { R: 'String', K: 'String' } });
    expect(() => createMergeJoin(mismatched.definition, mismatched.context)).toThrow(
      'key 1 compares Left K (Int32) with Right K (String)',
    );
    const kit = joinKit();
    const definition = { ...kit.definition, leftKeys: ['Missing'] };
    expect(() => createMergeJoin(definition, kit.context)).toThrow('the Left input has no column Missing');
  });

  it('rejects waiting receives when cancelled', async () => {
    const kit = joinKit({ bufferRows: 2 });
    const runtime = createMergeJoin(kit.definition, kit.context);
    const waiting = runtime.receive!('Left', lefts([1, 2, 3, 4, 5, 6]));
    expect(await settled(waiting)).toBe(false);
    kit.abort(new Error('execution stopped'));
    await expect(waiting).rejects.toThrow('execution stopped');
    await expect(runtime.receive!('Right', rights([1]))).rejects.toThrow('execution stopped');
    await runtime.close!();
  });

  it('rejects pending calls when closed early', async () => {
    const kit = joinKit({ bufferRows: 2 });
    const runtime = createMergeJoin(kit.definition, kit.context);
    const waiting = runtime.receive!('Left', lefts([1, 2, 3, 4, 5, 6]));
    await runtime.close!();
    await expect(waiting).rejects.toThrow('MJ was closed before its inputs ended');
  });
});
