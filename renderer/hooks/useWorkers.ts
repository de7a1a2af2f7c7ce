import type { WorkerRow } from '../../master-core/protocol/api';
import { sortWorkers, upsertWorker } from '../state/workersStore';
import type { LiveCollection, LiveCollectionOptions } from './useLiveCollection';
import { useLiveCollection } from './useLiveCollection';

const workerOptions: LiveCollectionOptions<WorkerRow> = {
  load: async (client) => (await client.call('worker.list', {})).workers,
  rowFromEvent: (event) => (event.type === 'worker:changed' ? event.worker : null),
  upsert: upsertWorker,
  merge: (snapshot, eventRows) => eventRows.reduce(upsertWorker, sortWorkers(snapshot)),
};

/** Every worker agent, kept current by worker:changed events. */
export function useWorkers(): LiveCollection<WorkerRow> {
  return useLiveCollection(workerOptions);
}
