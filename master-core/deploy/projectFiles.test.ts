import { describe, expect, it } from 'vitest';
import { packageBaseName, pickProjectFiles, repeatedPackageNames } from './projectFiles';

describe('pickProjectFiles', () => {
  it('takes one project file and every package file, JSON or YAML, sorted', () => {
    expect(
      pickProjectFiles([
        'project.yml',
        'b.package.yaml',
        'A.package.json',
        'notes.md',
        'C.package.yml',
        '.package.json',
      ]),
    ).toEqual({
      projectFiles: ['project.yml'],
      packageFiles: ['A.package.json', 'C.package.yml', 'b.package.yaml'],
      problems: [],
    });
  });

  it('names two project files, and two files for one package (case-insensitive)', () => {
    const { problems } = pickProjectFiles([
      'project.json',
      'project.yaml',
      'Load.package.json',
      'load.package.yml',
    ]);
    expect(problems).toEqual([
      {
        files: ['project.json', 'project.yaml'],
        message: 'a project folder has exactly one project file; keep one',
      },
      {
        files: ['Load.package.json', 'load.package.yml'],
        message: 'two files for package Load; keep one',
      },
    ]);
  });

  it('knows package files by their suffix only', () => {
    expect(packageBaseName('Load.package.yaml')).toBe('Load');
    expect(packageBaseName('Load.package.json.bak')).toBeUndefined();
    expect(packageBaseName('package.json')).toBeUndefined();
  });
});

describe('repeatedPackageNames', () => {
  it('names the later file and the first one, except files already named as one package', () => {
    expect(
      repeatedPackageNames([
        { file: 'A.package.json', name: 'Load' },
        { file: 'A.package.yaml', name: 'Load' },
        { file: 'B.package.yaml', name: 'LOAD' },
        { file: 'C.package.json', name: 'Other' },
      ]),
    ).toEqual([{ file: 'B.package.yaml', name: 'LOAD', firstFile: 'A.package.json' }]);
  });
});
