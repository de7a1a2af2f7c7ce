import { useEffect, useRef, useState } from 'react';
import type { DataStatisticRow, StatisticRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useApi } from './useApi';

/**
 * An execution's statistics (executables and Data Flow paths). They are written when an attempt
 * ends, so they are read again whenever `version` changes (the caller passes the execution's
 * status and attempt count).
 */
export function useExecutionStatistics(
  executionId: number,
  version: string,
): {
  statistics: StatisticRow[];
  dataStatistics: DataStatisticRow[];
  error: string | null;
  loading: boolean;
} {
  const client = useApi();
  const [state, setState] = useState({
    statistics: [] as StatisticRow[],
    dataStatistics: [] as DataStatisticRow[],
    error: null as string | null,
    loading: true,
  });
  const seq = useRef(0);

  useEffect(() => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    client.call('execution.statistics', { executionId }).then(
      (out) => {
        if (mine === seq.current)
          setState({
            statistics: out.statistics,
            dataStatistics: out.dataStatistics,
            error: null,
            loading: false,
          });
      },
      (e: unknown) => {
        if (mine === seq.current) setState((s) => ({ ...s, error: coerceError(e).message, loading: false }));
      },
    );
  }, [client, executionId, version]);

  return state;
}
