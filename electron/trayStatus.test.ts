import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient } from '../e2e/harness/client';
import { startTestMaster } from '../master-core/test/masterFixture';
import { readTrayStatus, summarizeTray } from './trayStatus';
import type { Dashboard } from './trayStatus';

const minutes = (failed: number[]) =>
  failed.map((n, i) => ({
    minute: new Date(Date.UTC(2026, 10, 29, 3, i)).toISOString(),
    started: 0,
    succeeded: 0,
    failed: n,
  }));

const dashboard = (over: Partial<Dashboard> = {}): Dashboard => ({
  startedAt: '2026-11-29T03:00:00.000Z',
  uptimeSeconds: 60,
  workersByState: { online: 1, busy: 1, draining: 0, disabled: 1, suspect: 0, offline: 2, outdated: 0 },
  queueDepth: 4,
  running: 3,
  executionsPerMinute: minutes([0, 0, 0]),
  ...over,
});

describe('the tray summary', () => {
  it('counts connected workers, running and queued work, and failures over the hour', () => {
    const status = summarizeTray(dashboard({ executionsPerMinute: minutes([1, 0, 2]) }));
    expect(status).toMatchObject({
      workersOnline: 3,
      workersTotal: 5,
      running: 3,
      queued: 4,
      failedLastHour: 3,
    });
    expect(status.lines).toEqual([
      'Workers: 3 of 5 online',
      'Executions: 3 running, 4 queued',
      'Failed in the last hour: 3',
    ]);
    expect(status.tooltip).toBe('Scale Out Console: 3 workers online, 3 running, 3 failed in the last hour');
    expect(status.severity).toBe('attention');
  });

  it('is calm when nothing failed and a worker is online, and not when no worker is', () => {
    expect(summarizeTray(dashboard()).severity).toBe('ok');
    const none = summarizeTray(
      dashboard({
        workersByState: { online: 0, busy: 0, draining: 0, disabled: 0, suspect: 0, offline: 1, outdated: 0 },
      }),
    );
    expect(none).toMatchObject({ workersOnline: 0, severity: 'attention' });
    expect(none.tooltip).toContain('0 workers online');
  });
});

describe('readTrayStatus against a real master', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  beforeAll(async () => {
    master = await startTestMaster();
  });
  afterAll(async () => {
    await master?.cleanup();
  });

  it('reads the dashboard of a fresh master: no workers, nothing running or failed', async () => {
    const status = await readTrayStatus(nodeClient(master.consoleUrl, master.consoleToken));
    expect(status).toMatchObject({
      workersOnline: 0,
      workersTotal: 0,
      running: 0,
      queued: 0,
      failedLastHour: 0,
    });
    expect(status.severity).toBe('attention');
  });
});
