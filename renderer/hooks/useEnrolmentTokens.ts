import type { EnrolmentTokenRow } from '../../master-core/protocol/api';
import type { LiveCollection, LiveCollectionOptions } from './useLiveCollection';
import { useLiveCollection } from './useLiveCollection';

const tokenOptions: LiveCollectionOptions<EnrolmentTokenRow> = {
  load: async (client) =>
    (await client.call('worker.enrolmentToken.list', {})).tokens.sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    ),
};

/** Enrolment tokens, newest first (no events carry them: reload after a change). */
export function useEnrolmentTokens(): LiveCollection<EnrolmentTokenRow> {
  return useLiveCollection(tokenOptions);
}
