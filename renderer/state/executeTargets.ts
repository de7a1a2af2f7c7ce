import type { ConnectionManagerInfo, FolderInfo, ParameterInfo } from '../../master-core/protocol/api';
import type { CatalogPath } from './catalogTree';

/** One package the Execute dialog will submit, with the parameters it can set. */
export interface ExecuteTarget {
  /** "folder/project/package": unique, since object names cannot hold "/". */
  key: string;
  folderName: string;
  projectName: string;
  packageName: string;
  projectParameters: ParameterInfo[];
  packageParameters: ParameterInfo[];
  projectConnectionManagers: ConnectionManagerInfo[];
  packageConnectionManagers: ConnectionManagerInfo[];
}

/** A connection manager the package runs with, and whose it is. */
export interface TargetConnectionManager extends ConnectionManagerInfo {
  scope: 'Project' | 'Package';
}

/**
 * The connection managers a package runs with: the project's and its own, the package's winning
 * when both have one of the same name (as the engine does). Sorted by name.
 */
export function connectionManagersOf(target: ExecuteTarget): TargetConnectionManager[] {
  const byName = new Map<string, TargetConnectionManager>();
  for (const cm of target.projectConnectionManagers)
    byName.set(cm.name.toLowerCase(), { ...cm, scope: 'Project' });
  for (const cm of target.packageConnectionManagers)
    byName.set(cm.name.toLowerCase(), { ...cm, scope: 'Package' });
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** "folder/project": the key of a project, for its environment references. */
export const projectKeyOf = (target: Pick<ExecuteTarget, 'folderName' | 'projectName'>) =>
  `${target.folderName}/${target.projectName}`;

const same = (a: string, b: string | undefined) => b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The packages under catalog paths: a package path gives that package, a project path all its
 * packages, a folder path every package in the folder. Duplicates are dropped, order is kept.
 */
export function targetsForPaths(
  folders: readonly FolderInfo[],
  paths: readonly CatalogPath[],
): ExecuteTarget[] {
  const targets = new Map<string, ExecuteTarget>();
  for (const path of paths) {
    for (const folder of folders) {
      if (!same(folder.name, path.folder)) continue;
      for (const project of folder.projects) {
        if (path.project !== undefined && !same(project.name, path.project)) continue;
        for (const pkg of project.packages) {
          if (path.package !== undefined && !same(pkg.name, path.package)) continue;
          const key = `${folder.name}/${project.name}/${pkg.name}`;
          if (targets.has(key)) continue;
          targets.set(key, {
            key,
            folderName: folder.name,
            projectName: project.name,
            packageName: pkg.name,
            projectParameters: project.parameters,
            packageParameters: pkg.parameters,
            projectConnectionManagers: project.connectionManagers ?? [],
            packageConnectionManagers: pkg.connectionManagers ?? [],
          });
        }
      }
    }
  }
  return [...targets.values()];
}
