import { describe, expect, it } from 'vitest';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ROW_ERROR_CODES } from '../types';
import { createDataConversion, formatDate } from './dataConversion';
import { defineComponent, setUp } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const INPUT: ColumnMeta[] = [
  { name: 'Code', dataType: 'String' },
  { name: 'When', dataType: 'String' },
  { name: 'Stamp', dataType: 'DateTime' },
  { name: 'Ratio', dataType: 'Double' },
];

const kits = disposedAfterEach<TransformKit>();

async function start(
  conversions: Record<string, unknown>[],
  errorDisposition = 'FailComponent',
  connected?: string[],
) {
  const definition = defineComponent({
    type: 'dataConversion',
    name: 'Convert',
    conversions,
    errorDisposition,
  });
  const started = await setUp(createDataConversion, definition, {
    inputs: { Input: INPUT },
    ...(connected ? { connected } : {}),
  });
  kits.push(started.kit);
  return started;
}

const STAMP = new Date('2024-03-05T07:08:09.010Z');

describe('Data Conversion', () => {
  it('appends converted copies after the input columns, "Copy of <input>" by default', async () => {
    const { kit, runtime } = await start([
      { input: 'Code', dataType: 'Int32' },
      { input: 'When', output: 'Day', dataType: 'DateTime', format: 'dd/MM/yyyy' },
      { input: 'Stamp', output: 'Stamp text', dataType: 'String', format: 'yyyy-MM-dd HH:mm:ss.fff' },
      { input: 'Stamp', output: 'Stamp ISO', dataType: 'String' },
      { input: 'Ratio', output: 'Ratio text', dataType: 'String' },
      { input: 'Code', output: 'Flag', dataType: 'Boolean' },
    ]);
    expect(kit.context.outputs.get('Output')!.map((c) => c.name)).toEqual([
      'Code',
      'When',
      'Stamp',
      'Ratio',
      'Copy of Code',
      'Day',
      'Stamp text',
      'Stamp ISO',
      'Ratio text',
      'Flag',
    ]);
    await kit.run(runtime, { Input: [[[' 1 ', '31/12/2023', STAMP, 0.25]], [['0', null, null, null]]] });
    expect(kit.out('Output')).toEqual([
      [
        ' 1 ',
        '31/12/2023',
        STAMP,
        0.25,
        1,
        new Date('2023-12-31T00:00:00Z'),
        '2024-03-05 07:08:09.010',
        '2024-03-05T07:08:09.010Z',
        '0.25',
        true,
      ],
      ['0', null, null, null, 0, null, null, null, null, false],
    ]);
  });

  it('makes empty text NULL for non-text types', async () => {
    const { kit, runtime } = await start([{ input: 'Code', dataType: 'Double' }]);
    await kit.run(runtime, { Input: [[['', null, null, null]]] });
    expect(kit.out('Output')).toEqual([['', null, null, null, null]]);
  });

  it('FailComponent: a value that does not convert fails the component naming the column', async () => {
    const { kit, runtime } = await start([{ input: 'Ratio', output: 'Whole', dataType: 'Int64' }]);
    await expect(kit.run(runtime, { Input: [[['a', null, null, 2.5]]] })).rejects.toThrow(
      'Convert: column Ratio: cannot convert 2.5 to Int64 for column Ratio',
    );
  });

  it('IgnoreFailure: the new column is NULL and the row goes on', async () => {
    const { kit, runtime } = await start(
      [
        { input: 'Code', dataType: 'Int32' },
        { input: 'When', dataType: 'DateTime' },
      ],
      'IgnoreFailure',
    );
    await kit.run(runtime, { Input: [[['x1', '2024-01-02', null, null]]] });
    expect(kit.out('Output')).toEqual([
      ['x1', '2024-01-02', null, null, null, new Date('2024-01-02T00:00:00Z')],
    ]);
  });

  it('RedirectRow: the input row goes to Error with the code and the input column', async () => {
    const { kit, runtime } = await start([{ input: 'Code', dataType: 'Int32' }], 'RedirectRow');
    await kit.run(runtime, {
      Input: [
        [
          ['7', null, null, null],
          ['seven', null, null, null],
          ['9999999999', null, null, null],
        ],
      ],
    });
    expect(kit.out('Output')).toEqual([['7', null, null, null, 7]]);
    expect(kit.out('Error')).toEqual([
      [
        'seven',
        null,
        null,
        null,
        ROW_ERROR_CODES.conversion,
        'Code',
        'cannot convert "seven" to Int32 for column Code',
      ],
      [
        '9999999999',
        null,
        null,
        null,
        ROW_ERROR_CODES.truncation,
        'Code',
        '9999999999 does not fit Int32 for column Code',
      ],
    ]);
  });

  it('RedirectRow without an Error path drops the row with a warning', async () => {
    const { kit, runtime } = await start([{ input: 'Code', dataType: 'Int32' }], 'RedirectRow', ['Output']);
    await kit.run(runtime, { Input: [[['seven', null, null, null]], []] });
    expect(kit.emits).toEqual([]);
    expect(kit.messages.map((m) => m.level)).toEqual(['warning']);
  });

  it('formats dates with the same tokens it reads', () => {
    expect(formatDate(STAMP, 'yyyyMMdd-HHmmss fff')).toBe('20240305-070809 010');
  });
});
