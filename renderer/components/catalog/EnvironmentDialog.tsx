import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { EnvironmentInfo } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { ObjectName } from '../../../master-core/protocol/packageFormat';
import type { ParameterDataType } from '../../../master-core/protocol/packageFormat';
import { useAccess } from '../../hooks/useAccess';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import { deleteQuestion } from '../../state/catalogMenu';
import { DATA_TYPES, editText, parseTypedValue, valueText } from '../../state/typedValue';
import { CatalogDialogFrame, EmptyRow, ErrorAlert, LoadingRow } from './CatalogDialogFrame';
import { ConfirmDialog } from './ConfirmDialog';
import { TypedValueInput } from './TypedValueInput';
import { InlineConfirm } from '../InlineConfirm';

type Variable = EnvironmentInfo['variables'][number];

interface EnvironmentDialogProps {
  folderName: string;
  environmentName: string;
  onClose: () => void;
  onChanged: () => void;
}

const PAGES = [
  { id: 'general', label: 'General' },
  { id: 'variables', label: 'Variables' },
] as const;

/** Environment Properties: its description and its variables (add, edit, delete), and Delete. */
export function EnvironmentDialog({
  folderName,
  environmentName,
  onClose,
  onChanged,
}: EnvironmentDialogProps) {
  const client = useApi();
  const modifyWhyNot = useAccess().whyNot('modify', folderName);
  const canModify = modifyWhyNot === '';
  const [page, setPage] = useState<string>('variables');
  const [editing, setEditing] = useState<Variable | 'new' | null>(null);
  const [removing, setRemoving] = useState<Variable | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const query = useApiQuery(
    `environment:${folderName}/${environmentName}`,
    async (c) => {
      const { environments } = await c.call('environment.list', { folderName });
      const env = environments.find((e) => e.name.toLowerCase() === environmentName.toLowerCase());
      if (!env)
        throw new Error(`The environment ${environmentName} is no longer in the folder ${folderName}.`);
      return env;
    },
    { reloadOnCatalogChange: true },
  );
  const env = query.data;

  async function removeVariable(v: Variable) {
    setBusy(true);
    setError(null);
    try {
      await client.call('environment.deleteVariable', { folderName, environmentName, name: v.name });
      setRemoving(null);
      query.reload();
      onChanged();
    } catch (e) {
      setError(coerceError(e).message);
    } finally {
      setBusy(false);
    }
  }

  const variables = [...(env?.variables ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <CatalogDialogFrame
      title={`Environment Properties - ${folderName}/${environmentName}`}
      testId="environment-dialog"
      onClose={onClose}
      pages={PAGES}
      page={page}
      onPage={setPage}
      maxWidth="lg"
      actions={
        <>
          {canModify ? (
            <Button
              color="error"
              onClick={() => setDeleting(true)}
              sx={{ mr: 'auto' }}
              data-testid="environment-delete"
            >
              Delete Environment...
            </Button>
          ) : (
            <Typography
              variant="caption"
              color="text.secondary"
              sx={{ mr: 'auto', pl: 1 }}
              data-testid="environment-read-only"
            >
              {`Read only: ${modifyWhyNot}`}
            </Typography>
          )}
          <Button onClick={onClose} data-testid="environment-close">
            Close
          </Button>
        </>
      }
    >
      <ErrorAlert testId="environment-error" error={query.error ?? error} />
      {env === null && query.loading && <LoadingRow testId="environment-loading" what="the environment" />}
      {env && page === 'general' && (
        <Box
          data-testid="environment-general"
          sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: 1 }}
        >
          <Typography variant="body2" color="text.secondary">
            Name
          </Typography>
          <Typography variant="body2">{env.name}</Typography>
          <Typography variant="body2" color="text.secondary">
            Folder
          </Typography>
          <Typography variant="body2">{folderName}</Typography>
          <Typography variant="body2" color="text.secondary">
            Description
          </Typography>
          <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap' }}>
            {env.description || '(none)'}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Variables
          </Typography>
          <Typography variant="body2">{env.variables.length}</Typography>
        </Box>
      )}
      {env && page === 'variables' && (
        <Box data-testid="environment-variables">
          {canModify && (
            <Button onClick={() => setEditing('new')} sx={{ mb: 1 }} data-testid="variable-add">
              Add variable...
            </Button>
          )}
          {variables.length === 0 ? (
            <EmptyRow testId="environment-variables-empty">This environment has no variables.</EmptyRow>
          ) : (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Name</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Value</TableCell>
                  <TableCell>Sensitive</TableCell>
                  <TableCell>Description</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {variables.map((v) => (
                  <TableRow key={v.name} data-testid={`variable-row-${v.name}`}>
                    <TableCell>{v.name}</TableCell>
                    <TableCell>{v.dataType}</TableCell>
                    <TableCell data-testid={`variable-value-${v.name}`}>
                      {valueText(v.value, v.sensitive)}
                    </TableCell>
                    <TableCell>{v.sensitive ? 'Yes' : 'No'}</TableCell>
                    <TableCell>{v.description}</TableCell>
                    <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                      {removing?.name === v.name ? (
                        <InlineConfirm
                          question={`Delete ${v.name}?`}
                          confirmLabel="Delete"
                          busy={busy}
                          onCancel={() => setRemoving(null)}
                          onConfirm={() => void removeVariable(v)}
                          testId="variable-delete-confirm"
                        />
                      ) : (
                        canModify && (
                          <>
                            <Button
                              size="small"
                              onClick={() => setEditing(v)}
                              data-testid={`variable-edit-${v.name}`}
                            >
                              Edit...
                            </Button>
                            <Button
                              size="small"
                              onClick={() => setRemoving(v)}
                              data-testid={`variable-delete-${v.name}`}
                            >
                              Delete
                            </Button>
                          </>
                        )
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Box>
      )}
      {editing !== null && (
        <VariableDialog
          folderName={folderName}
          environmentName={environmentName}
          variable={editing === 'new' ? null : editing}
          existingNames={variables.map((v) => v.name)}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            query.reload();
            onChanged();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete Environment"
          question={deleteQuestion({ kind: 'deleteEnvironment', folderName, environmentName })}
          confirmLabel="Delete"
          onConfirm={async () => {
            await client.call('environment.delete', { folderName, environmentName });
          }}
          onClose={() => setDeleting(false)}
          onDone={() => {
            onChanged();
            onClose();
          }}
        />
      )}
    </CatalogDialogFrame>
  );
}

interface VariableDialogProps {
  folderName: string;
  environmentName: string;
  /** null: a new variable. */
  variable: Variable | null;
  existingNames: readonly string[];
  onClose: () => void;
  onSaved: () => void;
}

/** Adds a variable or edits one (its name is its key; a sensitive value must be typed again). */
function VariableDialog({
  folderName,
  environmentName,
  variable,
  existingNames,
  onClose,
  onSaved,
}: VariableDialogProps) {
  const client = useApi();
  const [name, setName] = useState(variable?.name ?? '');
  const [dataType, setDataType] = useState<ParameterDataType>(variable?.dataType ?? 'String');
  const [text, setText] = useState(variable ? editText(variable.value, variable.sensitive) : '');
  const [sensitive, setSensitive] = useState(variable?.sensitive ?? false);
  const [description, setDescription] = useState(variable?.description ?? '');
  const [errors, setErrors] = useState<{ name?: string; value?: string }>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save() {
    const next: { name?: string; value?: string } = {};
    const checkedName = ObjectName.safeParse(name.trim());
    if (!checkedName.success) next.name = `Name ${checkedName.error.issues[0]?.message ?? 'is not valid'}`;
    else if (
      variable === null &&
      existingNames.some((n) => n.toLowerCase() === checkedName.data.toLowerCase())
    )
      next.name = `A variable named ${checkedName.data} already exists; edit it instead.`;
    const label = checkedName.success ? checkedName.data : 'Value';
    const parsed =
      variable?.sensitive && text === ''
        ? ({ ok: false, error: `${label}: type the value again (sensitive values are never shown)` } as const)
        : parseTypedValue(dataType, text, label);
    if (!parsed.ok) next.value = parsed.error;
    setErrors(next);
    if (next.name || next.value || !checkedName.success || !parsed.ok) return;
    setBusy(true);
    setError(null);
    try {
      await client.call('environment.setVariable', {
        folderName,
        environmentName,
        name: checkedName.data,
        dataType,
        value: parsed.value,
        sensitive,
        description,
      });
      onSaved();
    } catch (e) {
      setError(coerceError(e).message);
      setBusy(false);
    }
  }

  return (
    <CatalogDialogFrame
      title={variable ? `Edit Variable - ${variable.name}` : 'Add Variable'}
      testId="variable-dialog"
      onClose={onClose}
      maxWidth="sm"
      actions={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="contained" disabled={busy} onClick={() => void save()} data-testid="variable-ok">
            OK
          </Button>
        </>
      }
    >
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1.5, pt: 1 }}>
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          disabled={variable !== null}
          error={errors.name !== undefined}
          helperText={errors.name}
          size="small"
          autoFocus={variable === null}
          slotProps={{ htmlInput: { 'data-testid': 'variable-name' } }}
        />
        <TextField
          select
          label="Type"
          value={dataType}
          onChange={(e) => setDataType(e.target.value as ParameterDataType)}
          size="small"
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'variable-type' } }}
        >
          {DATA_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </TextField>
        <TypedValueInput
          dataType={dataType}
          sensitive={sensitive}
          label="Value"
          value={text}
          onChange={setText}
          error={errors.value ?? null}
          testId="variable-value"
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={sensitive}
              onChange={(e) => setSensitive(e.target.checked)}
              slotProps={{ input: { 'data-testid': 'variable-sensitive' } as object }}
            />
          }
          label="Sensitive (stored encrypted, never shown again)"
        />
        <TextField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          size="small"
          multiline
          minRows={2}
          slotProps={{ htmlInput: { 'data-testid': 'variable-description', maxLength: 4000 } }}
        />
        <ErrorAlert testId="variable-error" error={error} />
      </Box>
    </CatalogDialogFrame>
  );
}
