import { describe, expect, it } from 'vitest';
import { compareVersions, couldEverRun, whyNotEligible, workerState } from './workerState';
import type { WorkerFacts } from './workerState';

const base: WorkerFacts = {
  name: 'etl01',
  workerId: 'w1',
  tags: ['linux'],
  enabled: true,
  draining: false,
  connected: true,
  lastSeenMs: 100_000,
  nowMs: 101_000,
  heartbeatIntervalMs: 5_000,
  offlineAfterMs: 15_000,
  running: 0,
  maxTasks: 4,
  cpuPercent: 10,
  freeMemoryBytes: 8 * 2 ** 30,
  maxCpuPercent: 90,
  minFreeMemoryBytes: 2 ** 30,
  agentVersion: '0.2.0',
  minAgentVersion: '0.1.0',
};

describe('workerState', () => {
  it.each([
    [{}, 'online', 'idle'],
    [{ running: 2 }, 'online', 'running 2/4'],
    [{ running: 4 }, 'busy', 'busy 4/4'],
    [{ cpuPercent: 95 }, 'busy', 'CPU 95% > 90%'],
    [{ freeMemoryBytes: 2 ** 29 }, 'busy', 'free memory 512 MiB < 1024 MiB'],
    [{ enabled: false }, 'disabled', 'disabled: enable it to let it take work'],
    [{ draining: true, running: 1 }, 'draining', 'draining: 1 running, taking no new work'],
    [{ nowMs: 111_000 }, 'suspect', 'no heartbeat for 11 s (expected every 5 s)'],
    [{ nowMs: 130_000 }, 'offline', 'not connected; last seen 30 s ago'],
    [{ connected: false }, 'offline', 'not connected; last seen 1 s ago'],
    [{ agentVersion: '0.0.9' }, 'outdated', 'agent 0.0.9 is older than the 0.1.0 this master requires'],
  ] as const)('%o is %s (%s)', (change, state, reason) => {
    expect(workerState({ ...base, ...change })).toEqual({ state, reason });
  });
});

describe('whyNotEligible and couldEverRun', () => {
  it('says why targeting rules a worker out', () => {
    expect(whyNotEligible(base, { kind: 'tags', tags: ['gpu'] })).toBe(
      'tags do not match (needs gpu; has linux)',
    );
    expect(whyNotEligible(base, { kind: 'workers', names: ['etl02'] })).toBe(
      "not in the execution's worker list (etl02)",
    );
    expect(whyNotEligible(base, { kind: 'any' })).toBeNull();
    expect(whyNotEligible({ ...base, running: 4 }, { kind: 'any' })).toBe('busy 4/4');
  });
  it('flags executions no enabled worker could ever take', () => {
    expect(couldEverRun([base], { kind: 'tags', tags: ['gpu'] })).toBe(false);
    expect(couldEverRun([{ ...base, enabled: false }], { kind: 'any' })).toBe(false);
    expect(couldEverRun([{ ...base, connected: false, running: 4 }], { kind: 'any' })).toBe(true);
  });
  it('compares versions numerically', () => {
    expect(compareVersions('0.10.0', '0.9.3')).toBe(1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.2.3', '1.2.4')).toBe(-1);
  });
});
