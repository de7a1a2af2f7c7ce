import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { createRowCount } from './rowCount';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const kits = disposedAfterEach<TransformKit>();

const INPUT: ColumnMeta[] = [{ name: 'Id', dataType: 'Int32' }];

async function start(connected?: string[]) {
  const definition = defineComponent({ type: 'rowCount', name: 'Count rows', variable: 'User::Rows' });
  const started = await setUp(createRowCount, definition, {
    inputs: { Input: INPUT },
    variables: { 'User::Rows': -1 },
    ...(connected ? { connected } : {}),
  });
  kits.push(started.kit);
  return started;
}

describe('Row Count', () => {
  it('counts rows across buffers, forwards them, and sets the variable only at the end', async () => {
    const { kit, runtime } = await start();
    await kit.receive(runtime, 'Input', [[1], [2]]);
    await kit.receive(runtime, 'Input', [[3]]);
    expect(kit.variables.get('User::Rows')).toBe(-1);
    await kit.end(runtime, 'Input');
    expect(kit.variables.get('User::Rows')).toBe(3);
    expect(kit.out('Output')).toEqual([[1], [2], [3]]);
  });

  it('counts without an Output path, emitting nothing', async () => {
    const { kit, runtime } = await start([]);
    await kit.run(runtime, { Input: [[[1], [2]]] });
    expect(kit.variables.get('User::Rows')).toBe(2);
    expect(kit.emits).toEqual([]);
  });

  it('sets 0 for an empty input', async () => {
    const { kit, runtime } = await start();
    await kit.run(runtime, { Input: [] });
    expect(kit.variables.get('User::Rows')).toBe(0);
  });
});
