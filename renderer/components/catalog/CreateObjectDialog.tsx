import Button from '@mui/material/Button';
import TextField from '@mui/material/TextField';
import { useState } from 'react';
import { ObjectName } from '../../../master-core/protocol/packageFormat';
import { coerceError } from '../../../master-core/protocol/errors';
import { CatalogDialogFrame, ErrorAlert } from './CatalogDialogFrame';

interface CreateObjectDialogProps {
  title: string;
  /** "folder" or "environment": names the test ids (`create-<what>-name` ...) and the messages. */
  what: 'folder' | 'environment';
  /** Creates it; a rejection is shown in the dialog. */
  onCreate: (name: string, description: string) => Promise<void>;
  onClose: () => void;
  onCreated: (name: string) => void;
}

/** "Create Folder" and "Create Environment": a name checked as the master checks it, and a description. */
export function CreateObjectDialog({ title, what, onCreate, onClose, onCreated }: CreateObjectDialogProps) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    const checked = ObjectName.safeParse(name.trim());
    if (!checked.success) {
      setNameError(`Name ${checked.error.issues[0]?.message ?? 'is not valid'}`);
      return;
    }
    setNameError(null);
    setError(null);
    setBusy(true);
    try {
      await onCreate(checked.data, description);
      onCreated(checked.data);
    } catch (e) {
      setError(coerceError(e).message);
      setBusy(false);
    }
  }

  return (
    <CatalogDialogFrame
      title={title}
      testId={`create-${what}-dialog`}
      onClose={onClose}
      maxWidth="sm"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="contained"
            disabled={busy}
            type="submit"
            form={`create-${what}-form`}
            data-testid={`create-${what}-ok`}
          >
            OK
          </Button>
        </>
      }
    >
      <form
        id={`create-${what}-form`}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={nameError !== null}
          helperText={nameError}
          autoFocus
          fullWidth
          margin="dense"
          slotProps={{ htmlInput: { 'data-testid': `create-${what}-name` } }}
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          slotProps={{ htmlInput: { 'data-testid': `create-${what}-description`, maxLength: 4000 } }}
        />
        <ErrorAlert testId={`create-${what}-error`} error={error} />
      </form>
    </CatalogDialogFrame>
  );
}
