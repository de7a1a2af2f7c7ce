import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useRef, useState } from 'react';
import type { ApiOutput, FolderInfo } from '../../../master-core/protocol/api';
import { coerceError } from '../../../master-core/protocol/errors';
import { ObjectName } from '../../../master-core/protocol/packageFormat';
import { useApi } from '../../hooks/useApi';
import { formatProblem, readProjectFiles } from '../../state/projectFiles';
import type { ReadProjectResult } from '../../state/projectFiles';
import { useAccess } from '../../hooks/useAccess';
import { CatalogDialogFrame, ErrorAlert } from './CatalogDialogFrame';

interface DeployProjectDialogProps {
  folders: readonly FolderInfo[];
  /** The catalog folder chosen at first (the one the menu was opened on). */
  initialFolder?: string;
  onClose: () => void;
  /** The catalog changed (a project deployed or a folder created): refresh the tree. */
  onChanged: () => void;
}

type DeployOutput = ApiOutput<'project.deployFiles'>;
type Outcome = { validateOnly: boolean; output: DeployOutput };
type LoadedSource = Extract<ReadProjectResult, { ok: true }>;

const NEW_FOLDER = '\u0000new';

/** Deploy Project: a project folder (or one bundle file) from the disk, validated and deployed by the master. */
export function DeployProjectDialog({
  folders,
  initialFolder,
  onClose,
  onChanged,
}: DeployProjectDialogProps) {
  const client = useApi();
  const folderInput = useRef<HTMLInputElement | null>(null);
  const fileInput = useRef<HTMLInputElement | null>(null);
  const [source, setSource] = useState<LoadedSource | null>(null);
  const [sourceError, setSourceError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [createdFolders, setCreatedFolders] = useState<string[]>([]);
  const [target, setTarget] = useState(initialFolder ?? '');
  const [targetError, setTargetError] = useState<string | null>(null);
  const [newFolder, setNewFolder] = useState<string | null>(null);
  const [newFolderError, setNewFolderError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'validate' | 'deploy' | 'folder' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [apiError, setApiError] = useState<string | null>(null);

  const access = useAccess();
  // Only folders the caller may deploy to; a folder made here is theirs (only an admin can make one).
  const folderNames = [
    ...new Set([...folders.map((f) => f.name).filter((n) => access.can('modify', n)), ...createdFolders]),
  ].sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));

  async function choose(list: FileList | null) {
    if (!list || list.length === 0) return;
    setReading(true);
    setOutcome(null);
    setApiError(null);
    const read = await readProjectFiles(Array.from(list));
    setReading(false);
    if (read.ok) {
      setSource(read);
      setSourceError(null);
    } else {
      setSource(null);
      setSourceError(read.error);
    }
  }

  async function createFolder() {
    const checked = ObjectName.safeParse((newFolder ?? '').trim());
    if (!checked.success) {
      setNewFolderError(`Folder name ${checked.error.issues[0]?.message ?? 'is not valid'}`);
      return;
    }
    setBusy('folder');
    setNewFolderError(null);
    try {
      const { created } = await client.call('folder.create', { name: checked.data });
      if (!created) {
        setNewFolderError(`A folder named ${checked.data} already exists.`);
      } else {
        setCreatedFolders((c) => [...c, checked.data]);
        setTarget(checked.data);
        setTargetError(null);
        setNewFolder(null);
        onChanged();
      }
    } catch (e) {
      setNewFolderError(coerceError(e).message);
    } finally {
      setBusy(null);
    }
  }

  async function run(validateOnly: boolean) {
    const noSource = source === null;
    const noTarget = target === '';
    setSourceError(noSource ? 'Choose a project folder or a bundle file.' : null);
    setTargetError(noTarget ? 'Choose the catalog folder to deploy to.' : null);
    if (noSource || noTarget) return;
    setBusy(validateOnly ? 'validate' : 'deploy');
    setApiError(null);
    setOutcome(null);
    try {
      const output = await client.call('project.deployFiles', {
        folderName: target,
        files: source.files,
        validateOnly,
      });
      setOutcome({ validateOnly, output });
      if (output.deployed) onChanged();
    } catch (e) {
      setApiError(coerceError(e).message);
    } finally {
      setBusy(null);
    }
  }

  const deployed = outcome?.output.deployed ?? null;

  return (
    <CatalogDialogFrame
      title="Deploy Project"
      testId="deploy-dialog"
      onClose={onClose}
      actions={
        <>
          <Button onClick={onClose} data-testid="deploy-close">
            {deployed ? 'Close' : 'Cancel'}
          </Button>
          <Button
            onClick={() => void run(true)}
            disabled={busy !== null || reading}
            data-testid="deploy-validate"
          >
            {busy === 'validate' ? 'Validating...' : 'Validate'}
          </Button>
          <Button
            variant="contained"
            onClick={() => void run(false)}
            disabled={busy !== null || reading}
            data-testid="deploy-submit"
          >
            {busy === 'deploy' ? 'Deploying...' : 'Deploy'}
          </Button>
        </>
      }
    >
      <Typography variant="subtitle2">Source</Typography>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap', my: 1 }}>
        <Button
          variant="outlined"
          onClick={() => folderInput.current?.click()}
          data-testid="deploy-choose-folder"
        >
          Project folder...
        </Button>
        <Button
          variant="outlined"
          onClick={() => fileInput.current?.click()}
          data-testid="deploy-choose-file"
        >
          Bundle file...
        </Button>
        <input
          type="file"
          multiple
          hidden
          ref={(el) => {
            folderInput.current = el;
            el?.setAttribute('webkitdirectory', '');
          }}
          onChange={(e) => {
            void choose(e.target.files);
            e.target.value = '';
          }}
          data-testid="deploy-folder-input"
        />
        <input
          type="file"
          hidden
          accept=".json,.yaml,.yml"
          ref={fileInput}
          onChange={(e) => {
            void choose(e.target.files);
            e.target.value = '';
          }}
          data-testid="deploy-file-input"
        />
      </Box>
      {reading && (
        <Typography variant="body2" color="text.secondary" role="status">
          Reading files...
        </Typography>
      )}
      {source && (
        <Box data-testid="deploy-source" sx={{ mb: 1 }}>
          <Typography variant="body2">
            {source.sourceName}: {source.files.length} file{source.files.length === 1 ? '' : 's'}
            {source.skipped.length > 0
              ? ` (${source.skipped.length} hidden or node_modules files left out)`
              : ''}
          </Typography>
          <Typography variant="caption" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
            {source.files
              .slice(0, 12)
              .map((f) => f.path)
              .join(', ')}
            {source.files.length > 12 ? ', ...' : ''}
          </Typography>
        </Box>
      )}
      {sourceError && (
        <Typography variant="body2" color="error" data-testid="deploy-source-error">
          {sourceError}
        </Typography>
      )}

      <Typography variant="subtitle2" sx={{ mt: 2 }}>
        Destination
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', my: 1 }}>
        <TextField
          select
          label="Catalog folder"
          value={newFolder !== null ? NEW_FOLDER : target}
          onChange={(e) => {
            if (e.target.value === NEW_FOLDER) {
              setNewFolder('');
            } else {
              setNewFolder(null);
              setTarget(e.target.value);
              setTargetError(null);
            }
            setOutcome(null);
          }}
          error={targetError !== null}
          helperText={targetError}
          sx={{ minWidth: 240 }}
          slotProps={{ select: { native: true }, htmlInput: { 'data-testid': 'deploy-folder' } }}
        >
          <option value="">(choose a folder)</option>
          {folderNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
          {access.can('admin') && <option value={NEW_FOLDER}>New folder...</option>}
        </TextField>
        {newFolder !== null && (
          <>
            <TextField
              label="New folder name"
              value={newFolder}
              onChange={(e) => setNewFolder(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void createFolder();
                }
              }}
              error={newFolderError !== null}
              helperText={newFolderError}
              autoFocus
              slotProps={{ htmlInput: { 'data-testid': 'deploy-new-folder-name' } }}
            />
            <Button
              onClick={() => void createFolder()}
              disabled={busy !== null}
              sx={{ mt: 1 }}
              data-testid="deploy-new-folder-create"
            >
              Create
            </Button>
          </>
        )}
      </Box>

      <ErrorAlert testId="deploy-error" error={apiError} />
      {outcome && <OutcomeView outcome={outcome} folderName={target} />}
    </CatalogDialogFrame>
  );
}

