import type { MessagesRepo } from '../catalog/messagesRepo';
import type { TaskEvent } from '../protocol/wire';

interface Pending {
  workerId: string;
  event: TaskEvent;
}

/**
 * Batches package events from all workers into one transaction per turn, so a chatty package
 * costs one commit per batch instead of one per message. `afterWrite` runs once per stored batch.
 */
export function createMessageWriter(
  messages: MessagesRepo,
  afterWrite: (workerId: string, events: TaskEvent[], touched: Set<number>) => void,
) {
  let queue: Pending[] = [];
  let writing: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const byWorker = new Map<string, TaskEvent[]>();
      for (const p of batch) byWorker.set(p.workerId, [...(byWorker.get(p.workerId) ?? []), p.event]);
      for (const [workerId, events] of byWorker) {
        const touched = await messages.insertBatch(workerId, events);
        afterWrite(workerId, events, touched);
      }
    }
  }

  function kick(): Promise<void> {
    if (!writing) {
      writing = drain().finally(() => {
        writing = null;
      });
    }
    return writing;
  }

  return {
    enqueue(workerId: string, event: TaskEvent): void {
      queue.push({ workerId, event });
      void kick().catch(() => undefined);
    },
    /** Resolves once everything enqueued before the call is stored. */
    async flush(): Promise<void> {
      while (writing || queue.length > 0) await kick();
    },
  };
}
