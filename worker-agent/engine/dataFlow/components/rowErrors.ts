/**
 * What the row-by-row transformations (Derived Column, Data Conversion, Conditional Split, Lookup)
 * share about a row that fails: its error disposition (FailComponent fails the component,
 * IgnoreFailure lets the component go on with its fallback, RedirectRow sends the input row to the
 * Error output), and the Error output's layout: the input row, then ErrorCode, ErrorColumn,
 * ErrorDescription. Sources and the SQL destination lay out their error rows differently.
 */
import type { ErrorDisposition } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT, ERROR_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import { ExpressionError } from '../../../../master-core/protocol/expressionLanguage';
import type { ComponentContext, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';

/**
 * A row-level failure as RowError: an ExpressionError becomes one about `column` (its message after
 * `about: ` when given). Anything else (a bug, a cancel) is not a row's fault and is thrown again.
 */
export function asRowError(error: unknown, column: string, about?: string): RowError {
  if (error instanceof RowError) return error;
  if (error instanceof ExpressionError)
    return new RowError(
      about ? `${about}: ${error.message}` : error.message,
      ROW_ERROR_CODES.expression,
      column,
    );
  throw error;
}

/** A row on the Error output: the input row, then ErrorCode, ErrorColumn, ErrorDescription. */
export const errorRow = (row: Row, failure: RowError): Row => [
  ...row,
  failure.code,
  failure.column,
  failure.message,
];

export interface RowErrors {
  /**
   * Follows the disposition for a failure: FailComponent throws an Error naming the component (and
   * `where`, such as "column X"), RedirectRow returns the failure (the row goes to the Error
   * output), IgnoreFailure returns null (the component goes on with its fallback).
   */
  handle(failure: RowError, where?: string, cause?: unknown): RowError | null;
  /** Sends rows in the Error layout to the Error output; drops them with one warning when it feeds no path. */
  redirect(rows: Row[]): Promise<void>;
  /** Maps each row: results go to the default output, a RowError takes its input row to the Error output. */
  mapRows(rows: readonly Row[], map: (row: Row) => Row | RowError): Promise<void>;
}

export function createRowErrors(context: ComponentContext, disposition: ErrorDisposition): RowErrors {
  let warnedDropped = false;

  async function redirect(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (context.isConnected(ERROR_OUTPUT)) return context.emit(ERROR_OUTPUT, rows);
    if (warnedDropped) return;
    warnedDropped = true;
    context.task.log.warning(
      `${context.name}: rows redirected to its Error output are dropped: the output is not connected`,
    );
  }

  return {
    handle(failure, where, cause = failure) {
      if (disposition === 'RedirectRow') return failure;
      if (disposition === 'FailComponent')
        throw new Error(`${context.name}: ${where ? `${where}: ` : ''}${failure.message}`, { cause });
      return null;
    },
    redirect,
    async mapRows(rows, map) {
      const good: Row[] = [];
      const bad: Row[] = [];
      for (const row of rows) {
        const result = map(row);
        if (result instanceof RowError) bad.push(errorRow(row, result));
        else good.push(result);
      }
      if (good.length > 0) await context.emit(DEFAULT_OUTPUT, good);
      await redirect(bad);
    },
  };
}
