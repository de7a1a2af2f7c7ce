import { useCallback, useEffect, useRef, useState } from 'react';
import type { AttemptRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi, useConsoleEvents } from './useApi';

export interface ExecutionAttempts {
  attempts: AttemptRow[];
  loaded: boolean;
  error: string | null;
}

/**
 * An execution's attempts, oldest first, loaded again whenever the execution changes (a new
 * attempt starts or one ends) and when the events socket reconnects.
 */
export function useExecutionAttempts(executionId: number): ExecutionAttempts {
  const client = useApi();
  const [state, setState] = useState<ExecutionAttempts>({ attempts: [], loaded: false, error: null });
  const requestSeq = useRef(0);

  const load = useCallback(() => {
    const seq = ++requestSeq.current;
    client.call('execution.attempts', { executionId }).then(
      (out) => {
        if (seq === requestSeq.current) setState({ attempts: out.attempts, loaded: true, error: null });
      },
      (e: unknown) => {
        if (seq === requestSeq.current)
          setState((s) => ({ ...s, loaded: true, error: coerceError(e).message }));
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
    if (message.kind === 'status') {
      if (message.connected) load();
      return;
    }
    if (message.event.type === 'execution:changed' && message.event.execution.executionId === executionId)
      load();
  });

  return state;
}
