import { ScaleOutError, coerceError } from '../../../master-core/protocol/errors';
import type { ExecuteSqlTask } from '../../../master-core/protocol/packageFormat';
import type { SqlResult } from '../connections/types';
import type { TaskContext, TaskRunner, Value } from '../taskApi';

/**
 * A value read from a database as a variable Value: blobs become base64 text, big integers
 * that do not fit a double stay exact as text.
 */
export function toValue(value: unknown): Value {
  if (value === undefined || value === null) return null;
  if (value instanceof Date || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toValue);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toValue(v)]));
  }
  return String(value);
}

/** The column a SingleRow binding names: the exact name, a 0-based index, or the name in any case. */
export function findColumn(columns: readonly string[], column: string): string | undefined {
  if (columns.includes(column)) return column;
  if (/^\d+$/.test(column)) return columns[Number(column)];
  return columns.find((c) => c.toLowerCase() === column.toLowerCase());
}

function evaluateParameters(task: ExecuteSqlTask, context: TaskContext): Value[] {
  return task.parameters.map((expression, index) => {
    try {
      return context.evaluate(expression);
    } catch (error) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `parameter ${index + 1} (${expression}): ${coerceError(error).message}`,
        { cause: error },
      );
    }
  });
}

function bindSingleRow(task: ExecuteSqlTask, context: TaskContext, result: SqlResult): void {
  const row = result.rows[0];
  if (!row) throw new ScaleOutError('NOT_FOUND', 'the statement returned no rows; SingleRow needs one');
  const columns = result.columns.length > 0 ? result.columns : Object.keys(row);
  for (const { column, variable } of task.resultBindings) {
    const name = findColumn(columns, column);
    if (name === undefined) {
      throw new ScaleOutError(
        'NOT_FOUND',
        `the result has no column "${column}" (for ${variable}); its columns: ${columns.join(', ') || 'none'}`,
      );
    }
    context.setVariable(variable, toValue(row[name]));
  }
}

/**
 * Execute SQL task. The SQL text is used as written: @[...] references are NOT substituted
 * (that would splice values into SQL); values go through `parameters` (? for SQLite, $1 for
 * PostgreSQL). With resultSet None and no parameters the text may hold several statements.
 */
export const runExecuteSqlTask: TaskRunner<ExecuteSqlTask> = async (task, context) => {
  // Checked before the statement runs: a misconfigured task must not half-run.
  if (task.resultSet === 'FullResultSet' && !task.resultVariable) {
    throw new ScaleOutError('VALIDATION_FAILED', 'resultSet FullResultSet needs resultVariable');
  }
  const connection = await context.connection(task.connection, ['sqlite', 'postgresql'] as const);
  const parameters = evaluateParameters(task, context);
  const options = { timeoutMs: task.timeoutMs, signal: context.signal };
  const started = performance.now();
  const elapsed = () => `${Math.round(performance.now() - started)} ms`;

  if (task.resultSet === 'None' && parameters.length === 0) {
    await connection.exec(task.sqlStatement, options);
    context.log.information(`SQL on "${task.connection}" ran in ${elapsed()}`);
    return;
  }
  const result = await connection.query(task.sqlStatement, parameters, options);
  context.log.information(
    `SQL on "${task.connection}": ${result.rows.length} rows returned, ${result.changes} changed in ${elapsed()}`,
  );
  if (task.resultSet === 'SingleRow') bindSingleRow(task, context, result);
  else if (task.resultSet === 'FullResultSet' && task.resultVariable) {
    context.setVariable(task.resultVariable, result.rows.map(toValue));
  }
};
