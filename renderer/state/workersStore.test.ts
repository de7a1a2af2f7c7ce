import { describe, expect, it } from 'vitest';
import type { WorkerRow } from '../../master-core/protocol/api';
import { upsertWorker } from './workersStore';

function worker(workerId: string, name: string, online = true): WorkerRow {
  return {
    workerId,
    name,
    machineName: `${name}-host`,
    tags: [],
    enabled: true,
    online,
    maxTasks: 4,
    runningTasks: 0,
    cpuPercent: null,
    freeMemoryBytes: null,
    lastSeenAt: '2026-01-01T00:00:00.000Z',
    description: '',
    draining: false,
    state: online ? 'online' : 'offline',
    stateReason: online ? 'idle' : 'not connected',
    freeDiskBytes: null,
    loadAverage: null,
    maxCpuPercent: 100,
    minFreeMemoryBytes: 0,
    totalMemoryBytes: 0,
    cpuCount: 1,
    os: 'linux x64',
    agentVersion: '0.1.0',
  };
}

describe('upsertWorker', () => {
  it('adds a worker sorted by name', () => {
    const list = upsertWorker([worker('1', 'beta'), worker('2', 'delta')], worker('3', 'Charlie'));
    expect(list.map((w) => w.name)).toEqual(['beta', 'Charlie', 'delta']);
  });

  it('replaces a worker matched by id', () => {
    const list = upsertWorker([worker('1', 'beta'), worker('2', 'delta')], worker('2', 'delta', false));
    expect(list).toHaveLength(2);
    expect(list.find((w) => w.workerId === '2')?.online).toBe(false);
  });
});
