import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { ColumnType } from '../../../../master-core/protocol/dataFlowFormat';
import type { Row } from '../types';
import { compareValues } from './compare';
import { MAX_FAN_IN, createSort } from './sort';
import type { TestKit, TestKitOptions } from './sortTestKit';
import { createTestKit, produce, testSource } from './sortTestKit';
import { disposedAfterEach } from './componentTestKit';

const kits = disposedAfterEach<TestKit<unknown>>();

interface SortOptions {
  keys: { column: string; descending?: boolean }[];
  removeDuplicates?: boolean;
  maxRowsInMemory?: number;
  columns?: Record<string, ColumnType>;
  bufferRows?: number;
  onEmit?: TestKitOptions['onEmit'];
  connected?: boolean;
}

/** Src -> Sort -> Out, with the Sort under test. */
function sortKit(options: SortOptions) {
  const columns = options.columns ?? { Key: 'Int32', Name: 'String', Seq: 'Int32' };
  const kit = createTestKit('sort', {
    components: [
      testSource('Src', columns),
      {
        type: 'sort',
        name: 'Sort',
        keys: options.keys,
        removeDuplicates: options.removeDuplicates ?? false,
        maxRowsInMemory: options.maxRowsInMemory ?? 200_000,
      },
      ...(options.connected === false
        ? []
        : [{ type: 'jsonLinesDestination', name: 'Out', connection: 'Rows' }]),
    ],
    paths: [
      { from: 'Src', to: 'Sort' },
      ...(options.connected === false ? [] : [{ from: 'Sort', to: 'Out' }]),
    ],
    component: 'Sort',
    bufferRows: options.bufferRows ?? 100,
    onEmit: options.onEmit,
  });
  kits.push(kit);
  return { kit, runtime: createSort(kit.definition, kit.context) };
}

/** Deterministic pseudo-random keys (a linear congruential generator). */
function* keyedRows(count: number, distinct: number, nameChars = 0): Generator<Row> {
  let state = 12_345;
  for (let seq = 0; seq < count; seq += 1) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    yield [state % distinct, `name ${state % 97} ${seq}`.padEnd(nameChars, '.'), seq];
  }
}

/** What a stable sort on Key (then input order) gives. */
const expectedOrder = (rows: Row[]) =>
  [...rows].sort((a, b) => compareValues(a[0]!, b[0]!) || (a[2] as number) - (b[2] as number));

