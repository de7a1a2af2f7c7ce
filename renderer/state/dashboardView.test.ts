import { describe, expect, it } from 'vitest';
import { formatUptime, hourTotals, perMinuteSeries, uptimeNow, workerTotal } from './dashboardView';
import type { Dashboard } from './dashboardView';

const minute = (iso: string, started: number, succeeded: number, failed: number) => ({
  minute: iso,
  started,
  succeeded,
  failed,
});

describe('dashboardView', () => {
  it('formats uptime at the scale that matters', () => {
    expect(formatUptime(45.7)).toBe('45 s');
    expect(formatUptime(12 * 60 + 5)).toBe('12 min');
    expect(formatUptime(3 * 3600 + 5 * 60)).toBe('3 h 05 min');
    expect(formatUptime(4 * 86_400 + 7 * 3600)).toBe('4 d 07 h');
    expect(formatUptime(-3)).toBe('0 s');
  });

  it('counts uptime on from the answer without trusting the local clock against the master', () => {
    const dashboard = { uptimeSeconds: 100 } as Dashboard;
    expect(uptimeNow(dashboard, 50_000, 60_000)).toBe(110);
    expect(uptimeNow(dashboard, 50_000, 40_000)).toBe(100);
  });

  it('turns the per-minute counts into chart series and hour totals', () => {
    const data = [minute('2026-01-01T10:00:00.000Z', 2, 1, 0), minute('2026-01-01T10:01:00.000Z', 3, 1, 2)];
    const series = perMinuteSeries(data);
    const label = (iso: string) => {
      const d = new Date(iso);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    };
    expect(series).toEqual({
      labels: [label(data[0]!.minute), label(data[1]!.minute)],
      started: [2, 3],
      succeeded: [1, 1],
      failed: [0, 2],
    });
    expect(hourTotals(data)).toEqual({ started: 5, succeeded: 2, failed: 2 });
  });

  it('adds up workers across states', () => {
    expect(
      workerTotal({ online: 2, busy: 1, draining: 0, disabled: 3, suspect: 0, offline: 1, outdated: 0 }),
    ).toBe(7);
  });
});
