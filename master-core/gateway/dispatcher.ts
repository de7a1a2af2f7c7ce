import type { ExecutionsRepo } from '../catalog/executionsRepo';
import type { EventBus } from '../eventBus';
import type { Logger } from '../logger';
import type { WorkerSession } from './workerSession';
import { workerState } from '../execution/workerState';
import { sessionFacts } from './workerFacts';
import type { FactsSettings } from './workerFacts';

/**
 * Pull with credit: each session holds the number of tasks its agent asked for. pump() hands
 * queued executions to sessions with credit, least loaded first, until nothing more fits.
 * Called whenever work or credit appears, so there is no polling delay.
 */
export function createDispatcher(deps: {
  executions: ExecutionsRepo;
  sessions: () => Iterable<WorkerSession>;
  bus: EventBus;
  log: Logger;
  leaseMs: () => number;
  facts: FactsSettings;
}) {
  let running = false;
  let again = false;

  async function pumpOnce(): Promise<void> {
    // Most passes (a heartbeat, credit from an idle fleet) find nothing queued: one read, not a
    // look at every session and a claim transaction.
    if (!(await deps.executions.anyQueued())) return;
    const now = Date.now();
    const eligible = [...deps.sessions()]
      .filter((s) => s.credit > 0 && workerState(sessionFacts(s, deps.facts, now)).state === 'online')
      .sort((a, b) => load(a) - load(b));
    for (const session of eligible) {
      while (
        session.credit > 0 &&
        session.socket.readyState === session.socket.OPEN &&
        workerState(sessionFacts(session, deps.facts, Date.now())).state === 'online'
      ) {
        const claim = await deps.executions.claimNext(
          {
            workerId: session.workerId,
            name: session.name,
            tags: session.tags,
            machineName: session.machine.hostname,
          },
          deps.leaseMs(),
        );
        if (!claim) break;
        session.credit -= 1;
        session.assigned.add(claim.assignment.attemptId);
        session.send({ type: 'task.assign', task: claim.assignment });
        deps.bus.emit({ type: 'execution:changed', execution: claim.execution });
        deps.log.debug(`execution ${claim.assignment.executionId} assigned to ${session.name}`);
      }
    }
  }

  /** Runs a dispatch pass; a request during a pass schedules exactly one more pass. */
  async function pump(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await pumpOnce();
      } while (again);
    } catch (error) {
      deps.log.error(`dispatch failed: ${String(error)}`);
    } finally {
      running = false;
    }
  }

  return { pump };
}

function load(session: WorkerSession): number {
  return session.assigned.size / Math.max(1, session.maxTasks);
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
