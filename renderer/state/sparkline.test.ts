import { describe, expect, it } from 'vitest';
import { sparklineSegments } from './sparkline';

const frame = { width: 100, height: 20, startMs: 0, endMs: 1000, min: 0, max: 100 };

describe('sparklineSegments', () => {
  it('maps time to x and value to y, larger values higher', () => {
    expect(
      sparklineSegments(
        [
          { timeMs: 0, value: 0 },
          { timeMs: 500, value: 50 },
          { timeMs: 1000, value: 100 },
        ],
        frame,
      ),
    ).toEqual(['0,20 50,10 100,0']);
  });

  it('breaks the line where a value is missing and clamps out-of-scale values', () => {
    expect(
      sparklineSegments(
        [
          { timeMs: 0, value: 150 },
          { timeMs: 100, value: 25 },
          { timeMs: 200, value: null },
          { timeMs: 300, value: -5 },
        ],
        frame,
      ),
    ).toEqual(['0,0 10,15', '30,20']);
  });

  it('leaves out points outside the time window', () => {
    expect(
      sparklineSegments(
        [
          { timeMs: -1, value: 10 },
          { timeMs: 2000, value: 10 },
        ],
        frame,
      ),
    ).toEqual([]);
  });
});
