/**
 * Union All: passes on the rows of every input ("Input 1", "Input 2"...), each laid out as the
 * output (Input 1's columns), matching columns by name. Rows are not reordered within an input;
 * inputs interleave as their buffers arrive. The runner ends the output once every input ended.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentFactory } from '../types';

/** For each output column, its index in the input; null when the input is laid out the same. */
export function remapping(output: readonly ColumnMeta[], input: readonly ColumnMeta[]): number[] | null {
  const indexes = output.map((column) => {
    const at = input.findIndex((c) => c.name.toLowerCase() === column.name.toLowerCase());
    if (at < 0) throw new Error(`the input has no column ${column.name}`);
    return at;
  });
  return indexes.length === input.length && indexes.every((at, i) => at === i) ? null : indexes;
}

export const createUnionAll: ComponentFactory<ComponentOf<'unionAll'>> = (_definition, context) => {
  const output = context.outputs.get(DEFAULT_OUTPUT) ?? [];
  const layouts = new Map<string, number[] | null>();
  for (const [name, columns] of context.inputs) {
    try {
      layouts.set(name, remapping(output, columns));
    } catch (error) {
      throw new Error(`${context.name}: ${name}: ${(error as Error).message}`, { cause: error });
    }
  }

  return {
    async receive(input, rows) {
      const indexes = layouts.get(input);
      if (indexes === undefined) throw new Error(`${context.name} has no input ${input}`);
      await context.emit(
        DEFAULT_OUTPUT,
        indexes === null ? rows : rows.map((row) => indexes.map((i) => row[i]!)),
      );
    },
  };
};
