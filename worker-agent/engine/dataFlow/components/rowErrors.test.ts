import { describe, expect, it } from 'vitest';
import type { ErrorDisposition } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ExpressionError } from '../../../../master-core/protocol/expressionLanguage';
import { ROW_ERROR_CODES, RowError } from '../types';
import type { Row } from '../types';
import { asRowError, createRowErrors, errorRow } from './rowErrors';
import { createTransformKit, defineComponent } from './transformTestKit';
import type { TransformKit } from './transformTestKit';
import { disposedAfterEach } from './componentTestKit';

const INPUT: ColumnMeta[] = [
  { name: 'Id', dataType: 'Int32' },
  { name: 'Name', dataType: 'String' },
];

const kits = disposedAfterEach<TransformKit>();

/** The row errors of a Data Conversion named Convert (Id to String), in a real context. */
async function rowErrorsOf(errorDisposition: ErrorDisposition, connected?: string[]) {
  const definition = defineComponent({
    type: 'dataConversion',
    name: 'Convert',
    conversions: [{ input: 'Id', dataType: 'String' }],
  });
  const kit = await createTransformKit(definition, { inputs: { Input: INPUT }, connected });
  kits.push(kit);
  return { kit, errors: createRowErrors(kit.context, errorDisposition) };
}

const failure = new RowError('cannot convert "x" to Int32 for column Id', ROW_ERROR_CODES.conversion, 'Id');

describe('row errors', () => {
  it('turns an ExpressionError into a RowError, keeps a RowError, and throws anything else again', () => {
    const expression = new ExpressionError('division by zero');
    const plain = asRowError(expression, 'Total');
    expect([plain.message, plain.code, plain.column]).toEqual([
      'division by zero',
      ROW_ERROR_CODES.expression,
      'Total',
    ]);
    const about = asRowError(expression, '', 'the condition of output Big');
    expect([about.message, about.column]).toEqual(['the condition of output Big: division by zero', '']);
    expect(asRowError(failure, 'Other')).toBe(failure);
    const bug = new TypeError('a bug');
    expect(() => asRowError(bug, 'Total')).toThrow(bug);
  });

  it('lays an Error row out as the input row, then ErrorCode, ErrorColumn, ErrorDescription', () => {
    expect(errorRow([1, 'x'], failure)).toEqual([
      1,
      'x',
      1,
      'Id',
      'cannot convert "x" to Int32 for column Id',
    ]);
  });

  it('FailComponent throws naming the component and where, with the cause', async () => {
    const { errors } = await rowErrorsOf('FailComponent');
    const cause = new ExpressionError('bad');
    const thrown = (() => {
      try {
        errors.handle(failure, 'column Id', cause);
      } catch (error) {
        return error as Error;
      }
    })();
    expect(thrown?.message).toBe('Convert: column Id: cannot convert "x" to Int32 for column Id');
    expect(thrown?.cause).toBe(cause);
    expect(() => errors.handle(failure)).toThrow(
      expect.objectContaining({
        message: 'Convert: cannot convert "x" to Int32 for column Id',
        cause: failure,
      }),
    );
  });

  it('RedirectRow returns the failure; IgnoreFailure returns null', async () => {
    expect((await rowErrorsOf('RedirectRow')).errors.handle(failure, 'column Id')).toBe(failure);
    expect((await rowErrorsOf('IgnoreFailure')).errors.handle(failure, 'column Id')).toBeNull();
  });

  it('maps rows: results to the default output, failures to the Error output in its layout', async () => {
    const { kit, errors } = await rowErrorsOf('RedirectRow');
    const map = (row: Row) => (row[0] === 2 ? failure : [...row, String(row[0])]);
    await errors.mapRows(
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ],
      map,
    );
    expect(kit.out('Output')).toEqual([
      [1, 'a', '1'],
      [3, 'c', '3'],
    ]);
    expect(kit.out('Error')).toEqual([[2, 'b', 1, 'Id', 'cannot convert "x" to Int32 for column Id']]);
    expect(kit.emits).toEqual([
      { output: 'Output', count: 2 },
      { output: 'Error', count: 1 },
    ]);
  });

  it('drops redirected rows with one warning when the Error output feeds no path', async () => {
    const { kit, errors } = await rowErrorsOf('RedirectRow', ['Output']);
    await errors.redirect([errorRow([1, 'a'], failure)]);
    await errors.redirect([errorRow([2, 'b'], failure)]);
    await errors.redirect([]);
    expect(kit.emits).toEqual([]);
    expect(kit.messages).toEqual([
      {
        level: 'warning',
        message: 'Convert: rows redirected to its Error output are dropped: the output is not connected',
      },
    ]);
  });
});
