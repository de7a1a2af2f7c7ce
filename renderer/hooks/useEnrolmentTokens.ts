import { useEffect, useRef } from 'react';
import type { EnrolmentTokenRow } from '../../master-core/protocol/api';
import type { LiveCollection, LiveCollectionOptions } from './useLiveCollection';
import { useLiveCollection } from './useLiveCollection';

const tokenOptions: LiveCollectionOptions<EnrolmentTokenRow> = {
  load: async (client) =>
    (await client.call('worker.enrolmentToken.list', {})).tokens.sort((a, b) =>
      b.createdAt.localeCompare(a.createdAt),
    ),
};
const nothing: LiveCollectionOptions<EnrolmentTokenRow> = { load: () => Promise.resolve([]) };

/**
 * Enrolment tokens, newest first (no events carry them: reload after a change). Only an admin may
 * see them: with `enabled` false nothing is asked (a refused call would only fill the audit).
 */
export function useEnrolmentTokens(enabled = true): LiveCollection<EnrolmentTokenRow> {
  const tokens = useLiveCollection(enabled ? tokenOptions : nothing);
  const { reload } = tokens;
  const loadedWith = useRef(enabled);
  useEffect(() => {
    // Access can arrive after the view opened: load again once it changes.
    if (enabled === loadedWith.current) return;
    loadedWith.current = enabled;
    reload();
  }, [enabled, reload]);
  return tokens;
}
