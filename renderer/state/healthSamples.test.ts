import { describe, expect, it } from 'vitest';
import type { HealthSample } from '../../master-core/protocol/api';
import {
  HEALTH_WINDOW_MS,
  healthSeries,
  memoryUsedPercent,
  mergeSamples,
  sampleFromWorker,
} from './healthSamples';
import { workerRow } from './workerFixture';

const s = (timeMs: number, cpuPercent = 10): HealthSample => ({
  timeMs,
  cpuPercent,
  freeMemoryBytes: 100,
  freeDiskBytes: null,
  runningTasks: 0,
});
const times = (samples: readonly HealthSample[]) => samples.map((x) => x.timeMs);

describe('healthSamples', () => {
  it('takes the sample a live worker row carries, and none from an offline row', () => {
    const row = workerRow({ cpuPercent: 42, freeMemoryBytes: 7, freeDiskBytes: 9, runningTasks: 2 });
    expect(sampleFromWorker(row)).toEqual({
      timeMs: Date.parse(row.lastSeenAt),
      cpuPercent: 42,
      freeMemoryBytes: 7,
      freeDiskBytes: 9,
      runningTasks: 2,
    });
    expect(sampleFromWorker(workerRow({ cpuPercent: null }))).toBeNull();
    expect(sampleFromWorker(workerRow({ lastSeenAt: 'garbage' }))).toBeNull();
  });

  it('merges in time order and counts one heartbeat once, the later-added sample winning', () => {
    const merged = mergeSamples([s(10_000), s(20_000, 1)], [s(20_400, 99), s(15_000)], { nowMs: 30_000 });
    expect(times(merged)).toEqual([10_000, 15_000, 20_400]);
    expect(merged[2]?.cpuPercent).toBe(99);
  });

  it('keeps only the window and at most the cap, newest kept', () => {
    const now = 100 * 60_000;
    const old = s(now - HEALTH_WINDOW_MS - 1);
    const merged = mergeSamples([old], [s(now - 3000), s(now - 2000), s(now - 1000)], { nowMs: now, cap: 2 });
    expect(times(merged)).toEqual([now - 2000, now - 1000]);
  });

  it('returns the same buffer when nothing changes, so rows need not re-render', () => {
    const buffer = mergeSamples([], [s(1000), s(5000)], { nowMs: 6000 });
    expect(mergeSamples(buffer, [], { nowMs: 6000 })).toBe(buffer);
    expect(mergeSamples(buffer, [buffer[1]!], { nowMs: 6000 })).toBe(buffer);
  });

  it('computes the share of memory used, null without a total', () => {
    expect(memoryUsedPercent(1e9, 4e9)).toBe(75);
    expect(memoryUsedPercent(1e9, 0)).toBeNull();
    expect(memoryUsedPercent(null, 4e9)).toBeNull();
  });

  it('builds the sparkline series: memory in percent with a total, in bytes without', () => {
    const samples = [
      { ...s(1000, 20), freeMemoryBytes: 1e9, freeDiskBytes: 3e9 },
      { ...s(6000, 40), freeMemoryBytes: 3e9, freeDiskBytes: null },
    ];
    expect(healthSeries(samples, 4e9)).toEqual({
      cpu: [
        { timeMs: 1000, value: 20 },
        { timeMs: 6000, value: 40 },
      ],
      memory: [
        { timeMs: 1000, value: 75 },
        { timeMs: 6000, value: 25 },
      ],
      disk: [
        { timeMs: 1000, value: 3e9 },
        { timeMs: 6000, value: null },
      ],
      memoryMax: 100,
      diskMax: 3e9,
    });
    const bytes = healthSeries(samples, 0);
    expect(bytes.memory.map((p) => p.value)).toEqual([1e9, 3e9]);
    expect(bytes.memoryMax).toBe(3e9);
    expect(healthSeries([], 0)).toMatchObject({ memoryMax: 1, diskMax: 1 });
  });
});
