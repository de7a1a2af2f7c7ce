import { useEffect, useState } from 'react';
import type { ExecutionParameterRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi } from './useApi';

export interface ExecutionParameters {
  parameters: ExecutionParameterRow[];
  loaded: boolean;
  error: string | null;
}

/** The parameter values an execution runs with (fixed when it is created; sensitive ones never returned). */
export function useExecutionParameters(executionId: number): ExecutionParameters {
  const client = useApi();
  const [state, setState] = useState<ExecutionParameters>({ parameters: [], loaded: false, error: null });
  useEffect(() => {
    let current = true;
    client.call('execution.parameters', { executionId }).then(
      (out) => {
        if (current) setState({ parameters: out.parameters, loaded: true, error: null });
      },
      (e: unknown) => {
        if (current) setState({ parameters: [], loaded: true, error: coerceError(e).message });
      },
    );
    return () => {
      current = false;
    };
  }, [client, executionId]);
  return state;
}