function OutcomeView({ outcome, folderName }: { outcome: Outcome; folderName: string }) {
  const { output, validateOnly } = outcome;
  const project = output.projectName ?? 'The project';
  if (output.problems.length > 0) {
    return (
      <Box sx={{ mt: 1 }}>
        <Alert severity="error" data-testid="deploy-problems-summary">
          {output.problems.length} problem{output.problems.length === 1 ? '' : 's'}; nothing was deployed.
        </Alert>
        <List dense data-testid="deploy-problems" sx={{ maxHeight: 260, overflow: 'auto' }}>
          {output.problems.map((p, i) => (
            <ListItem
              key={i}
              data-testid="deploy-problem"
              sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-word', py: 0.25 }}
            >
              {formatProblem(p)}
            </ListItem>
          ))}
        </List>
      </Box>
    );
  }
  const packages = output.packageNames.join(', ');
  if (validateOnly || !output.deployed) {
    return (
      <Alert severity="success" sx={{ mt: 1 }} data-testid="deploy-valid">
        {project} is valid{packages ? `: packages ${packages}` : ''}. Nothing was deployed yet.
      </Alert>
    );
  }
  const { versionId, packageCount, unchanged } = output.deployed;
  return (
    <Alert severity="success" sx={{ mt: 1 }} data-testid="deploy-result">
      {unchanged
        ? `${project} is unchanged: version ${versionId} stays current in ${folderName}.`
        : `Deployed ${project} to ${folderName} as version ${versionId} (${packageCount} package${packageCount === 1 ? '' : 's'}).`}
    </Alert>
  );
}
