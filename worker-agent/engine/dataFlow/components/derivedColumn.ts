/**
 * Derived Column: computes each configured column from an expression over the input row, converts
 * the result to the column's type, and adds it to the row or replaces the input column of its name.
 * Every expression sees the input row as it arrived (a derived column cannot read another one, as
 * in SSIS). A failure (an expression error or a result that does not convert) follows the error
 * disposition: FailComponent fails the component, IgnoreFailure sets that column to NULL,
 * RedirectRow sends the input row to the Error output with ErrorCode, ErrorColumn, ErrorDescription.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT, ERROR_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ExpressionError } from '../../../../master-core/protocol/expressionLanguage';
import { convertCell } from '../convert';
import type { ComponentFactory, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';

const indexOf = (columns: readonly ColumnMeta[], name: string) =>
  columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());

/** A row-level failure as RowError; anything else (a bug, a cancel) is not a row's fault. */
function asRowError(error: unknown, column: string): RowError {
  if (error instanceof RowError) return error;
  if (error instanceof ExpressionError)
    return new RowError(error.message, ROW_ERROR_CODES.expression, column);
  throw error;
}

export const createDerivedColumn: ComponentFactory<ComponentOf<'derivedColumn'>> = (definition, context) => {
  const output = context.outputs.get(DEFAULT_OUTPUT) ?? [];
  const derived = definition.columns.map((c) => ({
    name: c.name,
    dataType: c.dataType,
    evaluate: context.compile(c.expression, 'Input'),
    target: indexOf(output, c.name),
  }));
  for (const column of derived)
    if (column.target < 0) throw new Error(`${context.name}: column ${column.name} is not in its output`);
  const redirect = definition.errorDisposition === 'RedirectRow';
  let warnedDropped = false;

  /** The output row, or the RowError that sends the row to the Error output. */
  function derive(row: Row): Row | RowError {
    const out: Row = [...row];
    while (out.length < output.length) out.push(null);
    for (const column of derived) {
      try {
        out[column.target] = convertCell(column.evaluate(row), column.dataType, column.name);
      } catch (error) {
        const failure = asRowError(error, column.name);
        if (redirect) return failure;
        if (definition.errorDisposition === 'FailComponent')
          throw new Error(`${context.name}: column ${column.name}: ${failure.message}`, { cause: error });
        out[column.target] = null;
      }
    }
    return out;
  }

  return {
    async receive(_input, rows) {
      const good: Row[] = [];
      const bad: Row[] = [];
      for (const row of rows) {
        const result = derive(row);
        if (result instanceof RowError) bad.push([...row, result.code, result.column, result.message]);
        else good.push(result);
      }
      if (good.length > 0) await context.emit(DEFAULT_OUTPUT, good);
      if (bad.length === 0) return;
      if (context.isConnected(ERROR_OUTPUT)) await context.emit(ERROR_OUTPUT, bad);
      else if (!warnedDropped) {
        warnedDropped = true;
        context.task.log.warning(
          `${context.name}: rows redirected to its Error output are dropped: the output is not connected`,
        );
      }
    },
  };
};