describe('sort in memory', () => {
  it('sorts ascending, keeps input order among equal keys and emits buffers of bufferRows', async () => {
    const { kit, runtime } = sortKit({ keys: [{ column: 'Key' }], bufferRows: 7 });
    const rows = [...keyedRows(50, 5)];
    await produce(runtime, 'Input', rows, 6);
    await runtime.close!();
    expect(kit.emitted()).toEqual(expectedOrder(rows));
    expect(kit.bufferSizes).toEqual([7, 7, 7, 7, 7, 7, 7, 1]);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('sorts descending and on several keys, NULLs first ascending and last descending', async () => {
    const { kit, runtime } = sortKit({ keys: [{ column: 'Name', descending: true }, { column: 'Key' }] });
    const rows: Row[] = [
      [2, 'a', 0],
      [null, 'b', 1],
      [1, null, 2],
      [1, 'b', 3],
      [null, 'a', 4],
      [0, 'b', 5],
    ];
    await produce(runtime, 'Input', rows, 2);
    expect(kit.emitted().map((r) => r[2])).toEqual([1, 5, 3, 4, 0, 2]);
  });

  it('emits nothing for an empty input and drops rows when its output is not connected', async () => {
    const empty = sortKit({ keys: [{ column: 'Key' }] });
    await empty.runtime.end!('Input');
    expect(empty.kit.bufferSizes).toEqual([]);
    const unconnected = sortKit({ keys: [{ column: 'Key' }], connected: false, maxRowsInMemory: 100 });
    await produce(unconnected.runtime, 'Input', keyedRows(500, 10), 50);
    expect(unconnected.kit.bufferSizes).toEqual([]);
    expect(await unconnected.kit.tempFiles()).toEqual([]);
  });

  it('waits for each emit before sending the next buffer', async () => {
    let inFlight = 0;
    let most = 0;
    const { kit, runtime } = sortKit({
      keys: [{ column: 'Key' }],
      bufferRows: 10,
      onEmit: async () => {
        most = Math.max(most, (inFlight += 1));
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
      },
    });
    await produce(runtime, 'Input', keyedRows(55, 100), 10);
    expect(kit.bufferSizes).toEqual([10, 10, 10, 10, 10, 5]);
    expect(most).toBe(1);
  });
});

describe('sort spilling to run files', () => {
  it('spills sorted runs, merges them stably and removes them on close', async () => {
    const { kit, runtime } = sortKit({ keys: [{ column: 'Key' }], maxRowsInMemory: 100, bufferRows: 64 });
    const rows = [...keyedRows(1_050, 37)];
    await produce(runtime, 'Input', rows, 25);
    expect(await kit.tempFiles()).toHaveLength(10);
    await runtime.close!();
    expect(kit.emitted()).toEqual(expectedOrder(rows));
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('keeps the first row of each key across runs when removing duplicates', async () => {
    const { kit, runtime } = sortKit({
      keys: [{ column: 'Key' }],
      maxRowsInMemory: 100,
      removeDuplicates: true,
    });
    const rows = [...keyedRows(2_000, 150)];
    await produce(runtime, 'Input', rows, 30);
    const firsts = new Map<unknown, Row>();
    for (const row of rows) if (!firsts.has(row[0])) firsts.set(row[0], row);
    expect(kit.emitted()).toEqual(expectedOrder([...firsts.values()]));
  });

  it('merges more runs than MAX_FAN_IN in passes, still stable', async () => {
    const { kit, runtime } = sortKit({ keys: [{ column: 'Key', descending: true }], maxRowsInMemory: 100 });
    const rows = [...keyedRows((2 * MAX_FAN_IN + 3) * 100 + 42, 500)];
    await produce(runtime, 'Input', rows, 100);
    const expected = [...rows].sort(
      (a, b) => compareValues(b[0]!, a[0]!) || (a[2] as number) - (b[2] as number),
    );
    expect(kit.emitted()).toEqual(expected);
    // The passes removed the runs they merged: what remains is what the last merge read.
    expect((await kit.tempFiles()).length).toBeLessThan(MAX_FAN_IN);
    await runtime.close!();
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('keeps every cell type through a run file', async () => {
    const columns: Record<string, ColumnType> = {
      Key: 'String',
      When: 'DateTime',
      Data: 'Bytes',
      Flag: 'Boolean',
      Amount: 'Double',
      Big: 'Int64',
    };
    const { kit, runtime } = sortKit({ keys: [{ column: 'Key' }], maxRowsInMemory: 100, columns });
    const rows: Row[] = [];
    for (let i = 0; i < 250; i += 1)
      rows.push([
        i % 10 === 0 ? null : `k${String(i).padStart(3, '0')}😀`,
        i % 7 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + i * 1_000),
        i % 5 === 0 ? null : Buffer.from([i & 255, 0, 255]),
        i % 3 === 0 ? null : i % 2 === 0,
        i === 1 ? -0 : i * 0.1,
        2 ** 53 - i,
      ]);
    await produce(runtime, 'Input', [...rows].reverse(), 50);
    const out = kit.emitted();
    expect(out).toEqual([...rows].sort((a, b) => compareValues(a[0]!, b[0]!) || compareValues(a[5]!, b[5]!)));
    const some = out.find((r) => r[1] !== null && r[2] !== null)!;
    expect(some[1]).toBeInstanceOf(Date);
    expect(Buffer.isBuffer(some[2])).toBe(true);
    expect(Object.is(out.find((r) => r[0] === 'k001😀')![4], -0)).toBe(true);
  });

  it('writes frames of about 256 KiB when rows are wide, so each run reader stays small', async () => {
    const columns: Record<string, ColumnType> = { Key: 'Int32', Blob: 'Bytes' };
    const { kit, runtime } = sortKit({ keys: [{ column: 'Key' }], maxRowsInMemory: 100, columns });
    const rows: Row[] = Array.from({ length: 230 }, (_, i) => [(i * 37) % 230, Buffer.alloc(20_000, i)]);
    await runtime.receive!('Input', rows);
    const frames = await frameSizes(join(await kit.context.tempDir(), (await kit.tempFiles())[0]!));
    expect(frames[0]).toBeLessThan(21_000);
    expect(Math.max(...frames)).toBeLessThan(300_000);
    await runtime.end!('Input');
    const expected = [...rows].sort((a, b) => compareValues(a[0]!, b[0]!));
    const out = kit.emitted();
    // Buffer.equals: a deep toEqual walks 4.6 MB byte by byte.
    expect(out.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
    expect(out.every((r, i) => (r[1] as Buffer).equals(expected[i]![1] as Buffer))).toBe(true);
  });
});

/** The byte length of each frame of a run file. */
async function frameSizes(path: string): Promise<number[]> {
  const bytes = await readFile(path);
  const sizes: number[] = [];
  for (let at = 0; at < bytes.length; at += 4 + sizes.at(-1)!) sizes.push(bytes.readUInt32LE(at));
  return sizes;
}

describe('sort cancel and cleanup', () => {
  it('stops emitting once closed during the merge', async () => {
    const ref: { close?: () => Promise<void> } = {};
    const { kit, runtime } = sortKit({
      keys: [{ column: 'Key' }],
      maxRowsInMemory: 100,
      bufferRows: 50,
      onEmit: () => ref.close!(),
    });
    ref.close = () => runtime.close!();
    await expect(produce(runtime, 'Input', keyedRows(500, 500), 100)).rejects.toThrow(
      'Sort was closed while sorting',
    );
    expect(kit.bufferSizes).toEqual([50]);
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('stops merging when cancelled and close removes the run files', async () => {
    const ref: { kit?: TestKit<unknown> } = {};
    const { kit, runtime } = sortKit({
      keys: [{ column: 'Key' }],
      maxRowsInMemory: 100,
      bufferRows: 50,
      onEmit: () => ref.kit!.abort(new Error('stopped by the operator')),
    });
    ref.kit = kit;
    await expect(produce(runtime, 'Input', keyedRows(1_000, 1_000), 100)).rejects.toThrow(
      'stopped by the operator',
    );
    expect(kit.bufferSizes).toEqual([50]);
    expect(kit.context.signal.aborted).toBe(true);
    await runtime.close!();
    expect(await kit.tempFiles()).toEqual([]);
  });

  it('refuses rows once cancelled while spilling, and close still cleans up', async () => {
    const { kit, runtime } = sortKit({ keys: [{ column: 'Key' }], maxRowsInMemory: 100 });
    await runtime.receive!('Input', [...keyedRows(350, 50)]);
    expect(await kit.tempFiles()).toHaveLength(3);
    kit.abort(new Error('cancelled'));
    await expect(runtime.receive!('Input', [[1, 'x', 1]])).rejects.toThrow('cancelled');
    await expect(runtime.end!('Input')).rejects.toThrow('cancelled');
    await runtime.close!();
    expect(await kit.tempFiles()).toEqual([]);
  });
});

describe('sort memory', () => {
  it('sorts 1M rows with maxRowsInMemory 50k in bounded memory', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sample = () => void (peak = Math.max(peak, process.memoryUsage().rss));
    let count = 0;
    let previous: Row | undefined;
    let ordered = true;
    const { runtime, kit } = sortKit({
      keys: [{ column: 'Key' }],
      maxRowsInMemory: 50_000,
      bufferRows: 10_000,
      onEmit: (_output, rows) => {
        for (const row of rows) {
          if (
            previous &&
            (compareValues(previous[0]!, row[0]!) > 0 || (previous[0] === row[0] && previous[2]! > row[2]!))
          )
            ordered = false;
          previous = row;
        }
        count += rows.length;
        sample();
      },
    });
    const started = performance.now();
    await produce(runtime, 'Input', keyedRows(1_000_000, 1_000_000_000, 100), 10_000, sample);
    const elapsedMs = performance.now() - started;
    const runs = (await kit.tempFiles()).length;
    await runtime.close!();
    const growthBytes = peak - base;
    console.log(
      `sort 1M rows: ${elapsedMs.toFixed(0)} ms, ${runs} runs, peak RSS growth ${(growthBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    expect(count).toBe(1_000_000);
    expect(ordered).toBe(true);
    expect(runs).toBe(20);
    // Measured: about 155 MiB here, against about 580 MiB when the same rows are all held.
    expect(growthBytes).toBeLessThan(256 * 2 ** 20);
  });
});
