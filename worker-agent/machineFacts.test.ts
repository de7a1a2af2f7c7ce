import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { WorkerHealth } from '../master-core/protocol/wire';
import { createHealthProbe, freeDiskBytes, overLimits } from './machineFacts';

const sample = { cpuPercent: 50, freeMemoryBytes: 4 * 2 ** 30 };

describe('machine health', () => {
  it('samples CPU, memory, free disk, load and uptime within the wire schema', () => {
    const health = { ...createHealthProbe(tmpdir())(), runningAttemptIds: [] };
    expect(WorkerHealth.safeParse(health).success).toBe(true);
    expect(health.totalMemoryBytes).toBeGreaterThan(0);
    expect(health.freeMemoryBytes).toBeLessThanOrEqual(health.totalMemoryBytes!);
    expect(health.freeDiskBytes).toBeGreaterThan(0);
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('leaves free disk out when the directory cannot be examined', () => {
    expect(freeDiskBytes('/no/such/dir/anywhere')).toBeUndefined();
  });

  it('names the limit that stops the worker asking for work', () => {
    const limits = { maxCpuPercent: 80, minFreeMemoryBytes: 2 ** 30 };
    expect(overLimits(sample, limits)).toBeNull();
    expect(overLimits({ ...sample, cpuPercent: 80 }, limits)).toBeNull();
    expect(overLimits({ ...sample, cpuPercent: 93.4 }, limits)).toBe('CPU at 93% is above the 80% ceiling');
    expect(overLimits({ ...sample, freeMemoryBytes: 2 ** 29 }, limits)).toBe(
      'free memory 512 MiB is below the 1024 MiB floor',
    );
    // 100% means no ceiling: a machine at full load still takes what fits its task slots.
    expect(
      overLimits({ ...sample, cpuPercent: 100 }, { maxCpuPercent: 100, minFreeMemoryBytes: 0 }),
    ).toBeNull();
  });
});
