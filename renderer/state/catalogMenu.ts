import type { AccessAction } from './access';
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
  /** What the caller must be allowed (useAccess().can); the explorer leaves the entry out otherwise. */
  requires?: { action: AccessAction; folderName?: string };
}

const needs = (entry: MenuEntry, action: AccessAction, folderName?: string): MenuEntry => ({
  ...entry,
  requires: folderName === undefined ? { action } : { action, folderName },
});

const dialog = (id: string, label: string, d: CatalogDialog, dividerBefore = false): MenuEntry => ({
  id,
  label,
  action: { kind: 'dialog', dialog: d },
  ...(dividerBefore ? { dividerBefore } : {}),
});

const execute = (folderName: string): MenuEntry =>
  needs(
    { id: 'execute', label: 'Execute in Scale Out...', action: { kind: 'execute' } },
    'execute',
    folderName,
  );
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
  const modify = (entry: MenuEntry) => needs(entry, 'modify', folderName);
  const deploy = modify(dialog('deploy', 'Deploy Project...', { kind: 'deploy', folderName }));
  const createEnvironment = modify(
    dialog('create-environment', 'Create Environment...', { kind: 'createEnvironment', folderName }),
  );
  switch (node.kind) {
    case 'ssisdb':
      return [
        needs(dialog('create-folder', 'Create Folder...', { kind: 'createFolder' }), 'admin'),
        // Deploy from the top picks a folder: offered when the caller may modify at least one.
        needs(dialog('deploy', 'Deploy Project...', { kind: 'deploy' }), 'modify'),
        needs(dialog('properties', 'Properties', { kind: 'catalogProperties' }, true), 'admin'),
        refresh,
      ];
    case 'folder':
      return [
        execute(folderName),
        deploy,
        createEnvironment,
        allExecutions(path),
        needs(dialog('delete', 'Delete', { kind: 'deleteFolder', folderName }, true), 'admin'),
        properties(path),
        refresh,
      ];
    case 'projects':
      return [deploy, refresh];
    case 'environments':
      return [createEnvironment, refresh];
    case 'project':
      return [
        execute(folderName),
        modify(dialog('configure', 'Configure...', { kind: 'configure', folderName, projectName })),
        // Versions lists to anyone who may read; its Restore asks for Modify itself.
        dialog('versions', 'Versions...', { kind: 'versions', folderName, projectName }),
        deploy,
        allExecutions(path),
        modify(dialog('delete', 'Delete', { kind: 'deleteProject', folderName, projectName }, true)),
        properties(path),
        refresh,
      ];
    case 'package':
      return [
        execute(folderName),
        modify(
          dialog('configure', 'Configure...', {
            kind: 'configure',
            folderName,
            projectName,
            packageName: node.path?.package ?? '',
          }),
        ),
        allExecutions(path),
        properties(path),
        refresh,
      ];
    case 'environment': {
      const environmentName = node.environmentName ?? '';
      return [
        // The variables show to anyone who may read; editing them asks for Modify in the dialog.
        dialog('properties', 'Properties', { kind: 'environment', folderName, environmentName }),
        modify(dialog('delete', 'Delete', { kind: 'deleteEnvironment', folderName, environmentName }, true)),
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
