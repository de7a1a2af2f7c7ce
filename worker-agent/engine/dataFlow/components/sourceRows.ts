/**
 * What the flat file and JSON lines sources do with each record: its values converted to their
 * columns' types, and rows sent in buffers with each failed row handled by the component's error
 * disposition (the Error output laid out as SOURCE_ERROR_COLUMNS).
 */
import type { ColumnDef, ErrorDisposition } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT, ERROR_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import { ScaleOutError } from '../../../../master-core/protocol/errors';
import { convertCell } from '../convert';
import type { CellValue, ComponentContext, Row } from '../types';
import { ROW_ERROR_CODES, RowError } from '../types';

/** The text of a RowError without convertCell's " for column X" (the message names it first). */
export function reasonOf(error: RowError): string {
  const suffix = ` for column ${error.column}`;
  return error.column !== '' && error.message.endsWith(suffix)
    ? error.message.slice(0, -suffix.length)
    : error.message;
}

export interface SourceRows {
  /** Good rows sent in this run. */
  readonly rows: number;
  /** Queues a row; returns a promise (await it) when a full buffer is being sent. */
  add(row: Row): Promise<void> | undefined;
  /**
   * A row that failed: FailComponent throws an error naming the file, line and column;
   * IgnoreFailure counts it; RedirectRow queues an error row (LineNumber, RawText, ErrorCode,
   * ErrorColumn, ErrorDescription).
   */
  fail(line: number, raw: string, error: RowError): Promise<void> | undefined;
  /** Sends what is left and logs one warning for the rows ignored or dropped. */
  finish(): Promise<void>;
}

export function createSourceRows(
  context: ComponentContext,
  label: string,
  disposition: ErrorDisposition,
): SourceRows {
  const size = context.bufferRows;
  let rows: Row[] = [];
  let errors: Row[] = [];
  let sent = 0;
  let failed = 0;
  let first = '';
  const redirect = disposition === 'RedirectRow' && context.isConnected(ERROR_OUTPUT);

  async function send(output: string, buffer: Row[]) {
    context.signal.throwIfAborted();
    await context.emit(output, buffer);
  }
  const flushRows = () => {
    const buffer = rows;
    rows = [];
    sent += buffer.length;
    return send(DEFAULT_OUTPUT, buffer);
  };
  const flushErrors = () => {
    const buffer = errors;
    errors = [];
    return send(ERROR_OUTPUT, buffer);
  };

  return {
    get rows() {
      return sent + rows.length;
    },
    add(row) {
      rows.push(row);
      return rows.length >= size ? flushRows() : undefined;
    },
    fail(line, raw, error) {
      const where = error.column === '' ? `line ${line}` : `line ${line}, column ${error.column}`;
      if (disposition === 'FailComponent')
        throw new ScaleOutError('VALIDATION_FAILED', `${label} ${where}: ${reasonOf(error)}`, {
          cause: error,
        });
      failed += 1;
      if (failed === 1) first = `${where}: ${reasonOf(error)}`;
      if (!redirect) return undefined;
      errors.push([line, raw, error.code, error.column, error.message]);
      return errors.length >= size ? flushErrors() : undefined;
    },
    async finish() {
      if (rows.length > 0) await flushRows();
      if (errors.length > 0) await flushErrors();
      if (failed === 0 || redirect) return;
      const fate =
        disposition === 'IgnoreFailure'
          ? 'skipped (IgnoreFailure)'
          : 'dropped: RedirectRow sends them to the Error output, which feeds no path';
      context.task.log.warning(`${label}: ${failed} rows with errors were ${fate}; the first at ${first}`);
    },
  };
}

/**
 * A column's value as a file gave it, converted to the column's type. Text holding U+FFFD in a
 * record that had invalid bytes is a row error: the decoder put it there, so the text is not what
 * the file meant.
 */
export function cellOfFile(value: unknown, column: ColumnDef, invalidText: boolean): CellValue {
  if (invalidText && typeof value === 'string' && value.includes('\uFFFD'))
    throw new RowError(
      `the text holds bytes that are not valid UTF-8 (read as U+FFFD) for column ${column.name}`,
      ROW_ERROR_CODES.conversion,
      column.name,
    );
  return convertCell(value, column.dataType, column.name, column.format);
}

/** Adds the row `read` makes of a record, or fails the record with the RowError `read` throws. */
export function addRecordRow(
  out: SourceRows,
  { line, raw }: { line: number; raw: string },
  read: () => Row,
): Promise<void> | undefined {
  let row: Row;
  try {
    row = read();
  } catch (error) {
    if (error instanceof RowError) return out.fail(line, raw, error);
    throw error;
  }
  return out.add(row);
}
