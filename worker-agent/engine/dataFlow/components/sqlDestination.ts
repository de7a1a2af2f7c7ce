/**
 * SQL Destination: inserts its input rows into a SQLite or PostgreSQL table (docs/data-flow.md).
 *
 * - The load opens at the first buffer (or at the end of an empty input): BEGIN, CREATE TABLE IF
 *   NOT EXISTS (createTable), DELETE / TRUNCATE (truncateFirst), then one bulk insert statement per
 *   `rowsPerStatement` rows (sqliteData.ts, postgresData.ts).
 * - Transactions: Single is one transaction for the whole load, committed at the end, so a run
 *   that fails or is stopped leaves the table as it was (not even truncated). Batch commits every
 *   `commitRows` rows (exactly: statements are cut at the commit points); a stop keeps the batches
 *   committed before it.
 * - Write-behind: receive() encodes a buffer and starts its statements, then returns; the next
 *   receive (or end) first waits for them. The database works while upstream prepares the next
 *   buffer, and at most one buffer is in flight (memory stays bounded).
 * - Refused rows (constraint, type, range): with FailComponent the component fails, naming the
 *   rows of the statement, the column and the database's message (never a value). Otherwise each
 *   statement runs inside a savepoint; a refused one is retried row by row to find the bad rows,
 *   which are ignored (IgnoreFailure) or sent to the Error output (RedirectRow) with ErrorCode,
 *   ErrorColumn and ErrorDescription.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { ERROR_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import { parseTableName } from '../../connections/sqlText';
import type { InsertBatch, SqlDataConnection, SqlInserter } from '../../connections/types';
import type { CellValue, ComponentFactory, Row } from '../types';
import { RowError } from '../types';
import {
  beginSql,
  createTableSql,
  planMappings,
  rejectionError,
  rowMapper,
  rowRange,
  truncateSql,
} from './sqlDialect';

type Definition = ComponentOf<'sqlDestination'>;

/** Rows for one statement: their table values, their input rows (for the Error output), where. */
interface Chunk {
  values: (readonly CellValue[])[];
  inputs: Row[];
  /** 1-based number of the chunk's first row in the destination's input. */
  first: number;
  /** Batch mode: commit after this chunk. */
  commitAfter: boolean;
}

/** A row that did not go in: its input row and why. */
interface Refused {
  input: Row;
  error: RowError;
}

interface Open {
  connection: SqlDataConnection;
  inserter: SqlInserter;
}

