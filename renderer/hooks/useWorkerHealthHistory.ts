import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { HealthSample } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { HISTORY_FETCH_LIMIT, mergeSamples, sampleFromWorker } from '../state/healthSamples';
import { createThrottle } from '../state/throttle';
import { useApi, useConsoleEvents } from './useApi';

/** How long the visible set must hold still before its history is fetched (fast scrolling fetches nothing). */
export const HISTORY_FETCH_DELAY_MS = 150;
/** Live samples repaint the rows at most this often, however many workers report. */
const REPAINT_MS = 500;

const EMPTY: readonly HealthSample[] = [];

export interface WorkerHealthHistory {
  samplesOf: (workerId: string) => readonly HealthSample[];
  /** Why a worker's history could not be loaded, when it could not. */
  errorOf: (workerId: string) => string | undefined;
}

/**
 * Health samples per worker: live ones from worker:changed events for every worker, and the
 * stored history (worker.health) fetched once for each worker that comes into view. Buffers are
 * bounded by time and count (mergeSamples).
 */
export function useWorkerHealthHistory(visibleIds: readonly string[]): WorkerHealthHistory {
  const client = useApi();
  const buffers = useRef(new Map<string, readonly HealthSample[]>());
  const errors = useRef(new Map<string, string>());
  const requested = useRef(new Set<string>());
  const [version, setVersion] = useState(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const repaint = useMemo(() => createThrottle(() => setVersion((v) => v + 1), REPAINT_MS), []);
  useEffect(() => () => repaint.cancel(), [repaint]);

  const add = useCallback((workerId: string, samples: readonly HealthSample[]) => {
    const before = buffers.current.get(workerId) ?? EMPTY;
    const after = mergeSamples(before, samples, { nowMs: Date.now() });
    if (after === before) return false;
    buffers.current.set(workerId, after);
    return true;
  }, []);

  const visibleKey = visibleIds.join('\n');
  const [reconnects, setReconnects] = useState(0);
  useEffect(() => {
    const wanted = visibleKey === '' ? [] : visibleKey.split('\n');
    const timer = setTimeout(() => {
      for (const workerId of wanted.filter((id) => !requested.current.has(id))) {
        requested.current.add(workerId);
        client.call('worker.health', { workerId, limit: HISTORY_FETCH_LIMIT }).then(
          ({ samples }) => {
            errors.current.delete(workerId);
            add(workerId, samples);
            if (mounted.current) setVersion((v) => v + 1);
          },
          (error: unknown) => {
            requested.current.delete(workerId); // try again when it next comes into view
            errors.current.set(workerId, coerceError(error).message);
            if (mounted.current) setVersion((v) => v + 1);
          },
        );
      }
    }, HISTORY_FETCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, visibleKey, add, reconnects]);

  const wasDisconnected = useRef(false);
  useConsoleEvents((message) => {
    if (message.kind === 'status') {
      // Samples were missed while the socket was down: fetch the shown workers' history again.
      if (!message.connected) wasDisconnected.current = true;
      else if (wasDisconnected.current) {
        wasDisconnected.current = false;
        requested.current.clear();
        setReconnects((n) => n + 1);
      }
      return;
    }
    if (message.event.type !== 'worker:changed') return;
    const sample = sampleFromWorker(message.event.worker);
    if (sample && add(message.event.worker.workerId, [sample])) repaint();
  });

  return useMemo(
    () => ({
      samplesOf: (workerId: string) => buffers.current.get(workerId) ?? EMPTY,
      errorOf: (workerId: string) => errors.current.get(workerId),
    }),
    // A new object per version, so consumers re-render when buffers change.
    [version],
  );
}
