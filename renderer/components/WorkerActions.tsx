import Button from '@mui/material/Button';
import Tooltip from '@mui/material/Tooltip';
import { useState } from 'react';
import type { WorkerRow } from '../../master-core/protocol/api';
import { useApi } from '../hooks/useApi';

/** Enable, disable or drain one worker (Scale Out Manager's Enable/Disable Worker). */
export function WorkerActions({ worker }: { worker: WorkerRow }) {
  const client = useApi();
  const [error, setError] = useState<string | null>(null);
  const act = (method: 'worker.enable' | 'worker.disable' | 'worker.drain') => () => {
    setError(null);
    client.call(method, { name: worker.name }).catch((e: Error) => setError(e.message));
  };
  const button = (
    label: string,
    method: 'worker.enable' | 'worker.disable' | 'worker.drain',
    shown: boolean,
  ) =>
    shown && (
      <Button
        size="small"
        onClick={act(method)}
        data-testid={`worker-${label.toLowerCase()}-${worker.name}`}
        sx={{ minWidth: 0, px: 1 }}
      >
        {label}
      </Button>
    );
  return (
    <Tooltip title={error ?? ''} open={error !== null} arrow>
      <span>
        {button('Enable', 'worker.enable', !worker.enabled || worker.draining)}
        {button('Disable', 'worker.disable', worker.enabled)}
        {button('Drain', 'worker.drain', worker.enabled && !worker.draining)}
      </span>
    </Tooltip>
  );
}
