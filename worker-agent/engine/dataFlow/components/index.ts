import type { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import type { ComponentFactory } from '../types';
import { createAggregate } from './aggregate';
import { createConditionalSplit } from './conditionalSplit';
import { createDataConversion } from './dataConversion';
import { createDerivedColumn } from './derivedColumn';
import { createFlatFileDestination } from './flatFileDestination';
import { createFlatFileSource } from './flatFileSource';
import { createJsonLinesDestination } from './jsonLinesDestination';
import { createJsonLinesSource } from './jsonLinesSource';
import { createLookup } from './lookup';
import { createMergeJoin } from './mergeJoin';
import { createMulticast } from './multicast';
import { createRowCount } from './rowCount';
import { createSort } from './sort';
import { createSqlDestination } from './sqlDestination';
import { createSqlSource } from './sqlSource';
import { createUnionAll } from './unionAll';

/** The component kinds this engine runs, by type. */
export const COMPONENT_FACTORIES: {
  [K in DataFlowComponent['type']]: ComponentFactory<Extract<DataFlowComponent, { type: K }>>;
} = {
  flatFileSource: createFlatFileSource,
  sqlSource: createSqlSource,
  jsonLinesSource: createJsonLinesSource,
  derivedColumn: createDerivedColumn,
  conditionalSplit: createConditionalSplit,
  dataConversion: createDataConversion,
  lookup: createLookup,
  aggregate: createAggregate,
  sort: createSort,
  unionAll: createUnionAll,
  multicast: createMulticast,
  mergeJoin: createMergeJoin,
  rowCount: createRowCount,
  sqlDestination: createSqlDestination,
  flatFileDestination: createFlatFileDestination,
  jsonLinesDestination: createJsonLinesDestination,
};
