/**
 * Row Count: counts the rows that pass and sets the variable once the input has ended (as in SSIS,
 * the variable holds the count only after the data flow ran; a failed data flow leaves it as it
 * was). Rows go on to the Output when it feeds a path.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentFactory } from '../types';

export const createRowCount: ComponentFactory<ComponentOf<'rowCount'>> = (definition, context) => {
  let count = 0;
  return {
    async receive(_input, rows) {
      count += rows.length;
      if (context.isConnected(DEFAULT_OUTPUT)) await context.emit(DEFAULT_OUTPUT, rows);
    },
    async end() {
      context.task.setVariable(definition.variable, count);
    },
  };
};
