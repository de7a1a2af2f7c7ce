import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import List from '@mui/material/List';
import ListItemButton from '@mui/material/ListItemButton';
import ListItemText from '@mui/material/ListItemText';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import Typography from '@mui/material/Typography';
import { useMemo, useState } from 'react';
import type { WorkerRow } from '../../master-core/protocol/api';
import { coerceError, ScaleOutError } from '../../master-core/protocol/errors';
import { useApi, useConnectionState } from '../hooks/useApi';
import { useProjectReferences } from '../hooks/useProjectReferences';
import {
  advancedFieldKey,
  buildExecutionRequests,
  errorsOfTarget,
  fieldKeyForApiError,
  initialExecuteForm,
  missingSummary,
  packageOptions,
  pageOfFieldKey,
  withAdvancedForAll,
  withConnectionOverride,
  withPackageOptions,
  withParameterInput,
} from '../state/executeRequest';
import type { ExecuteFormState, FieldErrors } from '../state/executeRequest';
import { cliScript, httpScript } from '../state/executeScript';
import type { ScriptContext } from '../state/executeScript';
import { projectKeyOf } from '../state/executeTargets';
import type { ExecuteTarget } from '../state/executeTargets';
import { ConnectionManagersTable } from './execute/ConnectionManagersTable';
import { EnvironmentSelect } from './execute/EnvironmentSelect';
import { ScriptDialog } from './execute/ScriptDialog';
import { AdvancedOptions, MachineSelection, SectionTitle } from './ExecuteOptions';
import { ParametersTable } from './ParametersTable';

interface ExecuteDialogProps {
  targets: ExecuteTarget[];
  workers: WorkerRow[];
  onClose: () => void;
  /** Every package was submitted; the ids of the executions created. */
  onCreated: (executionIds: number[]) => void;
}

type Page = 'parameters' | 'connections' | 'advanced';
const PAGES: { page: Page; label: string }[] = [
  { page: 'parameters', label: 'Parameters' },
  { page: 'connections', label: 'Connection Managers' },
  { page: 'advanced', label: 'Advanced' },
];

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * SSIS's "Execute Package In Scale Out": per package (from any folders and projects) its Parameters,
 * Connection Managers, environment and Advanced options; one Machine Selection for all; a Script
 * of the same executions; OK creates one execution per package and keeps the dialog open with
 * the packages that failed, naming why.
 */
