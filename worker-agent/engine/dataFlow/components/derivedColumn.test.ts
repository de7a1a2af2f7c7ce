import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ROW_ERROR_CODES } from '../types';
import { createDerivedColumn } from './derivedColumn';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit, TransformKitOptions } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const INPUT: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
  { name: 'Price', dataType: 'Double' },
  { name: 'Quantity', dataType: 'Int32' },
];

const kits = disposedAfterEach<TransformKit>();

async function start(
  columns: Record<string, unknown>[],
  errorDisposition = 'FailComponent',
  options: Partial<TransformKitOptions> = {},
) {
  const definition = defineComponent({ type: 'derivedColumn', name: 'Compute', columns, errorDisposition });
  const started = await setUp(createDerivedColumn, definition, { inputs: { Input: INPUT }, ...options });
  kits.push(started.kit);
  return started;
}

describe('Derived Column', () => {
  it('adds columns after the input and replaces columns in place, converted to their types', async () => {
    const { kit, runtime } = await start([
      { name: 'Total', expression: '[Price] * Quantity', dataType: 'Double' },
      { name: 'Name', expression: 'UPPER([Name])', dataType: 'String', replace: true },
      { name: 'Due', expression: 'DATEADD("day", [Quantity], (DT_DATE)"2024-01-30")', dataType: 'DateTime' },
      { name: 'Big', expression: '[Quantity] > 2', dataType: 'Boolean' },
      { name: 'Label', expression: '(DT_WSTR, 10)[Id] + ":" + [Name]', dataType: 'String' },
    ]);
    expect(kit.context.outputs.get('Output')!.map((c) => `${c.name}:${c.dataType}`)).toEqual([
      'Id:Int32',
      'Name:String',
      'Price:Double',
      'Quantity:Int32',
      'Total:Double',
      'Due:DateTime',
      'Big:Boolean',
      'Label:String',
    ]);
    await kit.run(runtime, { Input: [[[1, 'tea', 2.5, 3]]] });
    // Every expression reads the row as it came in: Label sees the lower-case name.
    expect(kit.out('Output')).toEqual([
      [1, 'TEA', 2.5, 3, 7.5, new Date('2024-02-02T00:00:00Z'), true, '1:tea'],
    ]);
  });

  it('reads variables and propagates NULL', async () => {
    const { kit, runtime } = await start(
      [{ name: 'Net', expression: '[Price] * @[User::Rate]', dataType: 'Double' }],
      'FailComponent',
      { variables: { 'User::Rate': 0.5 } },
    );
    await kit.run(runtime, {
      Input: [
        [
          [1, 'a', 10, 1],
          [2, null, null, null],
        ],
      ],
    });
    expect(kit.out('Output')).toEqual([
      [1, 'a', 10, 1, 5],
      [2, null, null, null, null],
    ]);
  });

  it('keeps rows in order across buffers and emits nothing for an empty input', async () => {
    const { kit, runtime } = await start([{ name: 'Twice', expression: 'Id * 2', dataType: 'Int64' }]);
    await kit.run(runtime, {
      Input: [
        [
          [1, 'a', 1, 1],
          [2, 'b', 1, 1],
        ],
        [],
        [[3, 'c', 1, 1]],
      ],
    });
    expect(kit.out('Output').map((r) => r[4])).toEqual([2, 4, 6]);
    expect(kit.emits).toEqual([
      { output: 'Output', count: 2 },
      { output: 'Output', count: 1 },
    ]);

    const empty = await start([{ name: 'Twice', expression: 'Id * 2', dataType: 'Int64' }]);
    await empty.kit.run(empty.runtime, { Input: [] });
    expect(empty.kit.emits).toEqual([]);
  });

  it('FailComponent: an expression error fails the component naming it, the column and the problem', async () => {
    const { kit, runtime } = await start([
      { name: 'Ratio', expression: '[Price] / [Quantity]', dataType: 'Double' },
    ]);
    await expect(kit.run(runtime, { Input: [[[1, 'a', 1, 0]]] })).rejects.toThrow(
      /^Compute: column Ratio: expression "\[Price\] \/ \[Quantity\]": divide by zero$/,
    );
  });

  it('FailComponent: a result that does not convert fails the component', async () => {
    const { kit, runtime } = await start([{ name: 'Half', expression: '[Quantity] / 2', dataType: 'Int32' }]);
    await expect(kit.run(runtime, { Input: [[[1, 'a', 1, 3]]] })).rejects.toThrow(
      'Compute: column Half: cannot convert 1.5 to Int32 for column Half',
    );
  });

  it('IgnoreFailure: the failing column is NULL, the others are computed, the row goes on', async () => {
    const { kit, runtime } = await start(
      [
        { name: 'Ratio', expression: '[Price] / [Quantity]', dataType: 'Double' },
        { name: 'Code', expression: '[Name]', dataType: 'Int32' },
        { name: 'Upper', expression: 'UPPER(Name)', dataType: 'String' },
      ],
      'IgnoreFailure',
    );
    await kit.run(runtime, {
      Input: [
        [
          [1, 'x', 4, 0],
          [2, '12', 4, 2],
        ],
      ],
    });
    expect(kit.out('Output')).toEqual([
      [1, 'x', 4, 0, null, null, 'X'],
      [2, '12', 4, 2, 2, 12, '12'],
    ]);
    expect(kit.out('Error')).toEqual([]);
  });

  it('RedirectRow: the input row goes to Error with ErrorCode, ErrorColumn and ErrorDescription', async () => {
    const { kit, runtime } = await start(
      [
        { name: 'Ratio', expression: '[Price] / [Quantity]', dataType: 'Double' },
        { name: 'Small', expression: '[Quantity] * 1000000000', dataType: 'Int32' },
      ],
      'RedirectRow',
    );
    await kit.run(runtime, {
      Input: [
        [
          [1, 'ok', 4, 2],
          [2, 'zero', 4, 0],
          [3, 'huge', 1, 5],
        ],
      ],
    });
    expect(kit.out('Output')).toEqual([[1, 'ok', 4, 2, 2, 2_000_000_000]]);
    expect(kit.out('Error')).toEqual([
      [
        2,
        'zero',
        4,
        0,
        ROW_ERROR_CODES.expression,
        'Ratio',
        'expression "[Price] / [Quantity]": divide by zero',
      ],
      [
        3,
        'huge',
        1,
        5,
        ROW_ERROR_CODES.truncation,
        'Small',
        '5000000000 does not fit Int32 for column Small',
      ],
    ]);
  });

  it('RedirectRow to an Error output without a path drops the rows with one warning', async () => {
    const { kit, runtime } = await start(
      [{ name: 'Ratio', expression: '[Price] / [Quantity]', dataType: 'Double' }],
      'RedirectRow',
      { connected: ['Output'] },
    );
    await kit.run(runtime, { Input: [[[1, 'a', 1, 0]], [[2, 'b', 1, 0]]] });
    expect(kit.out('Output')).toEqual([]);
    expect(kit.messages.filter((m) => m.level === 'warning')).toHaveLength(1);
    expect(kit.messages[0]!.message).toContain('Compute: rows redirected to its Error output are dropped');
  });

  it('refuses an expression that does not parse when it is created', async () => {
    await expect(start([{ name: 'Bad', expression: '[Price] +', dataType: 'Double' }])).rejects.toThrow();
  });
});
