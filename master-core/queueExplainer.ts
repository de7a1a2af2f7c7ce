import type { Targeting } from './protocol/api';
import type { WorkersRepo } from './catalog/workersRepo';
import type { WorkerSession } from './gateway/workerSession';
import { factsOf } from './gateway/workerFacts';
import type { FactsSettings } from './gateway/workerFacts';
import { couldEverRun, whyNotEligible, workerState } from './execution/workerState';
import type { WorkerExplanation } from './console/handlers/context';

/** Explains, for one execution's targeting, which workers could run it now and why the others cannot. */
export function createQueueExplainer(
  workers: WorkersRepo,
  sessions: ReadonlyMap<string, WorkerSession>,
  settings: FactsSettings,
) {
  return async (targeting: Targeting): Promise<{ workers: WorkerExplanation[]; neverRunnable: boolean }> => {
    const [records, running] = await Promise.all([workers.list(), workers.runningCounts()]);
    const now = Date.now();
    const facts = records.map((r) =>
      factsOf(r, sessions.get(r.worker_agent_id), running.get(r.worker_agent_id) ?? 0, settings, now),
    );
    return {
      neverRunnable: !couldEverRun(facts, targeting),
      workers: facts.map((f) => {
        const reason = whyNotEligible(f, targeting);
        return {
          name: f.name,
          state: workerState(f).state,
          eligible: reason === null,
          reason: reason ?? workerState(f).reason,
        };
      }),
    };
  };
}