export const createSqlDestination: ComponentFactory<Definition> = (definition, context) => {
  const input = context.inputs.get('Input') ?? [];
  const plan = planMappings(definition.columnMappings, input);
  const mapRow = rowMapper(plan, input.length);
  const disposition = definition.errorDisposition;
  const redirect = disposition === 'RedirectRow' && context.isConnected(ERROR_OUTPUT);
  const signal = context.signal;
  let opening: Promise<Open> | null = null;
  let inserter: SqlInserter | null = null;
  /** The connection while a transaction of this destination is open on it. */
  let transaction: SqlDataConnection | null = null;
  let rowsSeen = 0;
  let sinceCommit = 0;
  let inserted = 0;
  let refusedCount = 0;
  let firstRefusal = '';
  let inFlight: Promise<Refused[]> | null = null;

  async function open(): Promise<Open> {
    const connection = await context.task.connection(definition.connection, ['sqlite', 'postgresql']);
    const table = parseTableName(definition.table);
    try {
      await connection.exec(beginSql(connection.type), { signal });
      transaction = connection;
      if (definition.createTable)
        await connection.exec(createTableSql(connection.type, table, plan), { signal });
      if (definition.truncateFirst) await connection.exec(truncateSql(connection.type, table), { signal });
      const columns = plan.map((p) => ({ name: p.column, dataType: p.dataType }));
      inserter = await connection.prepareInsert(table, columns);
      return { connection, inserter };
    } catch (error) {
      throw new Error(`cannot load table ${definition.table}: ${(error as Error).message}`, { cause: error });
    }
  }

  const ready = () => (opening ??= open());

  /** A refused row: fail, count it, or keep it for the Error output. */
  function refuse(input: Row, error: RowError, first: number, count: number, into: Refused[]): void {
    if (disposition === 'FailComponent')
      throw new RowError(
        `cannot insert ${rowRange(first, count)} into ${definition.table}: ${error.message}`,
        error.code,
        error.column,
      );
    refusedCount += 1;
    firstRefusal ||= error.message;
    if (redirect) into.push({ input, error });
  }

  /** Cuts mapped rows into statements: rowsPerStatement each, and at every Batch commit point. */
  function chunksOf(values: (readonly CellValue[])[], inputs: Row[], ordinals: number[]): Chunk[] {
    const chunks: Chunk[] = [];
    let at = 0;
    while (at < values.length) {
      let size = Math.min(definition.rowsPerStatement, values.length - at);
      let commitAfter = false;
      if (definition.transactionMode === 'Batch') {
        size = Math.min(size, definition.commitRows - sinceCommit);
        sinceCommit += size;
        commitAfter = sinceCommit >= definition.commitRows;
        if (commitAfter) sinceCommit = 0;
      }
      chunks.push({
        values: values.slice(at, at + size),
        inputs: inputs.slice(at, at + size),
        first: ordinals[at]!,
        commitAfter,
      });
      at += size;
    }
    return chunks;
  }

  /**
   * Runs the statements of one buffer; resolves with the rows the database refused. Each statement
   * is encoded while the previous one runs in the database (encoding is a third of the work).
   */
  async function write({ connection, inserter }: Open, chunks: Chunk[]): Promise<Refused[]> {
    const refused: Refused[] = [];
    const atomic = disposition !== 'FailComponent';
    let batch: InsertBatch | null = chunks[0] ? inserter.encode(chunks[0].values) : null;
    for (let i = 0; i < chunks.length; i += 1) {
      const chunk = chunks[i]!;
      const running = inserter.insert(batch!, { atomic, signal });
      running.catch(() => undefined);
      // Let the statement reach the database before encoding the next one.
      await new Promise<void>((resolve) => setImmediate(resolve));
      batch = chunks[i + 1] ? inserter.encode(chunks[i + 1]!.values) : null;
      const outcome = await running;
      if (outcome.ok) inserted += chunk.values.length;
      else if (!atomic)
        refuse(
          chunk.inputs[0]!,
          rejectionError(outcome.rejection, plan),
          chunk.first,
          chunk.values.length,
          refused,
        );
      else await retryRows(inserter, chunk, refused);
      if (chunk.commitAfter) {
        await connection.exec('COMMIT', { signal });
        transaction = null;
        await connection.exec(beginSql(connection.type), { signal });
        transaction = connection;
      }
    }
    return refused;
  }

  /** A refused statement again, one row at a time, to find the rows the database refuses. */
  async function retryRows(inserter: SqlInserter, chunk: Chunk, refused: Refused[]): Promise<void> {
    for (let i = 0; i < chunk.values.length; i += 1) {
      const outcome = await inserter.insert(inserter.encode([chunk.values[i]!]), { atomic: true, signal });
      if (outcome.ok) inserted += 1;
      else refuse(chunk.inputs[i]!, rejectionError(outcome.rejection, plan), chunk.first + i, 1, refused);
    }
  }

  /** Waits for the statements in flight and sends the rows they refused to the Error output. */
  async function settle(): Promise<void> {
    if (!inFlight) return;
    const pending = inFlight;
    inFlight = null;
    await sendToErrorOutput(await pending);
  }

  async function sendToErrorOutput(refused: Refused[]): Promise<void> {
    if (refused.length === 0) return;
    await context.emit(
      ERROR_OUTPUT,
      refused.map(({ input, error }) => [...input, error.code, error.column, error.message]),
    );
  }

  return {
    async receive(_input, rows) {
      const load = await ready();
      const values: (readonly CellValue[])[] = [];
      const inputs: Row[] = [];
      const ordinals: number[] = [];
      const refused: Refused[] = [];
      for (const row of rows) {
        rowsSeen += 1;
        try {
          // Kept after receive returns: components never change the rows they receive.
          values.push(mapRow(row));
          inputs.push(row);
          ordinals.push(rowsSeen);
        } catch (error) {
          if (!(error instanceof RowError)) throw error;
          refuse(row, error, rowsSeen, 1, refused);
        }
      }
      const chunks = chunksOf(values, inputs, ordinals);
      await settle();
      await sendToErrorOutput(refused);
      const started = write(load, chunks);
      // Its failure is thrown by the next settle(); until then it must not count as unhandled.
      started.catch(() => undefined);
      inFlight = started;
    },

    async end() {
      const { connection } = await ready();
      await settle();
      await connection.exec('COMMIT', { signal });
      transaction = null;
      const refusedText = refusedCount > 0 ? `; ${refusedCount} refused (first: ${firstRefusal})` : '';
      const log = refusedCount > 0 ? context.task.log.warning : context.task.log.information;
      log(`${context.name}: ${inserted} rows inserted into ${definition.table}${refusedText}`);
    },

    async close() {
      // Whatever still runs is stopped (signal) or fails on its own; then undo what is uncommitted.
      await inFlight?.catch(() => undefined);
      await opening?.catch(() => undefined);
      // Not under the signal: the rollback must run when the execution is stopping.
      await transaction?.exec('ROLLBACK').catch(() => undefined);
      transaction = null;
      await inserter?.close();
    },
  };
};
