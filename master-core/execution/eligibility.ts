import type { Targeting } from '../protocol/api';

export interface WorkerIdentity {
  workerId: string;
  name: string;
  tags: readonly string[];
}

/** Whether an execution's machine selection allows this worker (SSIS: any worker, or a list). */
export function isTargetAllowed(targeting: Targeting, worker: WorkerIdentity): boolean {
  switch (targeting.kind) {
    case 'any':
      return true;
    case 'workers':
      return targeting.names.some(
        (n) => n.toLowerCase() === worker.name.toLowerCase() || n === worker.workerId,
      );
    case 'tags': {
      const have = new Set(worker.tags.map((t) => t.toLowerCase()));
      return targeting.tags.every((t) => have.has(t.toLowerCase()));
    }
  }
}

export type AttemptOutcome = 'succeeded' | 'failed' | 'lost';

/** What happens to an execution when one attempt ends (SSIS: MaxExecutedCount = retry_count + 1). */
export function retryDecision(
  outcome: AttemptOutcome,
  executedCount: number,
  retryCount: number,
): { status: 'succeeded' } | { status: 'retry' } | { status: 'failed' } | { status: 'endedUnexpectedly' } {
  if (outcome === 'succeeded') return { status: 'succeeded' };
  if (executedCount < retryCount + 1) return { status: 'retry' };
  return outcome === 'lost' ? { status: 'endedUnexpectedly' } : { status: 'failed' };
}
