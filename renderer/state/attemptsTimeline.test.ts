import { describe, expect, it } from 'vitest';
import type { AttemptRow } from '../../master-core/protocol/api';
import { layoutAttempts } from './attemptsTimeline';

const attempt = (
  n: number,
  startedAt: string,
  endedAt: string | null,
  outcome: AttemptRow['outcome'],
): AttemptRow => ({
  attemptNumber: n,
  workerId: `w${n}`,
  workerName: `etl-0${n}`,
  machineName: null,
  outcome,
  startedAt,
  endedAt,
  exitCode: null,
  error: outcome === 'failed' ? 'boom' : null,
});

describe('layoutAttempts', () => {
  it('puts every attempt on one axis from the first start to the last end', () => {
    const axis = layoutAttempts(
      [
        attempt(1, '2026-11-29T10:00:00.000Z', '2026-11-29T10:00:10.000Z', 'failed'),
        attempt(2, '2026-11-29T10:00:30.000Z', '2026-11-29T10:00:40.000Z', 'succeeded'),
      ],
      0,
    )!;
    expect(axis.endMs - axis.startMs).toBe(40_000);
    expect(axis.bars.map((b) => [b.leftPercent, b.widthPercent, b.durationMs])).toEqual([
      [0, 25, 10_000],
      [75, 25, 10_000],
    ]);
  });

  it('runs a running attempt up to now, and has nothing to lay out without attempts', () => {
    const now = Date.parse('2026-11-29T10:00:20.000Z');
    const axis = layoutAttempts(
      [
        attempt(1, '2026-11-29T10:00:00.000Z', '2026-11-29T10:00:05.000Z', 'lost'),
        attempt(2, '2026-11-29T10:00:10.000Z', null, 'running'),
      ],
      now,
    )!;
    expect(axis.bars[1]).toMatchObject({ leftPercent: 50, widthPercent: 50, durationMs: 10_000 });
    expect(layoutAttempts([], now)).toBeNull();
  });
});
