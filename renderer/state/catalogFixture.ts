import type { FolderInfo } from '../../master-core/protocol/api';

const param = (name: string, scope: 'Project' | 'Package') => ({
  name,
  reference: `$${scope}::${name}`,
  dataType: 'String' as const,
  defaultValue: null,
  required: false,
  sensitive: false,
  description: '',
  serverValue: null,
});

const project = (name: string, packages: string[]) => ({
  name,
  description: '',
  versionId: 1,
  deployedAt: '2026-01-01T00:00:00.000Z',
  deployedBy: 'me',
  parameters: [param('Env', 'Project')],
  references: [],
  packages: packages.map((p) => ({
    name: p,
    description: '',
    taskCount: 1,
    parameters: [param('Day', 'Package')],
  })),
});

/** A small catalog for tests: two folders, one project with two packages, one empty project. */
export const folders: FolderInfo[] = [
  {
    name: 'Sales',
    description: '',
    projects: [project('Load', ['b.pkg', 'a.pkg']), project('Empty', [])],
    environments: [],
  },
  { name: 'Finance', description: '', projects: [], environments: [] },
];
