import type { FolderInfo, ParameterInfo } from '../../master-core/protocol/api';
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
}

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
          });
        }
      }
    }
  }
  return [...targets.values()];
}
