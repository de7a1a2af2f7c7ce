import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConsoleEvent } from '../../master-core/protocol/api';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi, useConsoleEvents } from './useApi';

export interface LiveCollectionOptions<T> {
  load: (client: ApiClient) => Promise<T[]>;
  /** The row an event carries, when the event concerns this collection. */
  rowFromEvent?: (event: ConsoleEvent) => T | null;
  upsert?: (rows: readonly T[], row: T) => T[];
  /** Builds the shown rows from a loaded snapshot and the rows of events that came meanwhile. */
  merge?: (snapshot: readonly T[], eventRows: readonly T[]) => T[];
  /** Events that make the whole collection stale. */
  reloadOn?: (event: ConsoleEvent) => boolean;
}

export interface LiveCollection<T> {
  rows: T[];
  loaded: boolean;
  error: string | null;
  reload: () => void;
}

/**
 * A list loaded from the API and kept current by live events. It reloads when the events socket
 * (re)connects, since events may have been missed while it was down; only the answer to the
 * latest request is applied, so a slow old answer never overwrites a newer one.
 */
export function useLiveCollection<T>(options: LiveCollectionOptions<T>): LiveCollection<T> {
  const client = useApi();
  const [state, setState] = useState<{ rows: T[]; loaded: boolean; error: string | null }>({
    rows: [],
    loaded: false,
    error: null,
  });
  const latestOptions = useRef(options);
  useEffect(() => {
    latestOptions.current = options;
  });
  const requestSeq = useRef(0);
  /** Rows from events heard since the latest request went out; null when none is in flight. */
  const eventRowsSinceRequest = useRef<T[] | null>(null);

  const reload = useCallback(() => {
    const seq = ++requestSeq.current;
    eventRowsSinceRequest.current = [];
    latestOptions.current.load(client).then(
      (snapshot) => {
        if (seq !== requestSeq.current) return;
        const eventRows = eventRowsSinceRequest.current ?? [];
        eventRowsSinceRequest.current = null;
        const merge = latestOptions.current.merge;
        setState({ rows: merge ? merge(snapshot, eventRows) : snapshot, loaded: true, error: null });
      },
      (error: unknown) => {
        if (seq !== requestSeq.current) return;
        eventRowsSinceRequest.current = null;
        setState((s) => ({ ...s, loaded: true, error: coerceError(error).message }));
      },
    );
  }, [client]);

  useEffect(() => reload(), [reload]);

  useConsoleEvents((message) => {
    if (message.kind === 'status') {
      if (message.connected) reload();
      return;
    }
    const { reloadOn, rowFromEvent, upsert } = latestOptions.current;
    if (reloadOn?.(message.event)) {
      reload();
      return;
    }
    const row = rowFromEvent?.(message.event) ?? null;
    if (row === null || !upsert) return;
    eventRowsSinceRequest.current?.push(row);
    setState((s) => ({ ...s, rows: upsert(s.rows, row) }));
  });

  return { ...state, reload };
}
