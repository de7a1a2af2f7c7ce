import Chip from '@mui/material/Chip';
import { statusColor, statusName } from '../state/statusDisplay';

interface StatusChipProps {
  executionId: number;
  status: number;
  /** Shown on hover, e.g. why the execution failed. */
  detail?: string | null;
}

/** An execution's status as SSISDB names it ("Succeeded"), colored by outcome. */
export function StatusChip({ executionId, status, detail }: StatusChipProps) {
  return (
    <Chip
      label={statusName(status)}
      color={statusColor(status)}
      variant={statusColor(status) === 'default' ? 'outlined' : 'filled'}
      title={detail ?? undefined}
      data-testid={`status-${executionId}`}
      data-status={status}
      sx={{ height: 20, fontSize: 12 }}
    />
  );
}
