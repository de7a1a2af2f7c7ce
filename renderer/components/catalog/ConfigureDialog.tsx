import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useState } from 'react';
import type { ApiOutput, FolderInfo, ReferenceInfo } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { useApi } from '../../hooks/useApi';
import { useApiQuery } from '../../hooks/useApiQuery';
import type { ApiQuery } from '../../hooks/useApiQuery';
import { serverValueText, valueText } from '../../state/typedValue';
import { CatalogDialogFrame, EmptyRow, ErrorAlert, LoadingRow } from './CatalogDialogFrame';
import { SetParameterValueDialog } from './SetParameterValueDialog';
import type { ReferencedVariable } from './SetParameterValueDialog';
import { InlineConfirm } from '../InlineConfirm';

export type ConfigureParameter = ApiOutput<'project.parameters'>['parameters'][number];

interface ConfigureDialogProps {
  folders: readonly FolderInfo[];
  folderName: string;
  projectName: string;
  /** Opened on a package: the scope starts at that package. */
  packageName?: string;
  onClose: () => void;
  onChanged: () => void;
}

const PAGES = [
  { id: 'parameters', label: 'Parameters' },
  { id: 'references', label: 'References' },
] as const;

const ALL = '\u0000all';
const PROJECT = '\u0000project';

/** Key of a parameter row: project parameters by reference, package ones by package and reference. */
export const parameterKey = (p: ConfigureParameter) =>
  p.objectType === 20 ? p.reference : `${p.objectName}:${p.reference}`;

/** The variables of the environments a project references, for "Use environment variable". */
export function referencedVariables(
  folders: readonly FolderInfo[],
  references: readonly ReferenceInfo[],
): ReferencedVariable[] {
  const out: ReferencedVariable[] = [];
  for (const ref of references) {
    const folder = folders.find((f) => f.name.toLowerCase() === ref.environmentFolderName.toLowerCase());
    const env = folder?.environments.find((e) => e.name.toLowerCase() === ref.environmentName.toLowerCase());
    for (const v of env?.variables ?? []) {
      out.push({
        name: v.name,
        dataType: v.dataType,
        environment: `${ref.environmentFolderName}/${env!.name}`,
      });
    }
  }
  return out;
}

/** SSIS "Configure": server values of project and package parameters, and environment references. */
export function ConfigureDialog({
  folders,
  folderName,
  projectName,
  packageName,
  onClose,
  onChanged,
}: ConfigureDialogProps) {
  const [page, setPage] = useState<string>('parameters');
  const [scope, setScope] = useState(packageName ?? ALL);
  const [editing, setEditing] = useState<ConfigureParameter | null>(null);
  const key = `${folderName}/${projectName}`;
  const parameters = useApiQuery(
    `parameters:${key}`,
    async (c) => (await c.call('project.parameters', { folderName, projectName })).parameters,
    { reloadOnCatalogChange: true },
  );
  const references = useApiQuery(
    `references:${key}`,
    async (c) => (await c.call('project.references', { folderName, projectName })).references,
    { reloadOnCatalogChange: true },
  );

  const all = parameters.data ?? [];
  const packageNames = [...new Set(all.filter((p) => p.objectType === 30).map((p) => p.objectName))].sort();
  const shown = all.filter(
    (p) =>
      scope === ALL ||
      (scope === PROJECT && p.objectType === 20) ||
      (p.objectType === 30 && p.objectName === scope),
  );

  return (
    <CatalogDialogFrame
      title={`Configure - ${packageName ? `${folderName}/${projectName}/${packageName}` : key}`}
      testId="configure-dialog"
      onClose={onClose}
      pages={PAGES}
      page={page}
      onPage={setPage}
      maxWidth="lg"
      actions={
        <Button onClick={onClose} data-testid="configure-close">
          Close
        </Button>
      }
    >
      {page === 'parameters' && (
        <Box data-testid="configure-parameters">
          <TextField
            select
            label="Scope"
            value={scope}
            onChange={(e) => setScope(e.target.value)}
            size="small"
            sx={{ minWidth: 240, mb: 1 }}
            slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'configure-scope' } }}
          >
            <option value={ALL}>All packages and project</option>
            <option value={PROJECT}>Project</option>
            {packageNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </TextField>
          <ErrorAlert testId="configure-parameters-error" error={parameters.error} />
          {parameters.data === null && parameters.loading && (
            <LoadingRow testId="configure-parameters-loading" what="parameters" />
          )}
          {parameters.data !== null && shown.length === 0 && (
            <EmptyRow testId="configure-parameters-empty">No parameters in this scope.</EmptyRow>
          )}
          {shown.length > 0 && (
            <Table size="small">
              <TableHead>
                <TableRow>
                  <TableCell>Container</TableCell>
                  <TableCell>Name</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Design default</TableCell>
                  <TableCell>Server value</TableCell>
                  <TableCell />
                </TableRow>
              </TableHead>
              <TableBody>
                {shown.map((p) => {
                  const k = parameterKey(p);
                  const sv = p.serverValue;
                  return (
                    <TableRow key={k} data-testid={`configure-param-${k}`}>
                      <TableCell>{p.objectName}</TableCell>
                      <TableCell title={p.description || undefined}>
                        {p.name}
                        {p.required ? ' *' : ''}
                      </TableCell>
                      <TableCell>{p.dataType}</TableCell>
                      <TableCell>{valueText(p.defaultValue, p.sensitive)}</TableCell>
                      <TableCell data-testid={`configure-server-value-${k}`}>
                        {sv?.kind === 'reference' ? (
                          <Typography variant="body2" component="span" color="secondary">
                            Environment variable: {serverValueText(sv, p.sensitive)}
                          </Typography>
                        ) : (
                          serverValueText(sv, p.sensitive)
                        )}
                      </TableCell>
                      <TableCell align="right">
                        <Button
                          size="small"
                          onClick={() => setEditing(p)}
                          data-testid={`configure-edit-${k}`}
                        >
                          Edit...
                        </Button>
                      </TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          )}
        </Box>
      )}
      {page === 'references' && (
        <ReferencesPage
          folders={folders}
          folderName={folderName}
          projectName={projectName}
          references={references}
          onChanged={onChanged}
        />
      )}
      {editing && (
        <SetParameterValueDialog
          folderName={folderName}
          projectName={projectName}
          parameter={editing}
          variables={referencedVariables(folders, references.data ?? [])}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            parameters.reload();
            onChanged();
          }}
        />
      )}
    </CatalogDialogFrame>
  );
}

