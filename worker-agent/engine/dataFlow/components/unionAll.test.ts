import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { createUnionAll, remapping } from './unionAll';
import { disposedAfterEach } from './componentTestKit';

const kits = disposedAfterEach<TransformKit>();

const FIRST: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
];
const SECOND: ColumnMeta[] = [
  { name: 'name', dataType: 'String' },
  { name: 'Extra', dataType: 'Boolean' },
  { name: 'ID', dataType: 'Int32' },
];

async function start(inputs: Record<string, ColumnMeta[]>) {
  const started = await setUp(createUnionAll, defineComponent({ type: 'unionAll', name: 'All' }), { inputs });
  kits.push(started.kit);
  return started;
}

describe('Union All', () => {
  it('lays every input out as Input 1, matching columns by name (case-insensitive)', async () => {
    const { kit, runtime } = await start({ 'Input 1': FIRST, 'Input 2': SECOND, 'Input 3': FIRST });
    expect([...kit.context.inputs.keys()]).toEqual(['Input 1', 'Input 2', 'Input 3']);
    await kit.receive(runtime, 'Input 1', [[1, 'a']]);
    await kit.receive(runtime, 'Input 2', [
      ['b', true, 2],
      [null, false, null],
    ]);
    await kit.end(runtime, 'Input 2');
    await kit.receive(runtime, 'Input 3', [[3, 'c']]);
    await kit.receive(runtime, 'Input 1', [[4, 'd']]);
    await kit.end(runtime, 'Input 1');
    await kit.receive(runtime, 'Input 3', []);
    await kit.end(runtime, 'Input 3');
    expect(kit.out('Output')).toEqual([
      [1, 'a'],
      [2, 'b'],
      [null, null],
      [3, 'c'],
      [4, 'd'],
    ]);
  });

  it('passes a buffer laid out like the output on as it is', async () => {
    expect(remapping(FIRST, FIRST)).toBeNull();
    expect(remapping(FIRST, SECOND)).toEqual([2, 0]);
    expect(() => remapping(SECOND, FIRST)).toThrow('the input has no column Extra');
  });

  it('emits nothing when every input is empty', async () => {
    const { kit, runtime } = await start({ 'Input 1': FIRST, 'Input 2': SECOND });
    await kit.run(runtime, { 'Input 1': [[]], 'Input 2': [] });
    expect(kit.emits).toEqual([]);
  });
});
