/**
 * The runtime contract of data flow components. Rows travel as arrays of values laid out by the
 * column metadata of their path (dataFlowMetadata.ts): row[i] is the value of columns[i]. Values:
 * string, number (Int32, Int64 within 2^53, Double, Decimal), boolean, Date, Buffer (Bytes), null.
 *
 * A component is created once per run by its factory, then:
 * - a source's `run()` reads its input and calls `emit(output, rows)` buffer by buffer;
 * - a transformation or destination gets `receive(input, rows)` per buffer and `end(input)` once
 *   its input has no more rows; it emits its own outputs from those calls (an Aggregate or Sort
 *   emits from `end`);
 * - `close()` is always called at the end, after success, failure or cancel (close files,
 *   roll back, remove temporary files).
 * `emit` resolves once the rows have been processed downstream: awaiting it is the backpressure
 * that keeps memory bounded, so always await it before taking more input.
 */
import type { ColumnMeta } from '../../../master-core/protocol/dataFlowMetadata';
import type { DataFlowComponent } from '../../../master-core/protocol/dataFlowFormat';
import type { TaskContext, Value } from '../taskApi';

export type CellValue = string | number | boolean | Date | Buffer | null;
export type Row = CellValue[];

export interface ComponentRuntime {
  run?(): Promise<void>;
  receive?(input: string, rows: Row[]): Promise<void>;
  end?(input: string): Promise<void>;
  close?(): Promise<void>;
}

/** A row-level failure: what the error output's ErrorCode/ErrorColumn/ErrorDescription carry. */
export class RowError extends Error {
  constructor(
    message: string,
    /** SSIS-like error code: see ROW_ERROR_CODES. */
    readonly code: number,
    /** The column the error is about, '' when none. */
    readonly column: string,
  ) {
    super(message);
  }
}

/** Error codes a redirected row carries (documented in docs/data-flow.md). */
export const ROW_ERROR_CODES = {
  conversion: 1,
  expression: 2,
  truncation: 3,
  lookupNoMatch: 4,
  malformedRecord: 5,
  constraint: 6,
} as const;

export interface ComponentContext {
  /** The component's name and the task's package path plus the component name. */
  readonly name: string;
  readonly path: string;
  /** Input name -> its columns ("Input"; "Left"/"Right"; "Input 1", "Input 2"... for Union All). */
  readonly inputs: ReadonlyMap<string, readonly ColumnMeta[]>;
  /** Output name -> its columns; only connected outputs matter, but all are listed. */
  readonly outputs: ReadonlyMap<string, readonly ColumnMeta[]>;
  /** Whether an output feeds a path (rows emitted to an unconnected output are dropped). */
  isConnected(output: string): boolean;
  /** Sends rows down an output; resolves when they have been processed downstream. */
  emit(output: string, rows: Row[]): Promise<void>;
  /** Rows per buffer (DefaultBufferMaxRows): sources and blocking components emit this many at once. */
  readonly bufferRows: number;
  readonly signal: AbortSignal;
  /** The task's context: connections, variables, expressions, log (information/warning/error/progress). */
  readonly task: TaskContext;
  /**
   * Compiles a data flow expression over the named input's columns ([Column] or Column) and
   * variables (@[User::X], read when compiled); the function evaluates it for one row.
   */
  compile(expression: string, input?: string): (row: Row) => Value;
  /** A directory for temporary files of this component (removed by the runner at the end). */
  tempDir(): Promise<string>;
}

export type ComponentFactory<T extends DataFlowComponent = DataFlowComponent> = (
  definition: T,
  context: ComponentContext,
) => ComponentRuntime;
