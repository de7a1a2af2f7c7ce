import Chip from '@mui/material/Chip';
import type { WorkerRow } from '../../../master-core/protocol/api';
import { workerStateColor, workerStateLabel } from '../../state/workerStateDisplay';

/** A worker's state as the master computed it; the reason shows on hover. */
export function WorkerStateChip({ worker, testId }: { worker: WorkerRow; testId?: string }) {
  return (
    <Chip
      label={workerStateLabel(worker.state)}
      color={workerStateColor(worker.state)}
      variant={worker.state === 'offline' ? 'outlined' : 'filled'}
      title={worker.stateReason}
      data-testid={testId}
      data-state={worker.state}
      sx={{ height: 20, fontSize: 12 }}
    />
  );
}
