import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { buildListInput } from '../state/executionsQuery';
import type { ExecutionFilters, GridQuery } from '../state/executionsQuery';
import { patchPage } from '../state/executionsStore';
import { useApi, useConsoleEvents } from './useApi';

export interface ExecutionPage {
  rows: readonly ExecutionRow[];
  /** Every execution matching the filters, whatever the page. */
  total: number;
  /** A fetch for a new query (not a live refresh) is on its way. */
  loading: boolean;
  error: string | null;
  reload: () => void;
}

/** At most one live refresh of the page per this many milliseconds. */
export const LIVE_REFRESH_MS = 1000;

/**
 * One page of the All Executions report, filtered, sorted and paged by the master. Live: an
 * execution:changed event patches its row in place at once, and the page is fetched again
 * (at most once per `refreshMs`) so new executions, moves between pages and the total show up.
 * Only the answer to the latest request is applied; events heard while it was on its way are
 * replayed over it. An invalid filter sends nothing (the filter bar shows why).
 */
export function useExecutionPage(
  filters: ExecutionFilters,
  grid: GridQuery,
  refreshMs: number = LIVE_REFRESH_MS,
): ExecutionPage {
  const client = useApi();
  const [state, setState] = useState<Omit<ExecutionPage, 'reload'>>({
    rows: [],
    total: 0,
    loading: true,
    error: null,
  });
  const query = useRef({ filters, grid });
  useEffect(() => {
    query.current = { filters, grid };
  });
  const requestSeq = useRef(0);
  const eventsSinceRequest = useRef<ExecutionRow[]>([]);
  const lastFetchAt = useRef(0);
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const fetchPage = useCallback(
    (background: boolean) => {
      const built = buildListInput(query.current.filters, query.current.grid, Date.now());
      if (!built.ok) return;
      const seq = ++requestSeq.current;
      eventsSinceRequest.current = [];
      lastFetchAt.current = Date.now();
      if (!background) setState((s) => ({ ...s, loading: true }));
      client.call('execution.list', built.input).then(
        (out) => {
          if (seq !== requestSeq.current) return;
          const rows = eventsSinceRequest.current.reduce<readonly ExecutionRow[]>(patchPage, out.executions);
          setState({ rows, total: out.total, loading: false, error: null });
        },
        (e: unknown) => {
          if (seq !== requestSeq.current) return;
          setState((s) => ({ ...s, loading: false, error: coerceError(e).message }));
        },
      );
    },
    [client],
  );

  const key = JSON.stringify([filters, grid]);
  useEffect(() => {
    fetchPage(false);
  }, [fetchPage, key]);

  useEffect(
    () => () => {
      requestSeq.current += 1;
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  const scheduleRefresh = () => {
    if (refreshTimer.current) return;
    const wait = Math.max(0, lastFetchAt.current + refreshMs - Date.now());
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      fetchPage(true);
    }, wait);
  };

  useConsoleEvents((message) => {
    if (message.kind === 'status') {
      if (message.connected) fetchPage(true);
      return;
    }
    if (message.event.type !== 'execution:changed') return;
    const changed = message.event.execution;
    eventsSinceRequest.current.push(changed);
    setState((s) => ({ ...s, rows: patchPage(s.rows, changed) }));
    scheduleRefresh();
  });

  const reload = useCallback(() => fetchPage(false), [fetchPage]);
  return { ...state, reload };
}
