import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ROW_ERROR_CODES } from '../types';
import { createConditionalSplit } from './conditionalSplit';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit, TransformKitOptions } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const INPUT: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Amount', dataType: 'Double' },
  { name: 'Country', dataType: 'String' },
];

const kits = disposedAfterEach<TransformKit>();

async function start(
  conditions: { output: string; condition: string }[],
  extra: Record<string, unknown> = {},
  options: Partial<TransformKitOptions> = {},
) {
  const definition = defineComponent({ type: 'conditionalSplit', name: 'Split', conditions, ...extra });
  const started = await setUp(createConditionalSplit, definition, { inputs: { Input: INPUT }, ...options });
  kits.push(started.kit);
  return started;
}

const ROWS = [
  [1, 500, 'FR'],
  [2, 50, 'FR'],
  [3, 5000, 'DE'],
  [4, null, 'US'],
  [5, 20, null],
];

describe('Conditional Split', () => {
  it('sends each row to the first output whose condition is true, else to the default; NULL is false', async () => {
    const { kit, runtime } = await start(
      [
        { output: 'Large', condition: '[Amount] >= @[User::Threshold]' },
        { output: 'France', condition: 'Country == "FR"' },
      ],
      { defaultOutput: 'Rest' },
      { variables: { 'User::Threshold': 400 } },
    );
    expect([...kit.context.outputs.keys()]).toEqual(['Large', 'France', 'Rest', 'Error']);
    await kit.run(runtime, { Input: [ROWS.slice(0, 3), ROWS.slice(3)] });
    expect(kit.out('Large')).toEqual([ROWS[0], ROWS[2]]);
    expect(kit.out('France')).toEqual([ROWS[1]]);
    // Amount NULL: NULL >= 400 is NULL (false); Country NULL == "FR" is false.
    expect(kit.out('Rest')).toEqual([ROWS[3], ROWS[4]]);
  });

  it('drops rows for an output without a path and emits nothing for an empty input', async () => {
    const { kit, runtime } = await start(
      [{ output: 'Large', condition: 'Amount > 100' }],
      {},
      { connected: ['Default'] },
    );
    await kit.run(runtime, { Input: [ROWS] });
    expect(kit.out('Default').map((r) => r[0])).toEqual([2, 4, 5]);
    expect(kit.emits.map((e) => e.output)).toEqual(['Default']);

    const empty = await start([{ output: 'Large', condition: 'Amount > 100' }]);
    await empty.kit.run(empty.runtime, { Input: [[]] });
    expect(empty.kit.emits).toEqual([]);
  });

  it('FailComponent: a condition that is not a Boolean fails the component', async () => {
    const { kit, runtime } = await start([{ output: 'Odd', condition: 'Id % 2' }]);
    await expect(kit.run(runtime, { Input: [ROWS] })).rejects.toThrow(
      'Split: the condition of output Odd ("Id % 2") gives Integer, not a Boolean',
    );
  });

  it('FailComponent: an expression error fails the component', async () => {
    const { kit, runtime } = await start([{ output: 'Weird', condition: 'Country > 3' }]);
    await expect(kit.run(runtime, { Input: [ROWS] })).rejects.toThrow(
      'Split: the condition of output Weird: expression "Country > 3": cannot compare String with Integer using >',
    );
  });

  it('RedirectRow: a failing row goes to Error and is not tested against later conditions', async () => {
    const { kit, runtime } = await start(
      [
        { output: 'Per unit', condition: '100 / Amount > 1' },
        { output: 'All', condition: 'TRUE' },
      ],
      { errorDisposition: 'RedirectRow' },
    );
    await kit.run(runtime, {
      Input: [
        [
          [1, 50, 'FR'],
          [2, 0, 'FR'],
          [3, 500, 'DE'],
        ],
      ],
    });
    expect(kit.out('Per unit')).toEqual([[1, 50, 'FR']]);
    expect(kit.out('All')).toEqual([[3, 500, 'DE']]);
    expect(kit.out('Error')).toEqual([
      [
        2,
        0,
        'FR',
        ROW_ERROR_CODES.expression,
        '',
        'the condition of output Per unit: expression "100 / Amount > 1": divide by zero',
      ],
    ]);
  });

  it('IgnoreFailure: a failing condition counts as false and the next ones are tried', async () => {
    const { kit, runtime } = await start(
      [
        { output: 'Per unit', condition: '100 / Amount > 1' },
        { output: 'France', condition: 'Country == "FR"' },
      ],
      { errorDisposition: 'IgnoreFailure' },
    );
    await kit.run(runtime, {
      Input: [
        [
          [1, 0, 'FR'],
          [2, 0, 'DE'],
        ],
      ],
    });
    expect(kit.out('France')).toEqual([[1, 0, 'FR']]);
    expect(kit.out('Default')).toEqual([[2, 0, 'DE']]);
    expect(kit.out('Error')).toEqual([]);
  });
});
