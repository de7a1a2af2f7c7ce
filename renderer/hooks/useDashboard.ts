import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ApiOutput } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import type { Dashboard } from '../state/dashboardView';
import { createThrottle } from '../state/throttle';
import { useApi, useConsoleEvents } from './useApi';

export type MasterInfo = ApiOutput<'master.info'>;

/** Execution and worker events refresh the dashboard at most this often (heartbeats come every few seconds per worker). */
export const DASHBOARD_EVENT_REFRESH_MS = 3000;
/** Uptime and the per-minute chart move on without events too. */
export const DASHBOARD_TIMER_REFRESH_MS = 30_000;

export interface DashboardState {
  dashboard: Dashboard | null;
  info: MasterInfo | null;
  /** When the dashboard answer arrived (local clock), to count uptime on from it. */
  fetchedAtMs: number;
  loaded: boolean;
  error: string | null;
  reload: () => void;
}

/**
 * master.dashboard and master.info, kept current: reloaded on execution and worker events
 * (throttled), on a slow timer, and when the events socket reconnects.
 */
export function useDashboard(): DashboardState {
  const client = useApi();
  const [state, setState] = useState<Omit<DashboardState, 'reload'>>({
    dashboard: null,
    info: null,
    fetchedAtMs: 0,
    loaded: false,
    error: null,
  });
  const seq = useRef(0);

  const reload = useCallback(() => {
    const mine = ++seq.current;
    void Promise.allSettled([client.call('master.dashboard', {}), client.call('master.info', {})]).then(
      ([dashboard, info]) => {
        if (mine !== seq.current) return;
        const failure = [dashboard, info].find((r) => r.status === 'rejected');
        setState((s) => ({
          dashboard: dashboard.status === 'fulfilled' ? dashboard.value : s.dashboard,
          info: info.status === 'fulfilled' ? info.value : s.info,
          fetchedAtMs: dashboard.status === 'fulfilled' ? Date.now() : s.fetchedAtMs,
          loaded: true,
          error: failure ? coerceError(failure.reason).message : null,
        }));
      },
    );
  }, [client]);

  const throttled = useMemo(() => createThrottle(reload, DASHBOARD_EVENT_REFRESH_MS), [reload]);
  useEffect(() => () => throttled.cancel(), [throttled]);

  useEffect(() => {
    reload();
    const timer = setInterval(reload, DASHBOARD_TIMER_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);

  /** Events may have been missed only after the socket was down; its first "connected" is no news. */
  const wasDisconnected = useRef(false);
  useConsoleEvents((message) => {
    if (message.kind === 'status') {
      if (!message.connected) wasDisconnected.current = true;
      else if (wasDisconnected.current) {
        wasDisconnected.current = false;
        throttled();
      }
      return;
    }
    const type = message.event.type;
    if (type === 'execution:changed' || type === 'worker:changed') throttled();
  });

  return { ...state, reload };
}
