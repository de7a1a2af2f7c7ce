import type { ExecutionRow } from '../../master-core/protocol/api';
import { applySnapshot, EXECUTION_LIST_LIMIT, upsertExecution } from '../state/executionsStore';
import type { LiveCollection, LiveCollectionOptions } from './useLiveCollection';
import { useLiveCollection } from './useLiveCollection';

const executionOptions: LiveCollectionOptions<ExecutionRow> = {
  load: async (client) => (await client.call('execution.list', { limit: EXECUTION_LIST_LIMIT })).executions,
  rowFromEvent: (event) => (event.type === 'execution:changed' ? event.execution : null),
  upsert: (rows, row) => upsertExecution(rows, row),
  merge: (snapshot, eventRows) => applySnapshot(snapshot, eventRows),
};

/** The newest executions, newest first, kept current by execution:changed events. */
export function useExecutions(): LiveCollection<ExecutionRow> {
  return useLiveCollection(executionOptions);
}