export function ExecuteDialog({ targets, workers, onClose, onCreated }: ExecuteDialogProps) {
  const client = useApi();
  const { connection } = useConnectionState();
  const references = useProjectReferences(targets);
  const [form, setForm] = useState<ExecuteFormState>(initialExecuteForm);
  const [selectedKey, setSelectedKey] = useState<string | null>(targets[0]?.key ?? null);
  const [page, setPage] = useState<Page>('parameters');
  /** Validation messages show once the user has tried OK or Script. */
  const [attempted, setAttempted] = useState(false);
  /** Field errors the master gave on the last OK. */
  const [apiErrors, setApiErrors] = useState<FieldErrors>({});
  /** Errors the master gave that name no input, by target key. */
  const [packageErrors, setPackageErrors] = useState<Record<string, string>>({});
  /** Executions already created, by target key: a second OK submits only the rest. */
  const [created, setCreated] = useState<Record<string, number>>({});
  const [busy, setBusy] = useState(false);
  const [script, setScript] = useState<{ cli: string; http: string } | null>(null);

  const remaining = useMemo(() => targets.filter((t) => created[t.key] === undefined), [targets, created]);
  const validation = useMemo(() => buildExecutionRequests(remaining, form), [remaining, form]);
  const errors: FieldErrors = {
    ...apiErrors,
    ...(attempted && !validation.ok ? validation.errors : {}),
  };
  const missing = attempted && !validation.ok ? missingSummary(validation.missing) : null;
  const selected = targets.find((t) => t.key === selectedKey) ?? targets[0];

  const problemsOf = (key: string) => errorsOfTarget(errors, key).length + (packageErrors[key] ? 1 : 0);
  const failedKeys = targets
    .filter((t) => created[t.key] === undefined && problemsOf(t.key) > 0)
    .map((t) => t.key);

  function showFirstProblem(fieldErrors: FieldErrors, failed: readonly string[]) {
    const first = targets.find((t) => failed.includes(t.key));
    if (!first) return;
    setSelectedKey(first.key);
    const firstField = errorsOfTarget(fieldErrors, first.key)[0];
    const firstPage = firstField ? pageOfFieldKey(firstField) : null;
    if (firstPage) setPage(firstPage);
  }

  const scriptContext: ScriptContext = {
    baseUrl: connection.baseUrl,
    referenceOf: (folderName, projectName, referenceId) => {
      const entry = references[`${folderName}/${projectName}`];
      return entry?.state === 'loaded'
        ? entry.references.find((r) => r.referenceId === referenceId)
        : undefined;
    },
  };

  function openScript() {
    setAttempted(true);
    const built = buildExecutionRequests(targets, form);
    if (!built.ok) {
      showFirstProblem(
        built.errors,
        targets.filter((t) => errorsOfTarget(built.errors, t.key).length > 0).map((t) => t.key),
      );
      return;
    }
    setScript({
      cli: cliScript(built.requests, scriptContext),
      http: httpScript(built.requests, scriptContext),
    });
  }

  async function submit() {
    setAttempted(true);
    if (!validation.ok) {
      showFirstProblem(
        validation.errors,
        remaining.filter((t) => errorsOfTarget(validation.errors, t.key).length > 0).map((t) => t.key),
      );
      return;
    }
    setBusy(true);
    const nowCreated = { ...created };
    const fieldErrors: FieldErrors = {};
    const unplaced: Record<string, string> = {};
    for (const { targetKey, input } of validation.requests) {
      const target = remaining.find((t) => t.key === targetKey)!;
      try {
        nowCreated[targetKey] = (await client.call('execution.create', input)).executionId;
      } catch (e) {
        const error = coerceError(e);
        const field = error instanceof ScaleOutError ? error.field : undefined;
        const fieldKey = fieldKeyForApiError(target, field);
        if (fieldKey) fieldErrors[fieldKey] = error.message;
        else unplaced[targetKey] = field ? `${error.message} (field: ${field})` : error.message;
      }
    }
    setBusy(false);
    setCreated(nowCreated);
    setApiErrors(fieldErrors);
    setPackageErrors(unplaced);
    if (targets.every((t) => nowCreated[t.key] !== undefined)) {
      onCreated(targets.map((t) => nowCreated[t.key]!));
      return;
    }
    const failed = targets.filter((t) => nowCreated[t.key] === undefined).map((t) => t.key);
    if (fieldErrors.targeting === undefined) showFirstProblem(fieldErrors, failed);
  }

  const createdList = targets.filter((t) => created[t.key] !== undefined);
  const options = selected ? packageOptions(form, selected.key) : null;
  const selectedDone = selected ? created[selected.key] !== undefined : true;
  const pageErrors = (p: Page) =>
    selected ? errorsOfTarget(errors, selected.key).filter((k) => pageOfFieldKey(k) === p).length : 0;

  return (
    <>
      <Dialog
        open
        onClose={() => (busy ? undefined : onClose())}
        maxWidth="lg"
        fullWidth
        scroll="paper"
        data-testid="execute-dialog"
        aria-labelledby="execute-dialog-title"
      >
        <DialogTitle id="execute-dialog-title">Execute Package In Scale Out</DialogTitle>
        <DialogContent dividers>
          {createdList.length > 0 && (
            <Alert severity="success" sx={{ mb: 1 }} data-testid="execute-created">
              {`Created ${createdList.map((t) => `execution ${created[t.key]} (${t.packageName})`).join(', ')}.`}
            </Alert>
          )}
          {missing && (
            <Alert severity="error" sx={{ mb: 1 }} data-testid="execute-missing">
              {missing}
            </Alert>
          )}
          {(failedKeys.length > 0 || errors.targeting) && (
            <Alert severity="error" sx={{ mb: 1 }} data-testid="execute-error">
              {failedKeys.length > 0
                ? `${failedKeys.length} of ${plural(targets.length, 'package')} could not be submitted: ${targets
                    .filter((t) => failedKeys.includes(t.key))
                    .map((t) => t.packageName)
                    .join(', ')}. See the marked fields.`
                : 'The machine selection is not valid.'}
            </Alert>
          )}
          <SectionTitle>{`Package selection (${targets.length})`}</SectionTitle>
          {targets.length === 0 || !selected || !options ? (
            <Typography variant="body2" color="text.secondary">
              There are no packages to run here.
            </Typography>
          ) : (
            <Box sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', md: '260px 1fr' }, gap: 2 }}>
              <List
                dense
                disablePadding
                aria-label="Packages"
                sx={{
                  border: 1,
                  borderColor: 'divider',
                  maxHeight: 420,
                  overflow: 'auto',
                  alignSelf: 'start',
                }}
              >
                {targets.map((target) => {
                  const createdId = created[target.key];
                  const problems = problemsOf(target.key);
                  return (
                    <ListItemButton
                      key={target.key}
                      selected={target.key === selected.key}
                      onClick={() => setSelectedKey(target.key)}
                      data-testid={`execute-package-${target.key}`}
                    >
                      <ListItemText
                        primary={target.packageName}
                        secondary={
                          <>
                            {`${target.folderName} \\ ${target.projectName}`}
                            {createdId !== undefined && (
                              <Chip
                                component="span"
                                size="small"
                                color="success"
                                label={`Execution ${createdId} created`}
                                sx={{ ml: 0.5 }}
                              />
                            )}
                            {createdId === undefined && problems > 0 && (
                              <Chip
                                component="span"
                                size="small"
                                color="error"
                                label={plural(problems, 'problem')}
                                sx={{ ml: 0.5 }}
                                data-testid={`execute-problems-${target.key}`}
                              />
                            )}
                          </>
                        }
                      />
                    </ListItemButton>
                  );
                })}
              </List>
              <Box data-testid={`execute-pages-${selected.key}`} sx={{ minWidth: 0 }}>
                <Typography variant="body2" sx={{ mb: 0.5 }}>
                  {selected.folderName} \ {selected.projectName} \ <b>{selected.packageName}</b>
                </Typography>
                {packageErrors[selected.key] && (
                  <Alert severity="error" sx={{ mb: 1 }} data-testid={`execute-error-${selected.key}`}>
                    {packageErrors[selected.key]}
                  </Alert>
                )}
                <Tabs
                  value={page}
                  onChange={(_e, p: Page) => setPage(p)}
                  aria-label="Package options"
                  sx={{ borderBottom: 1, borderColor: 'divider', mb: 1 }}
                >
                  {PAGES.map(({ page: p, label }) => {
                    const n = pageErrors(p);
                    return (
                      <Tab
                        key={p}
                        value={p}
                        label={n > 0 ? `${label} (${plural(n, 'error')})` : label}
                        sx={n > 0 ? { color: 'error.main' } : undefined}
                        data-testid={`execute-tab-${p}`}
                      />
                    );
                  })}
                </Tabs>
                {page === 'parameters' && (
                  <>
                    <EnvironmentSelect
                      targetKey={selected.key}
                      projectFolder={selected.folderName}
                      references={references[projectKeyOf(selected)]}
                      value={options.referenceId}
                      error={errors[advancedFieldKey(selected.key, 'referenceId')]}
                      disabled={busy || selectedDone}
                      onChange={(referenceId) =>
                        setForm((f) => withPackageOptions(f, selected.key, { referenceId }))
                      }
                    />
                    <ParametersTable
                      target={selected}
                      values={options.values}
                      errors={errors}
                      disabled={busy || selectedDone}
                      onChange={(reference, input) =>
                        setForm((f) => withParameterInput(f, selected.key, reference, input))
                      }
                    />
                  </>
                )}
                {page === 'connections' && (
                  <ConnectionManagersTable
                    target={selected}
                    values={options.connections}
                    errors={errors}
                    disabled={busy || selectedDone}
                    onChange={(key, text) =>
                      setForm((f) => withConnectionOverride(f, selected.key, key, text))
                    }
                  />
                )}
                {page === 'advanced' && (
                  <AdvancedOptions
                    targetKey={selected.key}
                    options={options}
                    errors={errors}
                    disabled={busy || selectedDone}
                    onChange={(patch) => setForm((f) => withPackageOptions(f, selected.key, patch))}
                    onApplyToAll={
                      targets.length > 1
                        ? () =>
                            setForm((f) =>
                              withAdvancedForAll(
                                f,
                                selected.key,
                                remaining.map((t) => t.key),
                              ),
                            )
                        : undefined
                    }
                  />
                )}
              </Box>
            </Box>
          )}
          <SectionTitle>Machine selection</SectionTitle>
          <MachineSelection
            form={form}
            errors={errors}
            disabled={busy}
            onChange={(patch) => setForm((f) => ({ ...f, ...patch }))}
            workers={workers}
          />
        </DialogContent>
        <DialogActions>
          <Button
            onClick={openScript}
            disabled={busy || targets.length === 0}
            sx={{ mr: 'auto' }}
            data-testid="execute-script"
          >
            Script
          </Button>
          <Button onClick={onClose} disabled={busy} data-testid="execute-cancel">
            {createdList.length > 0 ? 'Close' : 'Cancel'}
          </Button>
          <Button
            variant="contained"
            onClick={() => void submit()}
            disabled={busy || remaining.length === 0}
            data-testid="execute-ok"
          >
            {busy ? 'Submitting...' : 'OK'}
          </Button>
        </DialogActions>
      </Dialog>
      {script && <ScriptDialog cli={script.cli} http={script.http} onClose={() => setScript(null)} />}
    </>
  );
}
