import { describe, expect, it } from 'vitest';
import {
  durationMs,
  formatBytes,
  formatClockTime,
  formatDuration,
  formatPercent,
  formatTime,
} from './displayFormat';

describe('displayFormat', () => {
  it('formats times in local time, tolerating bad input', () => {
    const local = new Date(2026, 0, 31, 8, 5, 9).toISOString();
    expect(formatTime(local)).toBe('2026-01-31 08:05:09');
    expect(formatTime(null)).toBe('');
    expect(formatTime('yesterday')).toBe('yesterday');
  });

  it('measures durations to the end, or to now while running', () => {
    expect(durationMs('2026-01-01T00:00:00Z', '2026-01-01T00:00:02.5Z', 0)).toBe(2500);
    expect(durationMs('2026-01-01T00:00:00Z', null, Date.parse('2026-01-01T00:01:00Z'))).toBe(60_000);
    expect(durationMs(null, null, 0)).toBeNull();
  });

  it('formats durations', () => {
    expect(formatDuration(null)).toBe('');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_384_000)).toBe('2h 03m 04s');
  });

  it('formats sizes and percentages', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GB');
    expect(formatBytes(null)).toBe('');
    expect(formatPercent(12.345)).toBe('12.3 %');
    expect(formatPercent(null)).toBe('');
  });
});

describe('formatClockTime', () => {
  it('shows local time to the millisecond', () => {
    expect(formatClockTime(new Date(2026, 0, 31, 8, 5, 9, 42).toISOString())).toBe('08:05:09.042');
    expect(formatClockTime('later')).toBe('later');
  });
});
