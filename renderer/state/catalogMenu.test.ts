import { describe, expect, it } from 'vitest';
import { deleteQuestion, menuFor } from './catalogMenu';
import { buildCatalogTree, buildScaleOutTree, indexTree } from './catalogTree';
import type { TreeNode } from './catalogTree';

const tree = indexTree([
  buildCatalogTree([
    {
      name: 'Sales',
      description: '',
      projects: [
        {
          name: 'Load',
          description: '',
          versionId: 3,
          deployedAt: '2026-01-01T00:00:00.000Z',
          deployedBy: 'me',
          parameters: [],
          references: [],
          packages: [{ name: 'Daily', description: '', taskCount: 1, parameters: [] }],
        },
      ],
      environments: [{ name: 'Prod', description: '', variables: [] }],
    },
  ]),
  buildScaleOutTree([]),
]);
const node = (id: string): TreeNode => {
  const n = tree.get(id);
  if (!n) throw new Error(`no node ${id}`);
  return n;
};
const ids = (id: string) => menuFor(node(id)).map((e) => e.id);

describe('menuFor', () => {
  it('offers SSMS’s entries on each kind of node, Refresh last', () => {
    expect(ids('ssisdb')).toEqual(['create-folder', 'deploy', 'properties', 'refresh']);
    expect(ids('folder:Sales')).toEqual([
      'execute',
      'deploy',
      'create-environment',
      'report-all-executions',
      'delete',
      'properties',
      'refresh',
    ]);
    expect(ids('project:Sales/Load')).toEqual([
      'execute',
      'configure',
      'versions',
      'deploy',
      'report-all-executions',
      'delete',
      'properties',
      'refresh',
    ]);
    expect(ids('package:Sales/Load/Daily')).toEqual([
      'execute',
      'configure',
      'report-all-executions',
      'properties',
      'refresh',
    ]);
    expect(ids('environment:Sales/Prod')).toEqual(['properties', 'delete', 'refresh']);
    expect(ids('environments:Sales')).toEqual(['create-environment', 'refresh']);
    expect(ids('projects:Sales')).toEqual(['deploy', 'refresh']);
    expect(ids('workers')).toEqual(['open-workers', 'refresh']);
    expect(ids('catalogs')).toEqual(['refresh']);
  });

  it('names the object each dialog works on', () => {
    const dialogs = (id: string) =>
      menuFor(node(id)).flatMap((e) => (e.action.kind === 'dialog' ? [e.action.dialog] : []));
    expect(dialogs('project:Sales/Load')).toEqual([
      { kind: 'configure', folderName: 'Sales', projectName: 'Load' },
      { kind: 'versions', folderName: 'Sales', projectName: 'Load' },
      { kind: 'deploy', folderName: 'Sales' },
      { kind: 'deleteProject', folderName: 'Sales', projectName: 'Load' },
      { kind: 'objectProperties', path: { folder: 'Sales', project: 'Load' } },
    ]);
    expect(dialogs('package:Sales/Load/Daily')).toEqual([
      { kind: 'configure', folderName: 'Sales', projectName: 'Load', packageName: 'Daily' },
      { kind: 'objectProperties', path: { folder: 'Sales', project: 'Load', package: 'Daily' } },
    ]);
    expect(dialogs('folder:Sales').at(-1)).toEqual({ kind: 'objectProperties', path: { folder: 'Sales' } });
    expect(dialogs('environment:Sales/Prod')).toEqual([
      { kind: 'environment', folderName: 'Sales', environmentName: 'Prod' },
      { kind: 'deleteEnvironment', folderName: 'Sales', environmentName: 'Prod' },
    ]);
    expect(dialogs('ssisdb')).toEqual([
      { kind: 'createFolder' },
      { kind: 'deploy' },
      { kind: 'catalogProperties' },
    ]);
  });

  it('opens the All Executions report on the folder, project or package it was opened on', () => {
    const report = (id: string) => menuFor(node(id)).find((e) => e.id === 'report-all-executions');
    expect(report('folder:Sales')).toMatchObject({
      label: 'Reports > All Executions',
      action: { kind: 'showExecutions', path: { folder: 'Sales' } },
    });
    expect(report('project:Sales/Load')?.action).toEqual({
      kind: 'showExecutions',
      path: { folder: 'Sales', project: 'Load' },
    });
    expect(report('package:Sales/Load/Daily')?.action).toEqual({
      kind: 'showExecutions',
      path: { folder: 'Sales', project: 'Load', package: 'Daily' },
    });
    for (const id of ['ssisdb', 'environment:Sales/Prod', 'projects:Sales', 'workers']) {
      expect(report(id)).toBeUndefined();
    }
  });

  it('puts a divider above reports, destructive entries, Properties and Refresh, never first', () => {
    const entries = menuFor(node('folder:Sales'));
    expect(entries.filter((e) => e.dividerBefore).map((e) => e.id)).toEqual([
      'report-all-executions',
      'delete',
      'properties',
      'refresh',
    ]);
    expect(menuFor(node('catalogs'))[0]?.dividerBefore).toBeFalsy();
  });
});

describe('deleteQuestion', () => {
  it('names the object in full', () => {
    expect(deleteQuestion({ kind: 'deleteFolder', folderName: 'Sales' })).toContain('"Sales"');
    const project = deleteQuestion({ kind: 'deleteProject', folderName: 'Sales', projectName: 'Load' });
    expect(project).toContain('"Load"');
    expect(project).toContain('"Sales"');
    expect(
      deleteQuestion({ kind: 'deleteEnvironment', folderName: 'Sales', environmentName: 'Prod' }),
    ).toMatch(/"Prod".*"Sales"/);
  });
});
