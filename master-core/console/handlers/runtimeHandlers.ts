import type { Targeting } from '../../protocol/api';
import { MessageType } from '../../protocol/codes';
import type { HandlerDeps, HandlerGroup } from './context';

type RuntimeMethods =
  | 'worker.enable'
  | 'worker.disable'
  | 'worker.drain'
  | 'execution.stop'
  | 'execution.explain'
  | 'execution.preview';

/** Operator controls over workers and running executions. */
export function runtimeHandlers({
  repos,
  bus,
  runtime,
  listWorkers,
}: HandlerDeps): HandlerGroup<RuntimeMethods> {
  const workerChanged = async (workerId: string) => {
    const worker = (await listWorkers()).find((w) => w.workerId === workerId);
    if (worker) bus.emit({ type: 'worker:changed', worker });
  };
  return {
    'worker.enable': async (input) => {
      const worker = await repos.workers.find(input.name);
      await repos.workers.setEnabled(worker.worker_agent_id, true);
      runtime.updateWorker(worker.worker_agent_id, { enabled: true, draining: false });
      await workerChanged(worker.worker_agent_id);
      return {};
    },
    'worker.disable': async (input) => {
      const worker = await repos.workers.find(input.name);
      await repos.workers.setEnabled(worker.worker_agent_id, false);
      runtime.updateWorker(worker.worker_agent_id, { enabled: false, draining: worker.draining === 1 });
      await workerChanged(worker.worker_agent_id);
      return {};
    },
    'worker.drain': async (input) => {
      const worker = await repos.workers.find(input.name);
      const deadlineMs = input.deadlineSeconds ? Date.now() + input.deadlineSeconds * 1000 : null;
      await repos.workers.setDraining(worker.worker_agent_id, deadlineMs);
      runtime.updateWorker(worker.worker_agent_id, { enabled: worker.is_enabled === 1, draining: true });
      await workerChanged(worker.worker_agent_id);
      return {};
    },
    'execution.stop': async (input, ctx) => {
      const { execution, attempt } = await repos.executionControl.requestStop(
        input.executionId,
        ctx.principal,
      );
      if (attempt) runtime.cancelAttempt(attempt.workerId, attempt.attemptId, `stopped by ${ctx.principal}`);
      bus.emit({ type: 'execution:changed', execution });
      return { execution };
    },
    'execution.explain': async (input) => {
      const execution = await repos.executionQueries.get(input.executionId);
      const { workers, neverRunnable } = await runtime.explain(execution.targeting);
      return {
        status: execution.status,
        eligibleWorkers: workers.filter((w) => w.eligible).length,
        neverRunnable,
        workers,
      };
    },
    'execution.preview': async (input) => {
      const { workers, neverRunnable } = await runtime.explain(input.targeting);
      return { eligibleWorkers: workers.filter((w) => w.eligible).length, neverRunnable, workers };
    },
  };
}

/** Says at once, in the execution's messages, when no enabled worker could ever take it. */
export async function flagIfNeverRunnable(
  deps: HandlerDeps,
  executionId: number,
  targeting?: Targeting,
): Promise<void> {
  // The common case answered in memory: a connected worker may run it (it may be busy: not "never").
  if (targeting && deps.runtime.someoneMayRun?.(targeting)) return;
  const execution = targeting ? { targeting } : await deps.repos.executionQueries.get(executionId);
  const { neverRunnable, workers } = await deps.runtime.explain(execution.targeting);
  if (!neverRunnable) return;
  const why =
    workers.length === 0
      ? 'no worker is registered'
      : workers.map((w) => `${w.name}: ${w.reason}`).join('; ');
  await deps.repos.executionControl.note(
    executionId,
    MessageType.warning,
    `No enabled worker can run this execution as it is targeted (${why}). It stays queued.`,
  );
}
