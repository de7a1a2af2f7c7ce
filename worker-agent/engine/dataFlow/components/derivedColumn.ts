/**
 * Derived Column: computes each configured column from an expression over the input row, converts
 * the result to the column's type, and adds it to the row or replaces the input column of its name.
 * Every expression sees the input row as it arrived (a derived column cannot read another one, as
 * in SSIS). A failure (an expression error or a result that does not convert) follows the error
 * disposition: FailComponent fails the component, IgnoreFailure sets that column to NULL,
 * RedirectRow sends the input row to the Error output with ErrorCode, ErrorColumn, ErrorDescription.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { convertCell } from '../convert';
import type { ComponentFactory, Row, RowError } from '../types';
import { asRowError, createRowErrors } from './rowErrors';

const indexOf = (columns: readonly ColumnMeta[], name: string) =>
  columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());

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
  const errors = createRowErrors(context, definition.errorDisposition);

  /** The output row, or the RowError that sends the row to the Error output. */
  function derive(row: Row): Row | RowError {
    const out: Row = [...row];
    while (out.length < output.length) out.push(null);
    for (const column of derived) {
      try {
        out[column.target] = convertCell(column.evaluate(row), column.dataType, column.name);
      } catch (error) {
        const redirected = errors.handle(asRowError(error, column.name), `column ${column.name}`, error);
        if (redirected) return redirected;
        out[column.target] = null;
      }
    }
    return out;
  }

  return {
    receive: (_input, rows) => errors.mapRows(rows, derive),
  };
};
