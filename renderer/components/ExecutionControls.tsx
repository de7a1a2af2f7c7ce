import StopIcon from '@mui/icons-material/Stop';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput, ExecutionRow } from '../../master-core/protocol/api';
import { ExecutionStatus } from '../../master-core/protocol/codes';
import { useApi, useConsoleEvents } from '../hooks/useApi';

type Explanation = ApiOutput<'execution.explain'>;

/**
 * Stop for a queued or running execution, and for a queued one the master's explanation of why it
 * waits: each worker, eligible or the reason not. The explanation follows worker changes live.
 */
export function ExecutionControls({ execution }: { execution: ExecutionRow }) {
  const client = useApi();
  const id = execution.executionId;
  const queued = execution.status === ExecutionStatus.pending;
  const stoppable = queued || execution.status === ExecutionStatus.running;
  const [explanation, setExplanation] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);

  const explain = useCallback(() => {
    if (!queued) return setExplanation(null);
    client
      .call('execution.explain', { executionId: id })
      .then(setExplanation, (e: Error) => setError(e.message));
  }, [client, id, queued]);
  useEffect(explain, [explain]);
  useConsoleEvents((message) => {
    if (message.kind === 'event' && message.event.type === 'worker:changed') explain();
  });

  const stop = () => {
    setError(null);
    client.call('execution.stop', { executionId: id }).catch((e: Error) => setError(e.message));
  };

  if (!stoppable && !error) return null;
  return (
    <Box sx={{ px: 1.5, pb: 1 }}>
      {stoppable && (
        <Button
          size="small"
          color="error"
          variant="outlined"
          startIcon={<StopIcon />}
          onClick={stop}
          data-testid={`stop-${id}`}
        >
          Stop
        </Button>
      )}
      {error && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {error}
        </Alert>
      )}
      {queued && explanation && (
        <Alert
          severity={explanation.eligibleWorkers > 0 ? 'info' : 'warning'}
          sx={{ mt: 1 }}
          data-testid={`explain-${id}`}
        >
          <Typography variant="body2" sx={{ fontWeight: 600 }}>
            {explanation.neverRunnable
              ? 'No enabled worker could ever take this execution as it is targeted.'
              : `Waiting for a worker: ${explanation.eligibleWorkers} eligible now.`}
          </Typography>
          {explanation.workers.map((w) => (
            <Typography variant="body2" key={w.name}>
              {`${w.name}: ${w.eligible ? 'eligible' : w.reason}`}
            </Typography>
          ))}
        </Alert>
      )}
    </Box>
  );
}
