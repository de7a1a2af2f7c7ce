import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi, useConsoleEvents } from './useApi';

export interface ApiQuery<T> {
  data: T | null;
  /** True until the first answer (or error) arrives, and while a reload is in flight. */
  loading: boolean;
  error: string | null;
  reload: () => void;
}

/**
 * One value loaded from the API for a dialog. `key` identifies what is loaded: a new key loads
 * again. Only the latest request's answer is applied; with `reloadOnCatalogChange`, a
 * catalog:changed event (another console or the CLI changed the catalog) loads it again.
 */
export function useApiQuery<T>(
  key: string,
  load: (client: ApiClient) => Promise<T>,
  options: { reloadOnCatalogChange?: boolean } = {},
): ApiQuery<T> {
  const client = useApi();
  const [state, setState] = useState<{ data: T | null; loading: boolean; error: string | null }>({
    data: null,
    loading: true,
    error: null,
  });
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    latestLoad.current(client).then(
      (data) => {
        if (mine === seq.current) setState({ data, loading: false, error: null });
      },
      (error: unknown) => {
        if (mine === seq.current)
          setState((s) => ({ ...s, loading: false, error: coerceError(error).message }));
      },
    );
    // key is what makes a new load necessary; load itself is read through the ref.
  }, [client, key]);

  useEffect(() => reload(), [reload]);

  useConsoleEvents((message) => {
    if (!options.reloadOnCatalogChange) return;
    if (message.kind === 'event' && message.event.type === 'catalog:changed') reload();
  });

  return { ...state, reload };
}
