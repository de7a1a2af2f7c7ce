import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentFactory } from '../types';
import { createMulticast } from './multicast';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const kits = disposedAfterEach<TransformKit>();

const INPUT: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int64' },
  { name: 'At', dataType: 'DateTime' },
  { name: 'Blob', dataType: 'Bytes' },
];

async function start(factory: ComponentFactory<ReturnType<typeof multicast>> = createMulticast) {
  const started = await setUp(factory, multicast(), { inputs: { Input: INPUT } });
  kits.push(started.kit);
  return started;
}
const multicast = () => defineComponent({ type: 'multicast', name: 'Copies' });

describe('Multicast', () => {
  it('forwards every buffer, unchanged, to its Output', async () => {
    const { kit, runtime } = await start();
    const buffers = [
      [[1, new Date(0), Buffer.from('hi')]],
      [],
      [
        [2, null, null],
        [3, new Date(5), Buffer.alloc(0)],
      ],
    ];
    await kit.run(runtime, { Input: buffers });
    expect(kit.emits.map((e) => e.count)).toEqual([1, 2]);
    expect(kit.out('Output')).toEqual(buffers.flat());
  });
});

describe('the transform test kit', () => {
  it('refuses a component that does not await emit', async () => {
    const { kit, runtime } = await start((_d, context) => ({
      async receive(_input, rows) {
        void context.emit('Output', rows);
      },
    }));
    await expect(kit.receive(runtime, 'Input', [[1, null, null]])).rejects.toThrow(
      'receive returned before 1 emit(s) resolved: await emit',
    );
  });

  it('refuses rows that do not fit the output layout', async () => {
    const { kit } = await start();
    await expect(kit.context.emit('Output', [[1, null]])).rejects.toThrow('a row of 2 values for 3 columns');
    await expect(kit.context.emit('Output', [[1.5, null, null]])).rejects.toThrow(
      'column Id (Int64) holds 1.5',
    );
    await expect(kit.context.emit('Output', [[1, '2024-01-01', null]])).rejects.toThrow(
      'column At (DateTime)',
    );
    await expect(kit.context.emit('Nowhere', [])).rejects.toThrow('Copies has no output Nowhere');
  });

  it('compiles expressions with the real language: columns by name, variables read once', async () => {
    const { kit } = await start();
    kit.variables.set('User::Step', 10);
    const next = kit.context.compile('[Id] + @[User::Step] + id');
    kit.variables.set('User::Step', 1000);
    expect(next([5, null, null])).toBe(20);
    expect(() => kit.context.compile('[Missing]')).toThrow('no input column Missing');
  });
});
