import type { CatalogPath, TreeNode } from './catalogTree';

/** What the Object Explorer's context menu offers on each kind of node, as plain data. */

/** A dialog the explorer opens; each names the catalog object it works on. */
export type CatalogDialog =
  | { kind: 'createFolder' }
  | { kind: 'deploy'; folderName?: string }
  | { kind: 'catalogProperties' }
  | { kind: 'createEnvironment'; folderName: string }
  | { kind: 'deleteFolder'; folderName: string }
  | { kind: 'configure'; folderName: string; projectName: string; packageName?: string }
  | { kind: 'versions'; folderName: string; projectName: string }
  | { kind: 'deleteProject'; folderName: string; projectName: string }
  | { kind: 'environment'; folderName: string; environmentName: string }
  | { kind: 'deleteEnvironment'; folderName: string; environmentName: string }
  /** SSMS's read-only Properties window of a folder, project or package. */
  | { kind: 'objectProperties'; path: CatalogPath };

export type MenuAction =
  | { kind: 'execute' }
  | { kind: 'openWorkers' }
  | { kind: 'refresh' }
  /** Reports > Standard Reports > All Executions, filtered to this folder, project or package. */
  | { kind: 'showExecutions'; path: CatalogPath }
  | { kind: 'dialog'; dialog: CatalogDialog };

export interface MenuEntry {
  /** The item's data-testid is `menu-<id>`. */
  id: string;
  label: string;
  action: MenuAction;
  /** Draw a divider above this entry. */
  dividerBefore?: boolean;
}

const dialog = (id: string, label: string, d: CatalogDialog, dividerBefore = false): MenuEntry => ({
  id,
  label,
  action: { kind: 'dialog', dialog: d },
  ...(dividerBefore ? { dividerBefore } : {}),
});

const execute: MenuEntry = { id: 'execute', label: 'Execute in Scale Out...', action: { kind: 'execute' } };
const refresh: MenuEntry = {
  id: 'refresh',
  label: 'Refresh',
  action: { kind: 'refresh' },
  dividerBefore: true,
};

/** SSMS's Reports > Standard Reports > All Executions, as one entry (MUI menus do not nest). */
const allExecutions = (path: CatalogPath): MenuEntry => ({
  id: 'report-all-executions',
  label: 'Reports > All Executions',
  action: { kind: 'showExecutions', path },
  dividerBefore: true,
});

const properties = (path: CatalogPath): MenuEntry =>
  dialog('properties', 'Properties', { kind: 'objectProperties', path }, true);

/** The entries of the context menu of `node`, in SSMS's order; Refresh is always last. */
export function menuFor(node: TreeNode): MenuEntry[] {
  const folderName = node.folderName ?? '';
  const projectName = node.path?.project ?? '';
  const path: CatalogPath = node.path ?? { folder: folderName };
  switch (node.kind) {
    case 'ssisdb':
      return [
        dialog('create-folder', 'Create Folder...', { kind: 'createFolder' }),
        dialog('deploy', 'Deploy Project...', { kind: 'deploy' }),
        dialog('properties', 'Properties', { kind: 'catalogProperties' }, true),
        refresh,
      ];
    case 'folder':
      return [
        execute,
        dialog('deploy', 'Deploy Project...', { kind: 'deploy', folderName }),
        dialog('create-environment', 'Create Environment...', { kind: 'createEnvironment', folderName }),
        allExecutions(path),
        dialog('delete', 'Delete', { kind: 'deleteFolder', folderName }, true),
        properties(path),
        refresh,
      ];
    case 'projects':
      return [dialog('deploy', 'Deploy Project...', { kind: 'deploy', folderName }), refresh];
    case 'environments':
      return [
        dialog('create-environment', 'Create Environment...', { kind: 'createEnvironment', folderName }),
        refresh,
      ];
    case 'project':
      return [
        execute,
        dialog('configure', 'Configure...', { kind: 'configure', folderName, projectName }),
        dialog('versions', 'Versions...', { kind: 'versions', folderName, projectName }),
        dialog('deploy', 'Deploy Project...', { kind: 'deploy', folderName }),
        allExecutions(path),
        dialog('delete', 'Delete', { kind: 'deleteProject', folderName, projectName }, true),
        properties(path),
        refresh,
      ];
    case 'package':
      return [
        execute,
        dialog('configure', 'Configure...', {
          kind: 'configure',
          folderName,
          projectName,
          packageName: node.path?.package ?? '',
        }),
        allExecutions(path),
        properties(path),
        refresh,
      ];
    case 'environment': {
      const environmentName = node.environmentName ?? '';
      return [
        dialog('properties', 'Properties', { kind: 'environment', folderName, environmentName }),
        dialog('delete', 'Delete', { kind: 'deleteEnvironment', folderName, environmentName }, true),
        refresh,
      ];
    }
    case 'workers':
    case 'worker':
      return [{ id: 'open-workers', label: 'Open Workers', action: { kind: 'openWorkers' } }, refresh];
    case 'catalogs':
    case 'scaleOut':
    case 'packages':
    case 'none':
      return [{ ...refresh, dividerBefore: false }];
  }
}

/** What a delete confirmation says: the object named in full, as SSMS's Delete Object dialog does. */
export function deleteQuestion(d: CatalogDialog): string {
  switch (d.kind) {
    case 'deleteFolder':
      return `Delete the folder "${d.folderName}"? Only an empty folder (no projects, no environments) can be deleted.`;
    case 'deleteProject':
      return `Delete the project "${d.projectName}" from the folder "${d.folderName}" with all its versions? Its past executions are kept.`;
    case 'deleteEnvironment':
      return `Delete the environment "${d.environmentName}" from the folder "${d.folderName}" with all its variables? References to it stay but find no variables.`;
    default:
      return '';
  }
}
