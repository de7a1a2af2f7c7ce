import type { WorkerRow } from '../../master-core/protocol/api';

/** A worker row as worker.list returns it, for tests; override what the test is about. */
export function workerRow(over: Partial<WorkerRow> = {}): WorkerRow {
  return {
    workerId: 'w1',
    name: 'etl-01',
    description: '',
    machineName: 'etl-01.example',
    tags: [],
    enabled: true,
    draining: false,
    state: 'online',
    stateReason: 'idle',
    online: true,
    maxTasks: 4,
    runningTasks: 0,
    cpuPercent: 3,
    freeMemoryBytes: 1e9,
    totalMemoryBytes: 4e9,
    freeDiskBytes: 5e10,
    loadAverage: null,
    maxCpuPercent: 100,
    minFreeMemoryBytes: 0,
    cpuCount: 2,
    os: 'linux',
    agentVersion: '0.1.0',
    lastSeenAt: '2026-11-29T03:00:00.000Z',
    ...over,
  };
}
