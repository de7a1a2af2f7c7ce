import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useState } from 'react';
import type { ApiOutput, WorkerRow } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';

interface RevokeWorkerDialogProps {
  worker: WorkerRow;
  onClose: () => void;
  onRevoked: (result: ApiOutput<'worker.revoke'>) => void;
}

/** Asks before revoking: a revoked worker is refused for good and must enrol again with a new token. */
export function RevokeWorkerDialog({ worker, onClose, onRevoked }: RevokeWorkerDialogProps) {
  const client = useApi();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function revoke() {
    setError(null);
    setBusy(true);
    try {
      onRevoked(await client.call('worker.revoke', { name: worker.name }));
    } catch (e) {
      setError(coerceError(e).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open onClose={onClose} maxWidth="xs" fullWidth data-testid="revoke-worker-dialog">
      <DialogTitle>Revoke worker {worker.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          {worker.name} ({worker.machineName}) is disconnected at once and refused from then on. Executions it
          is running are retried on other workers. This cannot be undone: to use the machine again, enrol it
          with a new token.
        </DialogContentText>
        {error && (
          <Alert severity="error" sx={{ mt: 1 }} data-testid="revoke-worker-error">
            {error}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus>
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          onClick={() => void revoke()}
          disabled={busy}
          data-testid="revoke-worker-confirm"
        >
          Revoke
        </Button>
      </DialogActions>
    </Dialog>
  );
}
