import type { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import type { ComponentFactory } from '../types';

/** The component kinds this engine runs, by type. */
export const COMPONENT_FACTORIES: {
  [K in DataFlowComponent['type']]?: ComponentFactory<Extract<DataFlowComponent, { type: K }>>;
} = {};
