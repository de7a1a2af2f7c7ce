import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi, useConsoleEvents } from './useApi';

/** One execution, loaded by id and kept current by execution:changed events. */
export function useExecution(executionId: number): { execution: ExecutionRow | null; error: string | null } {
  const client = useApi();
  const [execution, setExecution] = useState<ExecutionRow | null>(null);
  const [error, setError] = useState<string | null>(null);
  const requestSeq = useRef(0);

  const load = useCallback(() => {
    const seq = ++requestSeq.current;
    client.call('execution.get', { executionId }).then(
      (out) => {
        if (seq !== requestSeq.current) return;
        setExecution(out.execution);
        setError(null);
      },
      (e: unknown) => {
        if (seq === requestSeq.current) setError(coerceError(e).message);
      },
    );
  }, [client, executionId]);

  useEffect(() => {
    load();
    return () => {
      requestSeq.current += 1;
    };
  }, [load]);

  useConsoleEvents((message) => {
    if (message.kind === 'status' && message.connected) load();
    if (message.kind !== 'event' || message.event.type !== 'execution:changed') return;
    if (message.event.execution.executionId !== executionId) return;
    // An event is newer than any answer still on its way, so that answer is dropped.
    requestSeq.current += 1;
    setExecution(message.event.execution);
    setError(null);
  });

  return { execution, error };
}
