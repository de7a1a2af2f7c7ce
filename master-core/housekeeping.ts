import type { Repos } from './catalog/repos';
import { createRetentionRepo } from './catalog/retentionRepo';
import type { Logger } from './logger';
import type { EventBus } from './eventBus';
import type { AgentGateway } from './gateway/agentGateway';
import type { Targeting } from './protocol/api';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Retention cleanup (SSIS's "Retention window" job, operation type 2): executions older than
 * RETENTION_WINDOW days are removed in small batches, each its own short transaction, yielding
 * between batches so dispatch and message writes are never held up for long.
 */
export async function runRetentionCleanup(
  repos: Repos,
  log: Logger,
  batchSize = 200,
  nowMs = Date.now(),
): Promise<number> {
  if ((await repos.properties.get('OPERATION_CLEANUP_ENABLED')) !== 'TRUE') return 0;
  const cutoffOf = async (property: string) =>
    new Date(nowMs - Number(await repos.properties.get(property)) * DAY_MS).toISOString();
  const retention = createRetentionRepo(repos.db);
  const inBatches = async (
    deleteBatch: (cutoff: string, size: number) => Promise<number>,
    cutoff: string,
  ) => {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch(cutoff, batchSize);
      total += deleted;
      if (deleted < batchSize) return total;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const cutoff = await cutoffOf('RETENTION_WINDOW');
  const total = await inBatches(retention.deleteBatch, cutoff);
  if (total > 0) log.info(`retention cleanup removed ${total} executions created before ${cutoff}`);
  const auditCutoff = await cutoffOf('AUDIT_RETENTION_WINDOW');
  const audit = await inBatches(retention.deleteAuditBatch, auditCutoff);
  if (audit > 0) log.info(`retention cleanup removed ${audit} audit entries written before ${auditCutoff}`);
  return total;
}

export interface RuntimeSweepDeps {
  repos: Repos;
  gateway: Pick<AgentGateway, 'cancelAttempt' | 'pump'>;
  bus: EventBus;
  explain: (
    targeting: Targeting,
  ) => Promise<{ workers: { name: string; eligible: boolean; reason: string }[] }>;
  log: Logger;
}

/**
 * Once a second: queued executions past their maximum queue wait fail with the reason no worker
 * took them; workers past their drain deadline have their remaining attempts stopped and retried
 * elsewhere (ended as lost, which counts against the retry count like any lost attempt).
 */
export function createRuntimeSweeper(deps: RuntimeSweepDeps): (nowMs: number) => Promise<void> {
  let sweeping = false;
  return async (nowMs) => {
    if (sweeping) return;
    sweeping = true;
    try {
      await sweepOnce(deps, nowMs);
    } catch (error) {
      deps.log.error(`runtime sweep failed: ${String(error)}`);
    } finally {
      sweeping = false;
    }
  };
}

async function sweepOnce(deps: RuntimeSweepDeps, nowMs: number): Promise<void> {
  {
    for (const { executionId, waitedMs } of await deps.repos.executionControl.overdue(nowMs)) {
      const execution = await deps.repos.executionQueries.get(executionId);
      const { workers } = await deps.explain(execution.targeting);
      const why =
        workers.length === 0
          ? 'no worker is registered'
          : workers.map((w) => `${w.name}: ${w.reason}`).join('; ');
      const failed = await deps.repos.executionControl.failQueued(
        executionId,
        `waited ${Math.round(waitedMs / 1000)} s in the queue, past its maximum queue wait; no worker took it (${why})`,
      );
      if (failed) deps.bus.emit({ type: 'execution:changed', execution: failed });
    }
    for (const worker of await deps.repos.workers.list()) {
      if (worker.draining !== 1 || worker.drain_deadline_ms === null || worker.drain_deadline_ms > nowMs)
        continue;
      await deps.repos.workers.setDraining(worker.worker_agent_id, null);
      for (const attemptId of await deps.repos.executionControl.liveAttempts(worker.worker_agent_id)) {
        deps.gateway.cancelAttempt(worker.worker_agent_id, attemptId, 'drain deadline reached');
      }
      const ended = await deps.repos.executionControl.loseAttemptsExcept(
        worker.worker_agent_id,
        [],
        'the worker reached its drain deadline',
      );
      for (const execution of ended) deps.bus.emit({ type: 'execution:changed', execution });
      deps.log.warn(
        `worker ${worker.display_name} reached its drain deadline: ${ended.length} attempts stopped`,
      );
      if (ended.length > 0) void deps.gateway.pump();
    }
  }
}
