import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { openCatalog } from '../catalog/openCatalog';
import { ExecutionStatus } from '../protocol/codes';
import type { MasterTimings } from '../createMaster';
import { echoProject } from './catalogApi.fixture';
import { agentHello } from './agentHello';
import { agentTlsOptions, startTestMaster } from './masterFixture';
import { connectScriptedAgent, finishedReport, takeTask, welcomedAgent } from './scriptedAgent';

/**
 * A worker whose connection closes has the reconnect grace (default 1.5 heartbeats) to come back
 * before its attempts end as lost and are retried, not the whole lease (30 s by default): a dead
 * worker's work moves on sooner, a worker back in time keeps it. A closing master shortens
 * nothing, and a starting one gives every live attempt a full lease to let its worker reconnect.
 */

const LONG_LEASE = 60_000;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function master(timings: Partial<MasterTimings>, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'scaleout-grace-'));
  if (!dataDir) dirs.push(dir);
  // No cleanup(): the directory outlives a master the test restarts on it.
  const m = await startTestMaster({
    dataDir: dir,
    timings: { heartbeatIntervalMs: 5_000, leaseMs: LONG_LEASE, sweepIntervalMs: 50, ...timings },
  });
  return { ...m, client: nodeClient(m.consoleUrl, m.consoleToken) };
}

type TestMaster = Awaited<ReturnType<typeof master>>;

/** A scripted agent that takes one execution of Echo/Say and holds it (started, not finished). */
async function holdOne(m: TestMaster, workerId: string, retryCount: number) {
  await m.client.call('folder.create', { name: 'F' }).catch(() => undefined);
  await m.client.call('project.deploy', { folderName: 'F', bundle: echoProject() });
  const agent = await welcomedAgent(m, { workerId, name: workerId });
  const { executionId } = await m.client.call('execution.create', {
    folderName: 'F',
    projectName: 'Echo',
    packageName: 'Say',
    parameters: { Target: 'x' },
    retryCount,
  });
  const attemptId = await takeTask(agent);
  agent.send({ type: 'task.started', attemptId, pid: 4242 });
  await waitForExecution(m.client, executionId, (e) => e.status === ExecutionStatus.running);
  const finished = finishedReport(attemptId);
  return { agent, executionId, attemptId, finished };
}

async function leaseOf(catalogFile: string, attemptId: string): Promise<number> {
  const db = await openCatalog(catalogFile);
  try {
    const row = await db.get<{ lease_expires_ms: number }>(
      'SELECT lease_expires_ms FROM attempts WHERE attempt_id = ?',
      [attemptId],
    );
    return row!.lease_expires_ms;
  } finally {
    await db.close();
  }
}

describe('the reconnect grace', () => {
  it('lets a worker that is back in time keep its attempt and finish it', async () => {
    const m = await master({ reconnectGraceMs: 30_000 });
    try {
      const { agent, executionId, finished } = await holdOne(m, 'w-back', 0);
      await agent.close();
      const again = await connectScriptedAgent(m.agentUrl, agentTlsOptions(m));
      again.send(
        agentHello(m.agentToken, {
          agentVersion: '99.0.0',
          workerId: 'w-back',
          name: 'w-back',
          runningAttemptIds: [finished.attemptId],
        }),
      );
      await again.next((f) => f.type === 'master.welcome');
      again.send(finished);
      await again.next((f) => f.type === 'task.ack' && f.finished === true);
      const { execution } = await m.client.call('execution.get', { executionId });
      expect(execution).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1 });
      await again.close();
    } finally {
      await m.close();
    }
  });

  it("retries a worker's attempt when it is not back within the grace, long before its lease ends", async () => {
    const m = await master({ reconnectGraceMs: 300 });
    try {
      const { agent, executionId, attemptId, finished } = await holdOne(m, 'w-dead', 1);
      const closedAt = Date.now();
      await agent.close();
      // Retried on the grace, not on the 60 s lease: attempt 1 lost, the execution queued again.
      await expect
        .poll(async () => (await m.client.call('execution.attempts', { executionId })).attempts[0]?.outcome, {
          timeout: LONG_LEASE / 2,
        })
        .toBe('lost');
      expect(Date.now() - closedAt).toBeLessThan(LONG_LEASE);
      const { execution } = await m.client.call('execution.get', { executionId });
      expect(execution.status).toBe(ExecutionStatus.pending);
      const { attempts: rows } = await m.client.call('execution.attempts', { executionId });
      expect(rows[0]).toMatchObject({ attemptNumber: 1, outcome: 'lost' });

      // Back too late: its report of that attempt is refused, the retry stands.
      const late = await connectScriptedAgent(m.agentUrl, agentTlsOptions(m));
      late.send(
        agentHello(m.agentToken, {
          agentVersion: '99.0.0',
          workerId: 'w-dead',
          name: 'w-dead',
          runningAttemptIds: [attemptId],
        }),
      );
      await late.next((f) => f.type === 'master.welcome');
      late.send(finished);
      const refused = await late.next((f) => f.type === 'task.rejected' && f.attemptId === attemptId);
      expect(refused.reason).toMatch(/fenced/);
      await late.close();
    } finally {
      await m.close();
    }
  });

  it('is not given when the master itself closes, and a starting master gives a full lease', async () => {
    const first = await master({ reconnectGraceMs: 300 });
    const { agent, attemptId } = await holdOne(first, 'w-stays', 0);
    const before = await leaseOf(first.catalogFile, attemptId);
    await first.close(); // (it closes the agent's connection too)
    expect(agent.frames.length).toBeGreaterThan(0);
    // Closing the master left the lease as it was (not 300 ms).
    const afterClose = await leaseOf(first.catalogFile, attemptId);
    expect(afterClose).toBeGreaterThanOrEqual(before);

    // The master was down longer than the lease: a starting master gives it a full lease again.
    const db = await openCatalog(first.catalogFile);
    await db.run('UPDATE attempts SET lease_expires_ms = ? WHERE attempt_id = ?', [
      Date.now() - 1_000,
      attemptId,
    ]);
    await db.close();
    const startedAt = Date.now();
    const second = await master({ reconnectGraceMs: 300 }, first.dataDir);
    try {
      expect(await leaseOf(second.catalogFile, attemptId)).toBeGreaterThanOrEqual(startedAt + LONG_LEASE);
      // Several sweeps later it is still running, waiting for its worker.
      await new Promise((r) => setTimeout(r, 300));
      const { attempts } = await second.client.call('execution.attempts', {
        executionId: (await second.client.call('execution.list', {})).executions[0]!.executionId,
      });
      expect(attempts.map((a) => a.outcome)).toEqual(['running']);
    } finally {
      await second.close();
    }
  });
});