interface ReferencesPageProps {
  folders: readonly FolderInfo[];
  folderName: string;
  projectName: string;
  references: ApiQuery<ReferenceInfo[]>;
  onChanged: () => void;
}

function ReferencesPage({ folders, folderName, projectName, references, onChanged }: ReferencesPageProps) {
  const client = useApi();
  const [envFolder, setEnvFolder] = useState(folderName);
  const [envName, setEnvName] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<ReferenceInfo | null>(null);

  const environments =
    folders
      .find((f) => f.name === envFolder)
      ?.environments.map((e) => e.name)
      .sort() ?? [];

  async function act(work: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      references.reload();
      onChanged();
      return true;
    } catch (e) {
      setError(coerceError(e).message);
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function add() {
    if (envName === '') {
      setFieldError('Choose an environment to reference.');
      return;
    }
    setFieldError(null);
    const ok = await act(() =>
      client.call('reference.add', {
        folderName,
        projectName,
        ...(envFolder === folderName ? {} : { environmentFolderName: envFolder }),
        environmentName: envName,
      }),
    );
    if (ok) setEnvName('');
  }

  async function remove(ref: ReferenceInfo) {
    if (await act(() => client.call('reference.remove', { referenceId: ref.referenceId }))) setRemoving(null);
  }

  const rows = references.data ?? [];
  return (
    <Box data-testid="configure-references">
      <ErrorAlert testId="configure-references-error" error={references.error ?? error} />
      {references.data === null && references.loading && (
        <LoadingRow testId="configure-references-loading" what="references" />
      )}
      {references.data !== null && rows.length === 0 && (
        <EmptyRow testId="configure-references-empty">This project references no environments.</EmptyRow>
      )}
      {rows.length > 0 && (
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>Environment</TableCell>
              <TableCell>Folder</TableCell>
              <TableCell>Reference</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow
                key={r.referenceId}
                data-testid={`reference-row-${r.environmentFolderName}/${r.environmentName}`}
              >
                <TableCell>{r.environmentName}</TableCell>
                <TableCell>{r.environmentFolderName}</TableCell>
                <TableCell>{r.referenceType === 'R' ? 'Relative' : 'Absolute'}</TableCell>
                <TableCell align="right">
                  {removing?.referenceId === r.referenceId ? (
                    <InlineConfirm
                      question={`Remove the reference to ${r.environmentFolderName}/${r.environmentName}?`}
                      confirmLabel="Remove"
                      busy={busy}
                      onCancel={() => setRemoving(null)}
                      onConfirm={() => void remove(r)}
                      testId="reference-remove-confirm"
                    />
                  ) : (
                    <Button
                      size="small"
                      onClick={() => setRemoving(r)}
                      data-testid={`reference-remove-${r.environmentFolderName}/${r.environmentName}`}
                    >
                      Remove
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Typography variant="subtitle2" sx={{ mt: 2 }}>
        Add a reference
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', mt: 1 }}>
        <TextField
          select
          label="Folder"
          value={envFolder}
          size="small"
          onChange={(e) => {
            setEnvFolder(e.target.value);
            setEnvName('');
          }}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'reference-folder' } }}
        >
          {folders.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
              {f.name === folderName ? ' (this project’s folder)' : ''}
            </option>
          ))}
        </TextField>
        <TextField
          select
          label="Environment"
          value={envName}
          size="small"
          onChange={(e) => {
            setEnvName(e.target.value);
            setFieldError(null);
          }}
          error={fieldError !== null}
          helperText={
            fieldError ?? (environments.length === 0 ? 'This folder has no environments.' : undefined)
          }
          sx={{ minWidth: 200 }}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'reference-environment' } }}
        >
          <option value="">(choose)</option>
          {environments.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </TextField>
        <Button onClick={() => void add()} disabled={busy} sx={{ mt: 0.5 }} data-testid="reference-add">
          Add
        </Button>
      </Box>
    </Box>
  );
}
