import Button from '@mui/material/Button';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type {
  ConnectionManagerInfo,
  FolderInfo,
  PackageInfo,
  ParameterInfo,
  ProjectInfo,
  VersionRow,
} from '../../../master-core/protocol/api';
import { useApiQuery } from '../../hooks/useApiQuery';
import type { CatalogPath } from '../../state/catalogTree';
import { formatTime } from '../../state/displayFormat';
import { valueText } from '../../state/typedValue';
import { CatalogDialogFrame, EmptyRow, ErrorAlert, LoadingRow } from './CatalogDialogFrame';

interface ObjectPropertiesDialogProps {
  path: CatalogPath;
  onClose: () => void;
}

const TEST_ID = 'object-properties';

/** What a property row shows; `key` names its data-testid (`object-property-<key>`). */
interface Fact {
  key: string;
  label: string;
  value: string;
}

const CONNECTION_TYPES: Readonly<Record<ConnectionManagerInfo['type'], string>> = {
  sqlite: 'SQLite',
  postgresql: 'PostgreSQL',
  flatFile: 'Flat File',
  http: 'HTTP',
};

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

/** The object `path` names in the catalog, as far down as it exists. */
function locate(folders: readonly FolderInfo[], path: CatalogPath) {
  const folder = folders.find((f) => f.name === path.folder);
  const project = path.project ? folder?.projects.find((p) => p.name === path.project) : undefined;
  const pkg = path.package ? project?.packages.find((p) => p.name === path.package) : undefined;
  return { folder, project, pkg };
}

function kindOf(path: CatalogPath): 'Folder' | 'Project' | 'Package' {
  if (path.package !== undefined) return 'Package';
  if (path.project !== undefined) return 'Project';
  return 'Folder';
}

/** Why the object is not shown: it was deleted (or renamed) since the tree was drawn. */
function missingText(path: CatalogPath): string {
  if (path.package !== undefined)
    return `The package ${path.package} is no longer in the project ${path.folder}/${path.project}.`;
  if (path.project !== undefined)
    return `The project ${path.project} is no longer in the folder ${path.folder}.`;
  return `The folder ${path.folder} no longer exists.`;
}

function folderFacts(folder: FolderInfo): Fact[] {
  const packages = folder.projects.reduce((n, p) => n + p.packages.length, 0);
  return [
    { key: 'name', label: 'Name', value: folder.name },
    { key: 'description', label: 'Description', value: folder.description },
    { key: 'projects', label: 'Projects', value: String(folder.projects.length) },
    { key: 'packages', label: 'Packages', value: String(packages) },
    { key: 'environments', label: 'Environments', value: String(folder.environments.length) },
  ];
}

function projectFacts(
  folder: FolderInfo,
  project: ProjectInfo,
  versions: readonly VersionRow[] | null,
): Fact[] {
  const current = versions?.find((v) => v.isCurrent);
  const packageParameters = project.packages.reduce((n, p) => n + p.parameters.length, 0);
  const facts: Fact[] = [
    { key: 'name', label: 'Name', value: project.name },
    { key: 'folder', label: 'Folder', value: folder.name },
    { key: 'description', label: 'Description', value: project.description },
    // project.versions is the history's own word; the tree's copy stands in until it answers.
    { key: 'version', label: 'Current version', value: String(current?.versionId ?? project.versionId) },
    {
      key: 'deployed-at',
      label: 'Deployed at',
      value: formatTime(current?.deployedAt ?? project.deployedAt),
    },
    { key: 'deployed-by', label: 'Deployed by', value: current?.deployedBy ?? project.deployedBy },
  ];
  if (versions) facts.push({ key: 'versions', label: 'Versions kept', value: String(versions.length) });
  facts.push(
    { key: 'packages', label: 'Packages', value: String(project.packages.length) },
    { key: 'parameters', label: 'Project parameters', value: String(project.parameters.length) },
    { key: 'package-parameters', label: 'Package parameters', value: String(packageParameters) },
    { key: 'references', label: 'Environment references', value: String(project.references.length) },
  );
  if (project.connectionManagers)
    facts.push({
      key: 'connection-managers',
      label: 'Connection managers',
      value: String(project.connectionManagers.length),
    });
  return facts;
}

function packageFacts(folder: FolderInfo, project: ProjectInfo, pkg: PackageInfo): Fact[] {
  return [
    { key: 'name', label: 'Name', value: pkg.name },
    { key: 'folder', label: 'Folder', value: folder.name },
    { key: 'project', label: 'Project', value: project.name },
    { key: 'description', label: 'Description', value: pkg.description },
    { key: 'version', label: 'Project version', value: String(project.versionId) },
    { key: 'tasks', label: 'Tasks', value: String(pkg.taskCount) },
    { key: 'parameters', label: 'Parameters', value: String(pkg.parameters.length) },
  ];
}

