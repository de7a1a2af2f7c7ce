import type { ApiOutput } from '../../master-core/protocol/api';

/** Scale Out Manager's dashboard figures, as plain functions. */

export type Dashboard = ApiOutput<'master.dashboard'>;

/** "45 s", "12 min", "3 h 05 min", "4 d 07 h". */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${String(hours % 24).padStart(2, '0')} h`;
}

/** The master's uptime now: its answer plus the time since the answer (no clock skew involved). */
export function uptimeNow(dashboard: Dashboard, fetchedAtMs: number, nowMs: number): number {
  return dashboard.uptimeSeconds + Math.max(0, nowMs - fetchedAtMs) / 1000;
}

export interface PerMinuteSeries {
  /** Local "HH:mm" of each minute. */
  labels: string[];
  started: number[];
  succeeded: number[];
  failed: number[];
}

export function perMinuteSeries(perMinute: Dashboard['executionsPerMinute']): PerMinuteSeries {
  const label = (iso: string) => {
    const d = new Date(iso);
    return Number.isNaN(d.getTime())
      ? iso
      : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  };
  return {
    labels: perMinute.map((m) => label(m.minute)),
    started: perMinute.map((m) => m.started),
    succeeded: perMinute.map((m) => m.succeeded),
    failed: perMinute.map((m) => m.failed),
  };
}

/** Totals of the hour, for the chart's caption and screen readers. */
export function hourTotals(perMinute: Dashboard['executionsPerMinute']) {
  return perMinute.reduce(
    (t, m) => ({
      started: t.started + m.started,
      succeeded: t.succeeded + m.succeeded,
      failed: t.failed + m.failed,
    }),
    { started: 0, succeeded: 0, failed: 0 },
  );
}

/** The workers total across states. */
export function workerTotal(byState: Dashboard['workersByState']): number {
  return Object.values(byState).reduce((a, b) => a + b, 0);
}
