/**
 * Aggregate: groups rows by the GroupBy columns and computes Count (non-NULL values), CountAll
 * (rows), CountDistinct (distinct non-NULL values), Sum, Min, Max and Avg, which skip NULLs and
 * give NULL when a group has no value. Groups are held in memory (one entry per group, plus the
 * distinct values of CountDistinct) and written at the end in buffers of bufferRows, in the order
 * each group first appeared. NULL group keys form one group, as in SSIS. Without GroupBy columns
 * the output is one row even for an empty input (Count 0, Sum NULL), as SQL's aggregates give.
 * Min and Max order values as Sort does (compare.ts).
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { convertCell } from '../convert';
import type { CellValue, ComponentFactory, Row } from '../types';
import { RowError } from '../types';
import { compareValues, valueKey } from './compare';

type Operation = ComponentOf<'aggregate'>['columns'][number]['operation'];

/** One column's running state in one group. */
interface Accumulator {
  add(value: CellValue): void;
  result(): CellValue;
}

/** A new accumulator for an operation (GroupBy keeps the group's value). */
export function accumulatorFor(operation: Operation): Accumulator {
  switch (operation) {
    case 'GroupBy': {
      let kept: CellValue | undefined;
      return { add: (v) => void (kept === undefined && (kept = v)), result: () => kept ?? null };
    }
    case 'CountAll': {
      let n = 0;
      return { add: () => void (n += 1), result: () => n };
    }
    case 'Count': {
      let n = 0;
      return { add: (v) => void (v !== null && (n += 1)), result: () => n };
    }
    case 'CountDistinct': {
      const seen = new Set<string>();
      return { add: (v) => void (v !== null && seen.add(valueKey(v))), result: () => seen.size };
    }
    case 'Sum':
    case 'Avg': {
      let sum = 0;
      let n = 0;
      return {
        add: (v) => {
          if (v === null) return;
          sum += v as number;
          n += 1;
        },
        result: () => (n === 0 ? null : operation === 'Sum' ? sum : sum / n),
      };
    }
    case 'Min':
    case 'Max': {
      const sign = operation === 'Min' ? -1 : 1;
      let best: CellValue = null;
      return {
        add: (v) => {
          if (v !== null && (best === null || Math.sign(compareValues(v, best)) === sign)) best = v;
        },
        result: () => best,
      };
    }
  }
}

/** Group key of a row: GroupBy values (NULLs group together). */
function groupKey(row: Row, indexes: readonly number[]): string {
  return JSON.stringify(indexes.map((i) => (row[i] === null ? null : valueKey(row[i]!))));
}

export const createAggregate: ComponentFactory<ComponentOf<'aggregate'>> = (definition, context) => {
  const input = context.inputs.get('Input') ?? [];
  const output: readonly ColumnMeta[] = context.outputs.get(DEFAULT_OUTPUT) ?? [];
  const columns = definition.columns.map((c) => {
    const index =
      c.operation === 'CountAll' || c.input === undefined
        ? -1
        : input.findIndex((col) => col.name.toLowerCase() === c.input!.toLowerCase());
    if (c.operation !== 'CountAll' && index < 0)
      throw new Error(`${context.name}: no input column ${c.input ?? '(none given)'} for ${c.operation}`);
    return { operation: c.operation, index };
  });
  const groupIndexes = columns.filter((c) => c.operation === 'GroupBy').map((c) => c.index);
  const groups = new Map<string, Accumulator[]>();
  const newGroup = () => columns.map((c) => accumulatorFor(c.operation));

  function finalRow(accumulators: Accumulator[]): Row {
    return accumulators.map((a, i) => {
      const column = output[i]!;
      try {
        return convertCell(a.result(), column.dataType, column.name);
      } catch (error) {
        if (!(error instanceof RowError)) throw error;
        throw new Error(`${context.name}: column ${column.name}: ${error.message}`, { cause: error });
      }
    });
  }

  return {
    async receive(_input, rows) {
      for (const row of rows) {
        const key = groupKey(row, groupIndexes);
        let group = groups.get(key);
        if (!group) groups.set(key, (group = newGroup()));
        for (let i = 0; i < columns.length; i++)
          group[i]!.add(columns[i]!.index < 0 ? null : row[columns[i]!.index]!);
      }
    },
    async end() {
      if (groups.size === 0 && groupIndexes.length === 0) groups.set('', newGroup());
      let buffer: Row[] = [];
      for (const group of groups.values()) {
        buffer.push(finalRow(group));
        if (buffer.length < context.bufferRows) continue;
        context.signal.throwIfAborted();
        await context.emit(DEFAULT_OUTPUT, buffer);
        buffer = [];
      }
      groups.clear();
      if (buffer.length > 0) await context.emit(DEFAULT_OUTPUT, buffer);
    },
  };
};
