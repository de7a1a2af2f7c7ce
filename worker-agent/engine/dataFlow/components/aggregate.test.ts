import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { createAggregate } from './aggregate';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const INPUT: ColumnMeta[] = [
  { name: 'Region', dataType: 'String' },
  { name: 'Units', dataType: 'Int32' },
  { name: 'Price', dataType: 'Double' },
  { name: 'Sold', dataType: 'DateTime' },
  { name: 'Customer', dataType: 'String' },
];

const kits = disposedAfterEach<TransformKit>();

async function start(columns: Record<string, unknown>[], bufferRows?: number) {
  const definition = defineComponent({ type: 'aggregate', name: 'Totals', columns });
  const started = await setUp(createAggregate, definition, {
    inputs: { Input: INPUT },
    ...(bufferRows ? { bufferRows } : {}),
  });
  kits.push(started.kit);
  return started;
}

const day = (d: number) => new Date(Date.UTC(2024, 0, d));
const ROWS = [
  ['EU', 2, 1.5, day(3), 'ann'],
  ['US', 1, 10, day(1), 'bob'],
  ['EU', null, 2.5, day(5), 'ann'],
  [null, 4, null, null, null],
  ['EU', 3, null, day(2), 'cy'],
  [null, 6, 1, day(9), 'dan'],
];

const ALL_OPERATIONS = [
  { operation: 'GroupBy', input: 'Region' },
  { operation: 'CountAll' },
  { operation: 'Count', input: 'Units', output: 'Units counted' },
  { operation: 'CountDistinct', input: 'Customer', output: 'Customers' },
  { operation: 'Sum', input: 'Units' },
  { operation: 'Avg', input: 'Price' },
  { operation: 'Min', input: 'Sold', output: 'First sale' },
  { operation: 'Max', input: 'Customer', output: 'Last customer' },
];

describe('Aggregate', () => {
  it('computes every operation per group, skipping NULLs, groups in order of first appearance', async () => {
    const { kit, runtime } = await start(ALL_OPERATIONS);
    expect(kit.context.outputs.get('Output')!.map((c) => `${c.name}:${c.dataType}`)).toEqual([
      'Region:String',
      'Count:Int64',
      'Units counted:Int64',
      'Customers:Int64',
      'Units:Int64',
      'Price:Double',
      'First sale:DateTime',
      'Last customer:String',
    ]);
    await kit.run(runtime, { Input: [ROWS.slice(0, 2), ROWS.slice(2)] });
    expect(kit.out('Output')).toEqual([
      ['EU', 3, 2, 2, 5, 2, day(2), 'cy'],
      ['US', 1, 1, 1, 1, 10, day(1), 'bob'],
      // The NULL keys form one group.
      [null, 2, 2, 1, 10, 1, day(9), 'dan'],
    ]);
  });

  it('gives NULL for Sum, Avg, Min and Max of a group with no value, and 0 for the counts', async () => {
    const { kit, runtime } = await start(ALL_OPERATIONS);
    await kit.run(runtime, { Input: [[['EU', null, null, null, null]]] });
    expect(kit.out('Output')).toEqual([['EU', 1, 0, 0, null, null, null, null]]);
  });

  it('without GroupBy gives one row, even for an empty input', async () => {
    const totals = await start([
      { operation: 'CountAll', output: 'Rows' },
      { operation: 'Sum', input: 'Price' },
    ]);
    await totals.kit.run(totals.runtime, { Input: [ROWS] });
    expect(totals.kit.out('Output')).toEqual([[6, 15]]);

    const empty = await start([
      { operation: 'CountAll', output: 'Rows' },
      { operation: 'Sum', input: 'Price' },
    ]);
    await empty.kit.run(empty.runtime, { Input: [] });
    expect(empty.kit.out('Output')).toEqual([[0, null]]);
  });

  it('with GroupBy gives no row for an empty input', async () => {
    const { kit, runtime } = await start([
      { operation: 'GroupBy', input: 'Region' },
      { operation: 'CountAll' },
    ]);
    await kit.run(runtime, { Input: [[]] });
    expect(kit.emits).toEqual([]);
  });

  it('groups on several columns by value and type (dates by instant, -0 as 0)', async () => {
    const input = [
      ['EU', 0, null, day(1), 'a'],
      ['EU', -0, null, new Date(day(1).getTime()), 'b'],
      ['EU', 0, null, day(2), 'c'],
    ];
    const { kit, runtime } = await start([
      { operation: 'GroupBy', input: 'Units' },
      { operation: 'GroupBy', input: 'Sold' },
      { operation: 'CountAll', output: 'N' },
    ]);
    await kit.run(runtime, { Input: [input] });
    expect(kit.out('Output')).toEqual([
      [0, day(1), 2],
      [0, day(2), 1],
    ]);
  });

  it('writes its output in buffers of bufferRows at the end', async () => {
    const { kit, runtime } = await start(
      [{ operation: 'GroupBy', input: 'Customer' }, { operation: 'CountAll' }],
      2,
    );
    const rows = ['a', 'b', 'c', 'd', 'e', 'a'].map((c) => ['EU', 1, 1, null, c]);
    await kit.receive(runtime, 'Input', rows);
    expect(kit.emits).toEqual([]);
    await kit.end(runtime, 'Input');
    expect(kit.emits.map((e) => e.count)).toEqual([2, 2, 1]);
    expect(kit.out('Output').map((r) => r.join(':'))).toEqual(['a:2', 'b:1', 'c:1', 'd:1', 'e:1']);
  });

  it('stops writing when the data flow is cancelled', async () => {
    const { kit, runtime } = await start([{ operation: 'GroupBy', input: 'Customer' }], 1);
    await kit.receive(runtime, 'Input', [
      ['EU', 1, 1, null, 'a'],
      ['EU', 1, 1, null, 'b'],
    ]);
    kit.abort.abort(new Error('stopped'));
    await expect(kit.end(runtime, 'Input')).rejects.toThrow('stopped');
    expect(kit.emits).toEqual([]);
  });
});
