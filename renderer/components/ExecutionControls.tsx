import ReplayIcon from '@mui/icons-material/Replay';
import StopIcon from '@mui/icons-material/Stop';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput, ExecutionRow } from '../../master-core/protocol/api';
import { ExecutionStatus } from '../../master-core/protocol/codes';
import { useAccess } from '../hooks/useAccess';
import { useApi, useConsoleEvents } from '../hooks/useApi';
import { RunAgainDialog } from './executions/RunAgainDialog';
import { WhyNot } from './WhyNot';

type Explanation = ApiOutput<'execution.explain'>;

interface ExecutionControlsProps {
  execution: ExecutionRow;
  /** Opens the execution Run again created; without it, the new id is shown here. */
  onOpenExecution?: (executionId: number) => void;
}

/**
 * Stop for a queued or running execution, Run again for any, and for a queued one the master's
 * explanation of why it waits: each worker, eligible or the reason not. The explanation follows
 * worker changes live.
 */
export function ExecutionControls({ execution, onOpenExecution }: ExecutionControlsProps) {
  const client = useApi();
  const whyNotRun = useAccess().whyNot('execute', execution.folderName);
  const id = execution.executionId;
  const queued = execution.status === ExecutionStatus.pending;
  const stoppable = queued || execution.status === ExecutionStatus.running;
  const [explanation, setExplanation] = useState<Explanation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [runAgainOpen, setRunAgainOpen] = useState(false);
  const [created, setCreated] = useState<number | null>(null);

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

  const handleCreated = (newId: number) => {
    setRunAgainOpen(false);
    if (onOpenExecution) onOpenExecution(newId);
    else setCreated(newId);
  };

  return (
    <Box sx={{ px: 1.5, pb: 1 }}>
      <Box sx={{ display: 'flex', gap: 1 }}>
        {stoppable && (
          <WhyNot reason={whyNotRun}>
            <Button
              size="small"
              color="error"
              variant="outlined"
              startIcon={<StopIcon />}
              onClick={stop}
              disabled={whyNotRun !== ''}
              data-testid={`stop-${id}`}
            >
              Stop
            </Button>
          </WhyNot>
        )}
        <WhyNot reason={whyNotRun}>
          <Button
            size="small"
            variant="outlined"
            startIcon={<ReplayIcon />}
            onClick={() => setRunAgainOpen(true)}
            disabled={whyNotRun !== ''}
            data-testid={`run-again-${id}`}
          >
            Run again
          </Button>
        </WhyNot>
      </Box>
      {runAgainOpen && (
        <RunAgainDialog
          execution={execution}
          onClose={() => setRunAgainOpen(false)}
          onCreated={handleCreated}
        />
      )}
      {created !== null && (
        <Alert
          severity="success"
          sx={{ mt: 1 }}
          onClose={() => setCreated(null)}
          data-testid={`run-again-created-${id}`}
        >
          {`Execution ${created} created`}
        </Alert>
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
