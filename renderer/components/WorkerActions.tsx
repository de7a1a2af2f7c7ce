import Button from '@mui/material/Button';
import Tooltip from '@mui/material/Tooltip';
import { useState } from 'react';
import type { WorkerRow } from '../../master-core/protocol/api';
import { coerceError } from '../../master-core/protocol/errors';
import { useAccess } from '../hooks/useAccess';
import { useApi } from '../hooks/useApi';

type StateMethod = 'worker.enable' | 'worker.disable' | 'worker.drain';

interface WorkerActionsProps {
  worker: WorkerRow;
  /** Scale Out Manager's Edit Worker; no button when absent. */
  onEdit?: (worker: WorkerRow) => void;
  /** Revoke (asks first); no button when absent. */
  onRevoke?: (worker: WorkerRow) => void;
}

/** Enable, disable or drain one worker (Scale Out Manager's Enable/Disable Worker), edit or revoke it. */
export function WorkerActions({ worker, onEdit, onRevoke }: WorkerActionsProps) {
  const client = useApi();
  const access = useAccess();
  const [error, setError] = useState<string | null>(null);
  const revoked = Boolean(worker.revokedAt);
  // Changing workers is for admins: nothing is offered to anyone else (the master would refuse).
  if (!access.can('admin')) return null;
  const act = (method: StateMethod) => () => {
    setError(null);
    client.call(method, { name: worker.name }).catch((e: unknown) => setError(coerceError(e).message));
  };
  const button = (label: string, onClick: (() => void) | undefined, shown: boolean, color?: 'error') =>
    shown &&
    onClick && (
      <Button
        size="small"
        color={color}
        onClick={onClick}
        data-testid={`worker-${label.toLowerCase()}-${worker.name}`}
        sx={{ minWidth: 0, px: 1 }}
      >
        {label}
      </Button>
    );
  return (
    <Tooltip title={error ?? ''} open={error !== null} arrow>
      <span>
        {button('Enable', act('worker.enable'), !revoked && (!worker.enabled || worker.draining))}
        {button('Disable', act('worker.disable'), !revoked && worker.enabled)}
        {button('Drain', act('worker.drain'), !revoked && worker.enabled && !worker.draining)}
        {button('Edit', onEdit && (() => onEdit(worker)), !revoked)}
        {button('Revoke', onRevoke && (() => onRevoke(worker)), !revoked, 'error')}
      </span>
    </Tooltip>
  );
}
