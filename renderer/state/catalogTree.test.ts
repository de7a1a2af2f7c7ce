import { describe, expect, it } from 'vitest';
import type { WorkerRow } from '../../master-core/protocol/api';
import {
  buildCatalogTree,
  buildScaleOutTree,
  environmentItemId,
  expandableIds,
  indexTree,
  packageItemId,
} from './catalogTree';
import type { TreeNode } from './catalogTree';
import { folders } from './catalogFixture';

const labels = (node: TreeNode | undefined) => node?.children.map((c) => c.label);

describe('buildCatalogTree', () => {
  const root = buildCatalogTree(folders);
  const ssisdb = root.children[0];

  it('nests SSISDB > folders (sorted) > Projects/Environments', () => {
    expect(root.label).toBe('Integration Services Catalogs');
    expect(ssisdb?.label).toBe('SSISDB');
    expect(labels(ssisdb)).toEqual(['Finance', 'Sales']);
    const sales = ssisdb?.children[1];
    expect(sales?.testId).toBe('tree-folder-Sales');
    expect(labels(sales)).toEqual(['Projects', 'Environments']);
    expect(labels(sales?.children[1])).toEqual(['(none)']);
  });

  it('gives projects and packages test ids and paths', () => {
    const index = indexTree([root]);
    const pkg = index.get(packageItemId('Sales', 'Load', 'a.pkg'));
    expect(pkg?.testId).toBe('tree-package-Sales/Load/a.pkg');
    expect(pkg?.path).toEqual({ folder: 'Sales', project: 'Load', package: 'a.pkg' });
    const load = index.get('project:Sales/Load');
    expect(load?.testId).toBe('tree-project-Sales/Load');
    expect(labels(load?.children[0])).toEqual(['a.pkg', 'b.pkg']);
  });

  it('shows (none) under empty containers', () => {
    const index = indexTree([root]);
    expect(labels(index.get('projects:Finance'))).toEqual(['(none)']);
    expect(labels(index.get('packages:Sales/Empty'))).toEqual(['(none)']);
  });

  it('lists every node with children as expandable', () => {
    const ids = expandableIds([root]);
    expect(ids).toContain('folder:Sales');
    expect(ids).toContain('packages:Sales/Load');
    expect(ids).not.toContain(packageItemId('Sales', 'Load', 'a.pkg'));
  });
});

describe('buildScaleOutTree', () => {
  const worker = (workerId: string, name: string, online: boolean) =>
    ({ workerId, name, online }) as WorkerRow;

  it('lists workers by name with their state', () => {
    const root = buildScaleOutTree([worker('2', 'w2', false), worker('1', 'w1', true)]);
    const workers = root.children[0];
    expect(workers?.label).toBe('Workers');
    expect(workers?.children.map((w) => [w.testId, w.online])).toEqual([
      ['tree-worker-w1', true],
      ['tree-worker-w2', false],
    ]);
  });

  it('shows (none) without workers', () => {
    expect(labels(buildScaleOutTree([]).children[0])).toEqual(['(none)']);
  });
});

describe('environments in the tree', () => {
  it('lists a folder’s environments under Environments, by name', () => {
    const tree = buildCatalogTree([
      {
        name: 'Ops',
        description: '',
        projects: [],
        environments: [
          { name: 'Prod', description: '', variables: [] },
          { name: 'Dev', description: '', variables: [] },
        ],
      },
    ]);
    const folder = tree.children[0]!.children[0]!;
    const envs = folder.children.find((c) => c.kind === 'environments')!;
    expect(envs.children.map((c) => [c.label, c.testId])).toEqual([
      ['Dev', 'tree-environment-Ops/Dev'],
      ['Prod', 'tree-environment-Ops/Prod'],
    ]);
  });
});

describe('folder and environment names on nodes', () => {
  it('tells every catalog node which folder it is in, and environments their name', () => {
    const index = indexTree([
      buildCatalogTree([
        {
          name: 'Ops',
          description: '',
          projects: folders[0]!.projects,
          environments: [{ name: 'Prod', description: '', variables: [] }],
        },
      ]),
    ]);
    for (const id of [
      'folder:Ops',
      'projects:Ops',
      'environments:Ops',
      'project:Ops/Load',
      packageItemId('Ops', 'Load', 'a.pkg'),
    ]) {
      expect(index.get(id)?.folderName).toBe('Ops');
    }
    const env = index.get(environmentItemId('Ops', 'Prod'));
    expect([env?.kind, env?.folderName, env?.environmentName]).toEqual(['environment', 'Ops', 'Prod']);
    expect(index.get('ssisdb')?.folderName).toBeUndefined();
  });
});
