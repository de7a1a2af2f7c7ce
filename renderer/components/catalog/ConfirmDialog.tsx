import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import { useState } from 'react';
import { coerceError } from '../../../master-core/protocol/errors';
import { ErrorAlert } from './CatalogDialogFrame';

interface ConfirmDialogProps {
  title: string;
  /** Names the object the action works on. */
  question: string;
  confirmLabel: string;
  /** Does the work; a rejection is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  /** After onConfirm succeeded. */
  onDone: () => void;
}

/** Asks before a destructive action, and shows the master's refusal if it comes. */
export function ConfirmDialog({
  title,
  question,
  confirmLabel,
  onConfirm,
  onClose,
  onDone,
}: ConfirmDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onDone();
    } catch (e) {
      setError(coerceError(e).message);
      setBusy(false);
    }
  }

  return (
    <Dialog
      open
      onClose={onClose}
      maxWidth="sm"
      fullWidth
      aria-labelledby="confirm-title"
      data-testid="confirm-dialog"
    >
      <DialogTitle id="confirm-title">{title}</DialogTitle>
      <DialogContent>
        <DialogContentText data-testid="confirm-question">{question}</DialogContentText>
        <ErrorAlert testId="confirm-error" error={error} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus data-testid="confirm-cancel">
          Cancel
        </Button>
        <Button
          color="error"
          variant="contained"
          onClick={() => void confirm()}
          disabled={busy}
          data-testid="confirm-ok"
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
