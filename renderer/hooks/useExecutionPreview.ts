import { useEffect, useState } from 'react';
import type { Targeting } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import type { MachinePreview } from '../state/machinePreview';
import { useApi, useConsoleEvents } from './useApi';

export interface PreviewState {
  preview: MachinePreview | null;
  error: string | null;
  loading: boolean;
}

/** How long a change to the selection settles before the master is asked again. */
export const PREVIEW_DEBOUNCE_MS = 250;

/**
 * execution.preview for a targeting (null: nothing to ask yet), asked again when it changes
 * and whenever a worker changes (worker:changed events). The latest answer wins.
 */
export function useExecutionPreview(targeting: Targeting | null): PreviewState {
  const client = useApi();
  const [state, setState] = useState<PreviewState>({
    preview: null,
    error: null,
    loading: targeting !== null,
  });
  const [workerTick, setWorkerTick] = useState(0);
  useConsoleEvents((message) => {
    if (message.kind === 'event' && message.event.type === 'worker:changed') setWorkerTick((n) => n + 1);
  });
  const key = targeting ? JSON.stringify(targeting) : null;
  useEffect(() => {
    if (key === null) {
      setState({ preview: null, error: null, loading: false });
      return undefined;
    }
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(() => {
      client
        .call('execution.preview', { targeting: JSON.parse(key) as Targeting })
        .then((preview) => current && setState({ preview, error: null, loading: false }))
        .catch(
          (e: unknown) =>
            current && setState({ preview: null, error: coerceError(e).message, loading: false }),
        );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, key, workerTick]);
  return state;
}
