import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { ReactNode } from 'react';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { formatTime } from '../state/displayFormat';
import { DurationText } from './DurationText';
import { StatusChip } from './StatusChip';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Typography variant="caption" color="text.secondary" component="div">
        {label}
      </Typography>
      <Typography variant="body2" component="div">
        {children}
      </Typography>
    </Box>
  );
}

/** The header of an execution's tab: what ran, where, how it went. */
export function ExecutionSummary({ execution }: { execution: ExecutionRow }) {
  const e = execution;
  return (
    <Box sx={{ px: 1.5, py: 1 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
        <Typography variant="subtitle1">
          {e.folderName} \ {e.projectName} \ <b>{e.packageName}</b>
        </Typography>
        <StatusChip executionId={e.executionId} status={e.status} />
      </Box>
      <Box sx={{ display: 'flex', flexWrap: 'wrap', columnGap: 4, rowGap: 1 }}>
        <Fact label="Execution">{e.executionId}</Fact>
        <Fact label="Worker">{e.workerName ?? '-'}</Fact>
        <Fact label="Machine">{e.machineName ?? '-'}</Fact>
        <Fact label="Attempts">{`${e.attempts} of ${e.retryCount + 1}`}</Fact>
        <Fact label="Priority">{e.priority}</Fact>
        <Fact label="Runs on">
          {e.targeting.kind === 'any'
            ? 'Any worker'
            : e.targeting.kind === 'workers'
              ? e.targeting.names.join(', ')
              : `Tags: ${e.targeting.tags.join(', ')}`}
        </Fact>
        {e.environmentName !== null && <Fact label="Environment">{e.environmentName}</Fact>}
        <Fact label="Created">{`${formatTime(e.createdAt)} by ${e.createdBy}`}</Fact>
        <Fact label="Started">{formatTime(e.startedAt) || '-'}</Fact>
        <Fact label="Ended">{formatTime(e.endedAt) || '-'}</Fact>
        <Fact label="Duration">
          <DurationText startedAt={e.startedAt} endedAt={e.endedAt} />
        </Fact>
      </Box>
      {e.lastError && (
        <Alert severity="error" sx={{ mt: 1 }} data-testid={`last-error-${e.executionId}`}>
          {e.lastError}
        </Alert>
      )}
    </Box>
  );
}
