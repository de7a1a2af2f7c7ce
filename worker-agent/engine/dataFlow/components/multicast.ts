/**
 * Multicast: every buffer goes to its Output, which the runner delivers to every path the output
 * feeds (all of them before emit resolves). Rows are shared between the paths, not copied:
 * components never change the rows they receive.
 */
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentFactory } from '../types';

export const createMulticast: ComponentFactory<ComponentOf<'multicast'>> = (_definition, context) => ({
  async receive(_input, rows) {
    await context.emit(DEFAULT_OUTPUT, rows);
  },
});
