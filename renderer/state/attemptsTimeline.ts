import type { AttemptRow } from '../../master-core/protocol/api';

/** An execution's attempts on one time axis: where each bar starts and how wide it is. */

export type AttemptOutcome = AttemptRow['outcome'];
export type OutcomeColor = 'info' | 'success' | 'error' | 'warning' | 'secondary';

export const OUTCOMES: Readonly<
  Record<AttemptOutcome, { label: string; color: OutcomeColor; hint: string }>
> = {
  running: { label: 'Running', color: 'info', hint: 'still running' },
  succeeded: { label: 'Succeeded', color: 'success', hint: 'the package succeeded' },
  failed: { label: 'Failed', color: 'error', hint: 'the package failed' },
  canceled: { label: 'Canceled', color: 'warning', hint: 'stopped by an operator or a timeout' },
  lost: { label: 'Lost', color: 'secondary', hint: 'its worker vanished or its lease ran out' },
};

export interface AttemptBar {
  attempt: AttemptRow;
  /** Percent of the axis from its start. */
  leftPercent: number;
  widthPercent: number;
  durationMs: number;
}

export interface AttemptsAxis {
  startMs: number;
  endMs: number;
  bars: AttemptBar[];
}

/** Lays attempts on an axis from the first start to the last end (now for a running one). */
export function layoutAttempts(attempts: readonly AttemptRow[], nowMs: number): AttemptsAxis | null {
  const spans = attempts.flatMap((attempt) => {
    const start = Date.parse(attempt.startedAt);
    if (Number.isNaN(start)) return [];
    const parsedEnd = attempt.endedAt ? Date.parse(attempt.endedAt) : nowMs;
    const end = Number.isNaN(parsedEnd) ? start : Math.max(start, parsedEnd);
    return [{ attempt, start, end }];
  });
  if (spans.length === 0) return null;
  const startMs = Math.min(...spans.map((s) => s.start));
  const endMs = Math.max(...spans.map((s) => s.end));
  const width = Math.max(1, endMs - startMs);
  return {
    startMs,
    endMs,
    bars: spans.map(({ attempt, start, end }) => ({
      attempt,
      leftPercent: ((start - startMs) / width) * 100,
      widthPercent: ((end - start) / width) * 100,
      durationMs: end - start,
    })),
  };
}
