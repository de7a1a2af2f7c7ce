import type { FolderInfo, WorkerRow } from '../../master-core/protocol/api';

/** The Object Explorer as plain data, so its shape is tested without rendering. */

export type TreeNodeKind =
  | 'catalogs'
  | 'ssisdb'
  | 'folder'
  | 'projects'
  | 'project'
  | 'packages'
  | 'package'
  | 'environments'
  | 'environment'
  | 'scaleOut'
  | 'workers'
  | 'worker'
  | 'none';

/** Where a folder, project or package node sits in the catalog. */
export interface CatalogPath {
  folder: string;
  project?: string;
  package?: string;
}

export interface TreeNode {
  id: string;
  kind: TreeNodeKind;
  label: string;
  /** data-testid of the item, for folders, projects, packages and workers. */
  testId?: string;
  /** Set on folder, project and package nodes: what "Execute in Scale Out..." runs. */
  path?: CatalogPath;
  /** Set on worker nodes. */
  online?: boolean;
  /** The catalog folder the node is in (or is): set on folder, Projects, project, package, Environments and environment nodes. */
  folderName?: string;
  /** Set on environment nodes. */
  environmentName?: string;
  children: TreeNode[];
}

export const CATALOGS_ROOT_ID = 'catalogs';
export const SSISDB_ID = 'ssisdb';
export const SCALE_OUT_ROOT_ID = 'scaleout';
export const WORKERS_ID = 'workers';

// Object names cannot hold "/" (see ObjectName), so these ids cannot collide.
export const folderItemId = (folder: string) => `folder:${folder}`;
export const projectItemId = (folder: string, project: string) => `project:${folder}/${project}`;
export const packageItemId = (folder: string, project: string, pkg: string) =>
  `package:${folder}/${project}/${pkg}`;
export const environmentItemId = (folder: string, environment: string) =>
  `environment:${folder}/${environment}`;
export const workerItemId = (workerId: string) => `worker:${workerId}`;

function byName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
}

function noneNode(parentId: string): TreeNode {
  return { id: `none:${parentId}`, kind: 'none', label: '(none)', children: [] };
}

function withNone(parentId: string, children: TreeNode[]): TreeNode[] {
  return children.length > 0 ? children : [noneNode(parentId)];
}

function folderNode(folder: FolderInfo): TreeNode {
  const f = folder.name;
  const projects: TreeNode[] = byName(folder.projects).map((project) => {
    const p = project.name;
    const packages: TreeNode[] = byName(project.packages).map((pkg) => ({
      id: packageItemId(f, p, pkg.name),
      kind: 'package',
      label: pkg.name,
      testId: `tree-package-${f}/${p}/${pkg.name}`,
      path: { folder: f, project: p, package: pkg.name },
      folderName: f,
      children: [],
    }));
    const packagesId = `packages:${f}/${p}`;
    return {
      id: projectItemId(f, p),
      kind: 'project',
      label: p,
      testId: `tree-project-${f}/${p}`,
      path: { folder: f, project: p },
      folderName: f,
      children: [
        { id: packagesId, kind: 'packages', label: 'Packages', children: withNone(packagesId, packages) },
      ],
    };
  });
  const projectsId = `projects:${f}`;
  const environmentsId = `environments:${f}`;
  return {
    id: folderItemId(f),
    kind: 'folder',
    label: f,
    testId: `tree-folder-${f}`,
    path: { folder: f },
    folderName: f,
    children: [
      {
        id: projectsId,
        kind: 'projects',
        label: 'Projects',
        folderName: f,
        children: withNone(projectsId, projects),
      },
      {
        id: environmentsId,
        kind: 'environments',
        label: 'Environments',
        folderName: f,
        children: withNone(
          environmentsId,
          byName(folder.environments ?? []).map((e) => ({
            id: environmentItemId(f, e.name),
            kind: 'environment' as const,
            label: e.name,
            testId: `tree-environment-${f}/${e.name}`,
            folderName: f,
            environmentName: e.name,
            children: [],
          })),
        ),
      },
    ],
  };
}

/** "Integration Services Catalogs" > "SSISDB" > folders > Projects > project > Packages > package. */
export function buildCatalogTree(folders: readonly FolderInfo[]): TreeNode {
  return {
    id: CATALOGS_ROOT_ID,
    kind: 'catalogs',
    label: 'Integration Services Catalogs',
    children: [{ id: SSISDB_ID, kind: 'ssisdb', label: 'SSISDB', children: byName(folders).map(folderNode) }],
  };
}

/** "Scale Out" > "Workers" > each worker (sorted by name). */
export function buildScaleOutTree(workers: readonly WorkerRow[]): TreeNode {
  const workerNodes: TreeNode[] = byName(workers).map((w) => ({
    id: workerItemId(w.workerId),
    kind: 'worker',
    label: w.name,
    testId: `tree-worker-${w.name}`,
    online: w.online,
    children: [],
  }));
  return {
    id: SCALE_OUT_ROOT_ID,
    kind: 'scaleOut',
    label: 'Scale Out',
    children: [
      { id: WORKERS_ID, kind: 'workers', label: 'Workers', children: withNone(WORKERS_ID, workerNodes) },
    ],
  };
}

/** Every node by id. */
export function indexTree(roots: readonly TreeNode[]): Map<string, TreeNode> {
  const index = new Map<string, TreeNode>();
  const visit = (node: TreeNode) => {
    index.set(node.id, node);
    node.children.forEach(visit);
  };
  roots.forEach(visit);
  return index;
}

/** Ids of nodes that have children; the explorer expands each one the first time it appears. */
export function expandableIds(roots: readonly TreeNode[]): string[] {
  return [...indexTree(roots).values()].filter((n) => n.children.length > 0).map((n) => n.id);
}
