import { describe, expect, it } from 'vitest';
import { describeUpdate, workerUpdateInput } from './workerSettings';
import { WorkerRow } from '../../master-core/protocol/api';

describe('scaleout workers set flags', () => {
  it('turns the flags into worker.update (MB to bytes, tags split and trimmed)', () => {
    expect(
      workerUpdateInput('w1', {
        name: ' w2 ',
        description: 'GPU box',
        tags: 'gpu, linux,,',
        maxTasks: '4',
        maxCpuPercent: '87.5',
        minFreeMemoryMb: '512',
      }),
    ).toEqual({
      name: 'w1',
      newName: 'w2',
      description: 'GPU box',
      tags: ['gpu', 'linux'],
      maxTasks: 4,
      maxCpuPercent: 87.5,
      minFreeMemoryBytes: 512 * 2 ** 20,
    });
    expect(workerUpdateInput('w1', { tags: '' })).toEqual({ name: 'w1', tags: [] });
  });

  it.each([
    [{ maxTasks: '0' }, /--max-tasks must be a whole number from 1 to 1024 \(got "0"\)/, 'maxTasks'],
    [{ maxTasks: '2.5' }, /--max-tasks must be a whole number/, 'maxTasks'],
    [{ maxCpuPercent: '101' }, /--max-cpu-percent must be a number from 1 to 100/, 'maxCpuPercent'],
    [{ minFreeMemoryMb: '-5' }, /--min-free-memory-mb must be a whole number from 0/, 'minFreeMemoryBytes'],
    [{ name: '   ' }, /--name cannot be blank/, 'newName'],
    [{ tags: `a,${'x'.repeat(65)}` }, /--tags: "x+" is longer than 64 characters/, 'tags'],
  ])('refuses %o naming the flag', (flags, message, field) => {
    expect(() => workerUpdateInput('w1', flags)).toThrow(message);
    expect(() => workerUpdateInput('w1', flags)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', field }),
    );
  });

  it('refuses a call that changes nothing', () => {
    expect(() => workerUpdateInput('w1', {})).toThrow(/nothing to change: give at least one of --name/);
  });

  it('says whether the worker has the settings already', () => {
    const worker = WorkerRow.parse({
      workerId: 'id',
      name: 'w2',
      machineName: 'box',
      tags: [],
      enabled: true,
      online: false,
      state: 'offline',
      maxTasks: 2,
      runningTasks: 0,
      cpuPercent: null,
      freeMemoryBytes: null,
      minFreeMemoryBytes: 3 * 2 ** 20,
      lastSeenAt: '2024-01-01T00:00:00Z',
    });
    expect(describeUpdate('w1', { worker, appliedLive: false })).toBe(
      'worker w1 (now w2) updated: tags (none), max 2 tasks, CPU <= 100%, free memory >= 3 MB; saved; the worker is offline and gets them when it next connects\n',
    );
    expect(describeUpdate('w2', { worker, appliedLive: true })).toMatch(
      /^worker w2 updated: .*; applied live\n$/,
    );
  });
});
