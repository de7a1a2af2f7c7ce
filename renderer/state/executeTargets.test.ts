import { describe, expect, it } from 'vitest';
import { folders } from './catalogFixture';
import { connectionManagersOf, projectKeyOf, targetsForPaths } from './executeTargets';

describe('targetsForPaths', () => {
  it('expands a folder, a project or a package to its packages, without duplicates', () => {
    const keys = (paths: Parameters<typeof targetsForPaths>[1]) =>
      targetsForPaths(folders, paths).map((t) => t.key);
    expect(keys([{ folder: 'Sales' }])).toEqual(['Sales/Load/b.pkg', 'Sales/Load/a.pkg']);
    expect(keys([{ folder: 'Sales', project: 'Load', package: 'a.pkg' }])).toEqual(['Sales/Load/a.pkg']);
    expect(
      keys([
        { folder: 'Sales', project: 'Load' },
        { folder: 'Sales', project: 'Load', package: 'a.pkg' },
      ]),
    ).toEqual(['Sales/Load/b.pkg', 'Sales/Load/a.pkg']);
    expect(keys([{ folder: 'Finance' }])).toEqual([]);
  });

  it('carries project and package parameters', () => {
    const [target] = targetsForPaths(folders, [{ folder: 'Sales', project: 'Load', package: 'a.pkg' }]);
    expect(target?.projectParameters.map((p) => p.reference)).toEqual(['$Project::Env']);
    expect(target?.packageParameters.map((p) => p.reference)).toEqual(['$Package::Day']);
  });
});

describe('connectionManagersOf', () => {
  it('lists the project’s and the package’s managers, the package’s winning by name, and absent lists as none', () => {
    const withManagers = folders.map((f) => ({
      ...f,
      projects: f.projects.map((p) => ({
        ...p,
        connectionManagers: [
          { name: 'Warehouse', type: 'postgresql' as const, description: 'dw' },
          { name: 'files', type: 'flatFile' as const, description: '' },
        ],
        packages: p.packages.map((k) => ({
          ...k,
          connectionManagers: [{ name: 'Files', type: 'sqlite' as const, description: 'own' }],
        })),
      })),
    }));
    const [target] = targetsForPaths(withManagers, [{ folder: 'Sales', project: 'Load', package: 'a.pkg' }]);
    expect(connectionManagersOf(target!)).toEqual([
      { name: 'Files', type: 'sqlite', description: 'own', scope: 'Package' },
      { name: 'Warehouse', type: 'postgresql', description: 'dw', scope: 'Project' },
    ]);
    const [plain] = targetsForPaths(folders, [{ folder: 'Sales', project: 'Load', package: 'a.pkg' }]);
    expect(connectionManagersOf(plain!)).toEqual([]);
    expect(projectKeyOf(plain!)).toBe('Sales/Load');
  });
});
