// master.dashboard: uptime, the fleet by state (as worker.list says), the queue, what runs now and
// executions per minute over the last hour, through the real console API.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../protocol/apiClient';
import { WORKER_STATES } from '../protocol/api';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import { openCatalog } from '../catalog/openCatalog';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

const MINUTE = 60_000;
const hello = { folderName: 'Samples', projectName: 'HelloScaleOut' };

describe('master.dashboard', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    master = await startTestMaster({
      timings: { heartbeatIntervalMs: 200, offlineAfterMs: 1_500, sweepIntervalMs: 100 },
    });
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.cleanup();
  });

  it('says when this master started and for how long it has run', async () => {
    const before = Date.now();
    const dashboard = await client.call('master.dashboard', {});
    const state = JSON.parse(readFileSync(join(master.dataDir, 'master.json'), 'utf8')) as {
      startedAt: string;
    };
    expect(dashboard.startedAt).toBe(state.startedAt);
    const expected = (before - Date.parse(dashboard.startedAt)) / 1000;
    expect(dashboard.uptimeSeconds).toBeGreaterThanOrEqual(Math.floor(expected));
    expect(dashboard.uptimeSeconds).toBeLessThanOrEqual(expected + 5);
  });

  it('counts executions per UTC minute over the last hour, every minute present, oldest first', async () => {
    // Seeded straight into the catalog at known minutes; one just outside the hour is left out.
    // Not in a minute's last seconds, so the minute does not turn between seeding and asking.
    const left = MINUTE - (Date.now() % MINUTE);
    if (left < 5_000) await new Promise((r) => setTimeout(r, left + 50));
    const now = Date.now();
    const minute = (ago: number) => Math.floor(now / MINUTE) * MINUTE - ago * MINUTE;
    const seed: [startAgo: number, endAgo: number | null, status: number][] = [
      [0, 0, ExecutionStatus.succeeded],
      [3, 2, ExecutionStatus.failed],
      [3, 2, ExecutionStatus.endedUnexpectedly],
      [3, 1, ExecutionStatus.succeeded],
      [3, null, ExecutionStatus.running],
      [59, 58, ExecutionStatus.canceled],
      [60, 59, ExecutionStatus.succeeded],
    ];
    const db = await openCatalog(master.catalogFile);
    try {
      for (const [startAgo, endAgo, status] of seed) {
        await db.run(
          `INSERT INTO executions (folder_name, project_name, package_name, status, created_time, start_time, end_time,
             created_by, targeting_json) VALUES ('Seed', 'P', 'Q', ?, ?, ?, ?, 'test', '{"kind":"any"}')`,
          [
            status,
            new Date(minute(startAgo) + 1_000).toISOString(),
            new Date(minute(startAgo) + 1_500).toISOString(),
            endAgo === null ? null : new Date(minute(endAgo) + 30_000).toISOString(),
          ],
        );
      }
    } finally {
      await db.close();
    }
    const { executionsPerMinute } = await client.call('master.dashboard', {});
    expect(Math.floor(Date.now() / MINUTE) * MINUTE, 'the minute turned while seeding').toBe(minute(0));
    expect(executionsPerMinute).toHaveLength(60);
    expect(executionsPerMinute.map((m) => Date.parse(m.minute))).toEqual(
      Array.from({ length: 60 }, (_, i) => minute(59 - i)),
    );
    expect(executionsPerMinute.every((m) => m.minute.endsWith(':00.000Z'))).toBe(true);
    const at = (ago: number) => executionsPerMinute[59 - ago]!;
    expect(at(0)).toMatchObject({ started: 1, succeeded: 1, failed: 0 });
    expect(at(1)).toMatchObject({ started: 0, succeeded: 1, failed: 0 });
    expect(at(2)).toMatchObject({ started: 0, succeeded: 0, failed: 2 });
    expect(at(3)).toMatchObject({ started: 4, succeeded: 0, failed: 0 });
    expect(at(58)).toMatchObject({ started: 0, succeeded: 0, failed: 0 });
    expect(at(59)).toMatchObject({ started: 1, succeeded: 1, failed: 0 });
    const total = (key: 'started' | 'succeeded' | 'failed') =>
      executionsPerMinute.reduce((sum, m) => sum + m[key], 0);
    expect([total('started'), total('succeeded'), total('failed')]).toEqual([7 - 1, 3, 2]);
  });

  it('counts workers by state exactly as worker.list, the queue, and what runs now', async () => {
    workers.push(await startWorker(master, 'runner', ['--max-tasks', '1']));
    workers.push(await startWorker(master, 'parked', ['--max-tasks', '1']));
    await client.call('worker.disable', { name: 'parked' });
    const gone = await startWorker(master, 'gone', ['--max-tasks', '1']);
    await gone.stop('SIGKILL');

    const queued = [];
    for (let i = 0; i < 3; i += 1) {
      queued.push(
        (
          await client.call('execution.create', {
            ...hello,
            packageName: 'Hello',
            targeting: { kind: 'workers', names: ['nobody'] },
          })
        ).executionId,
      );
    }
    const { executionId } = await client.call('execution.create', {
      ...hello,
      packageName: 'Countdown',
      parameters: { Seconds: 30 },
      targeting: { kind: 'workers', names: ['runner'] },
    });
    await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);
    await expect
      .poll(async () => (await client.call('master.dashboard', {})).workersByState.offline, {
        timeout: 5_000,
      })
      .toBe(1);

    const dashboard = await client.call('master.dashboard', {});
    const { workers: rows } = await client.call('worker.list', {});
    expect(Object.keys(dashboard.workersByState).sort()).toEqual([...WORKER_STATES].sort());
    for (const state of WORKER_STATES) {
      expect(dashboard.workersByState[state], state).toBe(rows.filter((w) => w.state === state).length);
    }
    expect(dashboard.workersByState).toMatchObject({ busy: 1, disabled: 1, offline: 1, online: 0 });
    expect(dashboard.queueDepth).toBe(3);
    expect(dashboard.running).toBe(1);

    await client.call('execution.stop', { executionId });
    for (const id of queued) await client.call('execution.stop', { executionId: id });
    await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    const after = await client.call('master.dashboard', {});
    expect([after.queueDepth, after.running]).toEqual([0, 0]);
  });
});
