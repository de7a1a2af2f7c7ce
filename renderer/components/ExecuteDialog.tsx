import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import Accordion from '@mui/material/Accordion';
import AccordionDetails from '@mui/material/AccordionDetails';
import AccordionSummary from '@mui/material/AccordionSummary';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { WorkerRow } from '../../master-core/protocol/api';
import { coerceError, ScaleOutError } from '../../master-core/protocol/errors';
import {
  buildExecutionRequests,
  fieldKeyForApiError,
  initialExecuteForm,
  withParameterInput,
} from '../state/executeRequest';
import type { ExecuteFormState, FieldErrors } from '../state/executeRequest';
import type { ExecuteTarget } from '../state/executeTargets';
import { useApi } from '../hooks/useApi';
import { AdvancedOptions, MachineSelection, SectionTitle } from './ExecuteOptions';
import { ParametersTable } from './ParametersTable';

interface ExecuteDialogProps {
  targets: ExecuteTarget[];
  workers: WorkerRow[];
  onClose: () => void;
  /** Every package was submitted; the ids of the executions created. */
  onCreated: (executionIds: number[]) => void;
}

const hasErrorFor = (errors: FieldErrors, targetKey: string) =>
  Object.keys(errors).some((k) => k.startsWith(`param:${targetKey}:`));

/** "Execute in Scale Out": one execution.create per package, with parameters and machine selection. */
export function ExecuteDialog({ targets, workers, onClose, onCreated }: ExecuteDialogProps) {
  const client = useApi();
  const [form, setForm] = useState<ExecuteFormState>(initialExecuteForm);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  /** Errors the master gave that name no input, by target key. */
  const [packageErrors, setPackageErrors] = useState<Record<string, string>>({});
  /** Executions already created, by target key: a second OK submits only the rest. */
  const [created, setCreated] = useState<Record<string, number>>({});
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(
    () => new Set(targets.length <= 3 ? targets.map((t) => t.key) : []),
  );
  const [busy, setBusy] = useState(false);

  const patchForm = (patch: Partial<ExecuteFormState>) => setForm((f) => ({ ...f, ...patch }));
  const toggle = (key: string, open: boolean) =>
    setExpanded((s) => new Set(open ? [...s, key] : [...s].filter((k) => k !== key)));

  async function submit() {
    const remaining = targets.filter((t) => created[t.key] === undefined);
    const built = buildExecutionRequests(remaining, form);
    if (!built.ok) {
      setFieldErrors(built.errors);
      setPackageErrors({});
      setExpanded(
        (s) =>
          new Set([...s, ...remaining.filter((t) => hasErrorFor(built.errors, t.key)).map((t) => t.key)]),
      );
      return;
    }
    setBusy(true);
    const nowCreated = { ...created };
    const apiFieldErrors: FieldErrors = {};
    const apiPackageErrors: Record<string, string> = {};
    for (const { targetKey, input } of built.requests) {
      const target = remaining.find((t) => t.key === targetKey);
      try {
        nowCreated[targetKey] = (await client.call('execution.create', input)).executionId;
      } catch (e) {
        const error = coerceError(e);
        const field = error instanceof ScaleOutError ? error.field : undefined;
        const fieldKey = target ? fieldKeyForApiError(target, field) : undefined;
        if (fieldKey) apiFieldErrors[fieldKey] = error.message;
        else apiPackageErrors[targetKey] = field ? `${error.message} (field: ${field})` : error.message;
      }
    }
    setBusy(false);
    setCreated(nowCreated);
    setFieldErrors(apiFieldErrors);
    setPackageErrors(apiPackageErrors);
    setExpanded(
      (s) => new Set([...s, ...targets.filter((t) => hasErrorFor(apiFieldErrors, t.key)).map((t) => t.key)]),
    );
    if (targets.every((t) => nowCreated[t.key] !== undefined)) {
      onCreated(targets.map((t) => nowCreated[t.key]).filter((id): id is number => id !== undefined));
    }
  }

  const failedCount =
    Object.keys(packageErrors).length + targets.filter((t) => hasErrorFor(fieldErrors, t.key)).length;
  const sharedErrors = ['retryCount', 'priority', 'loggingLevel', 'timeoutSeconds', 'targeting'].some(
    (k) => fieldErrors[k],
  );

  return (
    <Dialog
      open
      onClose={() => (busy ? undefined : onClose())}
      maxWidth="lg"
      fullWidth
      scroll="paper"
      data-testid="execute-dialog"
    >
      <DialogTitle>Execute in Scale Out</DialogTitle>
      <DialogContent dividers>
        {(failedCount > 0 || sharedErrors) && (
          <Alert severity="error" sx={{ mb: 1 }} data-testid="execute-error">
            {failedCount > 0
              ? `${failedCount} of ${targets.length} package${targets.length === 1 ? '' : 's'} could not be submitted. See the marked fields.`
              : 'Some options are not valid. See the marked fields.'}
          </Alert>
        )}
        <SectionTitle>{`Package selection (${targets.length})`}</SectionTitle>
        {targets.length === 0 && (
          <Typography variant="body2" color="text.secondary">
            There are no packages to run here.
          </Typography>
        )}
        {targets.map((target) => {
          const createdId = created[target.key];
          return (
            <Accordion
              key={target.key}
              disableGutters
              expanded={expanded.has(target.key)}
              onChange={(_e, open) => toggle(target.key, open)}
              data-testid={`execute-package-${target.key}`}
            >
              <AccordionSummary expandIcon={<ExpandMoreIcon />}>
                <Typography variant="body2" sx={{ flex: 1 }}>
                  {target.folderName} \ {target.projectName} \ <b>{target.packageName}</b>
                </Typography>
                {createdId !== undefined && <Chip color="success" label={`Execution ${createdId} created`} />}
                {hasErrorFor(fieldErrors, target.key) && <Chip color="error" label="Check parameters" />}
              </AccordionSummary>
              <AccordionDetails sx={{ pt: 0 }}>
                {packageErrors[target.key] && (
                  <Alert severity="error" sx={{ mb: 1 }} data-testid={`execute-error-${target.key}`}>
                    {packageErrors[target.key]}
                  </Alert>
                )}
                <ParametersTable
                  target={target}
                  values={form.values[target.key] ?? {}}
                  errors={fieldErrors}
                  disabled={busy || createdId !== undefined}
                  onChange={(reference, input) =>
                    setForm((f) => withParameterInput(f, target.key, reference, input))
                  }
                />
              </AccordionDetails>
            </Accordion>
          );
        })}
        <SectionTitle>Machine selection</SectionTitle>
        <MachineSelection
          form={form}
          errors={fieldErrors}
          disabled={busy}
          onChange={patchForm}
          workers={workers}
        />
        <SectionTitle>Advanced</SectionTitle>
        <AdvancedOptions form={form} errors={fieldErrors} disabled={busy} onChange={patchForm} />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy} data-testid="execute-cancel">
          Cancel
        </Button>
        <Button
          variant="contained"
          onClick={() => void submit()}
          disabled={busy || targets.length === 0}
          data-testid="execute-ok"
        >
          {busy ? 'Submitting...' : 'OK'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
