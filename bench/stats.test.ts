import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const data = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(data, 50)).toBe(50);
    expect(percentile(data, 99)).toBe(99);
    expect(percentile(data, 100)).toBe(100);
  });
  it('summarizes unsorted samples', () => {
    expect(summarize([5, 1, 3])).toEqual({ n: 3, median: 3, p99: 5, min: 1, max: 5 });
  });
});
