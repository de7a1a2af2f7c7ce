import { describe, expect, it } from 'vitest';
import { dataFlowRows, timelineOf } from './statisticsLayout';

const row = (path: string, start: number, end: number, result = 0, attemptNumber = 1) => ({
  attemptNumber,
  executionPath: path,
  taskName: path.split('\\').at(-1)!,
  startTime: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, start)).toISOString(),
  endTime: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, end)).toISOString(),
  durationMs: end - start,
  executionResult: result,
});

describe('timelineOf', () => {
  it('places every run on one axis, ordered by attempt and start, containers before their tasks', () => {
    const { bars, spanMs } = timelineOf([
      row('\\Package\\Seq\\B', 500, 1000, 1),
      row('\\Package', 0, 1000),
      row('\\Package\\Seq', 200, 1000),
      row('\\Package\\A', 0, 200),
      row('\\Package\\A', 0, 10, 0, 2),
    ]);
    expect(spanMs).toBe(1000);
    expect(
      bars.map((b) => [b.attemptNumber, b.label, b.depth, b.leftPercent, b.widthPercent, b.result]),
    ).toEqual([
      [1, 'Package', 0, 0, 100, 'Success'],
      [1, 'A', 1, 0, 20, 'Success'],
      [1, 'Seq', 1, 20, 80, 'Success'],
      [1, 'B', 2, 50, 50, 'Failure'],
      [2, 'A', 1, 0, 1, 'Success'],
    ]);
  });

  it('gives a run too short to see a sliver, and an empty list no axis', () => {
    const { bars } = timelineOf([row('\\Package', 0, 10_000), row('\\Package\\Quick', 5_000, 5_001)]);
    expect(bars[1]!.widthPercent).toBe(0.5);
    expect(timelineOf([])).toEqual({ bars: [], spanMs: 0 });
  });
});

describe('dataFlowRows', () => {
  it('splits rows per path from component times, slowest component first', () => {
    const out = dataFlowRows([
      {
        attemptNumber: 1,
        taskPath: '\\Package\\Load',
        name: 'Src.Output -> Dst.Input',
        rowsSent: 10,
        elapsedMs: null,
      },
      { attemptNumber: 1, taskPath: '\\Package\\Load', name: 'Src', rowsSent: null, elapsedMs: 5 },
      { attemptNumber: 1, taskPath: '\\Package\\Load', name: 'Dst', rowsSent: null, elapsedMs: 50 },
    ]);
    expect(out.paths).toEqual([
      { id: 'p0', attemptNumber: 1, taskPath: '\\Package\\Load', path: 'Src.Output -> Dst.Input', rows: 10 },
    ]);
    expect(out.components.map((c) => c.component)).toEqual(['Dst', 'Src']);
  });
});
