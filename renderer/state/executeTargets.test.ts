import { describe, expect, it } from 'vitest';
import { folders } from './catalogFixture';
import { targetsForPaths } from './executeTargets';

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
