import type { FolderInfo } from '../../master-core/protocol/api';
import type { LiveCollectionOptions, LiveCollection } from './useLiveCollection';
import { useLiveCollection } from './useLiveCollection';

const catalogOptions: LiveCollectionOptions<FolderInfo> = {
  load: async (client) => (await client.call('catalog.tree', {})).folders,
  reloadOn: (event) => event.type === 'catalog:changed',
};

/** The catalog's folders (with projects, packages and parameters), reloaded on catalog:changed. */
export function useCatalog(): LiveCollection<FolderInfo> {
  return useLiveCollection(catalogOptions);
}