function FactsTable({ facts }: { facts: readonly Fact[] }) {
  return (
    <Table size="small" aria-label="Properties" data-testid={`${TEST_ID}-facts`}>
      <TableBody>
        {facts.map((f) => (
          <TableRow key={f.key}>
            <TableCell component="th" scope="row" sx={{ width: 200, color: 'text.secondary' }}>
              {f.label}
            </TableCell>
            <TableCell data-testid={`object-property-${f.key}`} sx={{ whiteSpace: 'pre-wrap' }}>
              {f.value}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Section({ title }: { title: string }) {
  return (
    <Typography variant="subtitle2" sx={{ mt: 2, mb: 0.5 }}>
      {title}
    </Typography>
  );
}

function ParametersTable({ parameters }: { parameters: readonly ParameterInfo[] }) {
  if (parameters.length === 0)
    return <EmptyRow testId={`${TEST_ID}-no-parameters`}>This package has no parameters.</EmptyRow>;
  return (
    <Table size="small" aria-label="Parameters" data-testid={`${TEST_ID}-parameters`}>
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Data type</TableCell>
          <TableCell>Required</TableCell>
          <TableCell>Sensitive</TableCell>
          <TableCell>Design default</TableCell>
          <TableCell>Description</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {parameters.map((p) => (
          <TableRow key={p.name} data-testid={`${TEST_ID}-parameter-${p.name}`}>
            <TableCell>{p.name}</TableCell>
            <TableCell>{p.dataType}</TableCell>
            <TableCell>{yesNo(p.required)}</TableCell>
            <TableCell>{yesNo(p.sensitive)}</TableCell>
            <TableCell>{valueText(p.defaultValue, p.sensitive)}</TableCell>
            <TableCell>{p.description}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function ConnectionManagersTable({ managers }: { managers: readonly ConnectionManagerInfo[] }) {
  if (managers.length === 0)
    return <EmptyRow testId={`${TEST_ID}-no-connection-managers`}>No connection managers.</EmptyRow>;
  return (
    <Table size="small" aria-label="Connection managers" data-testid={`${TEST_ID}-connection-managers`}>
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Description</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {managers.map((m) => (
          <TableRow key={m.name} data-testid={`${TEST_ID}-connection-manager-${m.name}`}>
            <TableCell>{m.name}</TableCell>
            <TableCell>{CONNECTION_TYPES[m.type]}</TableCell>
            <TableCell>{m.description}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * SSMS's Properties window for a folder, project or package, read-only: what the catalog says of
 * it (catalog.tree) and, for a project, its version history (project.versions). Reloads when the
 * catalog changes; an object deleted meanwhile says so.
 */
export function ObjectPropertiesDialog({ path, onClose }: ObjectPropertiesDialogProps) {
  const kind = kindOf(path);
  const tree = useApiQuery('catalog.tree', async (c) => (await c.call('catalog.tree', {})).folders, {
    reloadOnCatalogChange: true,
  });
  const isProject = kind === 'Project';
  const versions = useApiQuery(
    isProject ? `versions:${path.folder}/${path.project ?? ''}` : 'versions:none',
    async (c) =>
      isProject
        ? (await c.call('project.versions', { folderName: path.folder, projectName: path.project ?? '' }))
            .versions
        : null,
    { reloadOnCatalogChange: true },
  );

  const name = [path.folder, path.project, path.package].filter((n) => n !== undefined).join('/');
  const found = tree.data ? locate(tree.data, path) : null;
  const object = found && (kind === 'Folder' ? found.folder : kind === 'Project' ? found.project : found.pkg);
  const errors = [tree.error, isProject && versions.error ? `Versions: ${versions.error}` : null].filter(
    (e): e is string => e !== null,
  );

  let body = null;
  if (found && object) {
    const { folder, project, pkg } = found;
    if (kind === 'Folder' && folder) body = <FactsTable facts={folderFacts(folder)} />;
    else if (kind === 'Project' && folder && project) {
      body = (
        <>
          <FactsTable facts={projectFacts(folder, project, versions.data)} />
          {versions.data === null && versions.loading && (
            <LoadingRow testId={`${TEST_ID}-versions-loading`} what="versions" />
          )}
          {project.connectionManagers && (
            <>
              <Section title="Connection managers" />
              <ConnectionManagersTable managers={project.connectionManagers} />
            </>
          )}
        </>
      );
    } else if (folder && project && pkg) {
      body = (
        <>
          <FactsTable facts={packageFacts(folder, project, pkg)} />
          <Section title="Parameters" />
          <ParametersTable parameters={pkg.parameters} />
          {pkg.connectionManagers && (
            <>
              <Section title="Connection managers" />
              <ConnectionManagersTable managers={pkg.connectionManagers} />
            </>
          )}
        </>
      );
    }
  }

  return (
    <CatalogDialogFrame
      title={`${kind} Properties - ${name}`}
      testId={`${TEST_ID}-dialog`}
      onClose={onClose}
      actions={
        <Button onClick={onClose} data-testid={`${TEST_ID}-close`}>
          Close
        </Button>
      }
    >
      <ErrorAlert testId={`${TEST_ID}-error`} error={errors.length > 0 ? errors.join('\n') : null} />
      {tree.data === null && tree.loading && <LoadingRow testId={`${TEST_ID}-loading`} what="properties" />}
      {tree.data !== null && !object && (
        <EmptyRow testId={`${TEST_ID}-missing`}>{missingText(path)}</EmptyRow>
      )}
      {body}
    </CatalogDialogFrame>
  );
}
