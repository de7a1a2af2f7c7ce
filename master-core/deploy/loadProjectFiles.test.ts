// Files in memory (what the console reads from a chosen folder) load through the same code as a
// folder on disk: the same bundle, the same problems at the same places, plus path safety and the
// one-file bundle form.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScaleOutError } from '../protocol/errors';
import { loadProjectDir, loadProjectFiles } from './loadProjectDir';
import type { DeployProblem, ProjectFileInput } from './loadProjectDir';
import { MAX_SCRIPT_BYTES } from './scriptFiles';
import { json, loadProblems, useProjectFolders } from './projectFolder.fixture';

const project = useProjectFolders();

/** Every file below a folder, as the console sends them. */
function filesOf(dir: string): ProjectFileInput[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const full = join(entry.parentPath, entry.name);
      return { path: relative(dir, full).split('\\').join('/'), content: readFileSync(full, 'utf8') };
    });
}

const asFiles = (files: Record<string, string>) =>
  Object.entries(files).map(([path, content]) => ({ path, content }));

/** The line the CLI prints for a problem, rebuilt from its parts. */
function cliLine(p: DeployProblem, syntax: boolean): string {
  if (p.line === null) return p.file ? `${p.file}: ${p.message}` : p.message;
  const where = `${p.file}:${p.line}:${p.column}`;
  return syntax ? `${where}: ${p.message}` : `${where}: ${p.path || '(root)'}: ${p.message}`;
}

/** Loads the same files from disk and from memory; both must tell the same problems. */
function bothWays(files: Record<string, string>): DeployProblem[] {
  const fromDisk = loadProblems(project(files))
    .split('\n')
    .slice(1)
    .map((l) => l.trim());
  const fromMemory = loadProjectFiles(asFiles(files));
  expect(fromMemory.bundle).toBeNull();
  expect(fromMemory.problems.map((p) => cliLine(p, /\(not valid (JSON|YAML)\)$/.test(p.message)))).toEqual(
    fromDisk,
  );
  return fromMemory.problems;
}

const goodPackage = { name: 'A', tasks: [{ name: 'T', type: 'executeProcess', executable: 'echo' }] };

describe('loadProjectFiles', () => {
  it.each(['HelloScaleOut', 'Operations', 'FanOut', 'Etl'])(
    'loads sample %s to the very bundle the folder gives',
    (name) => {
      const dir = join('samples', name);
      const loaded = loadProjectFiles(filesOf(dir));
      expect(loaded.problems).toEqual([]);
      expect(loaded.bundle).toEqual(loadProjectDir(dir));
      expect(loaded.projectName).toBe(name);
      expect(loaded.packageNames).toEqual(loaded.bundle!.packages.map((p) => p.name));
    },
  );

  it('reads script files from subfolders of the chosen folder', () => {
    const files = {
      'project.yaml': 'name: P\n',
      'S.package.yaml': 'name: S\ntasks:\n  - { name: T, type: script, file: ./scripts/../scripts/t.js }\n',
      'scripts/t.js': '\uFEFFlog.info("t");\n',
    };
    const loaded = loadProjectFiles(asFiles(files));
    expect(loaded.bundle!.packages[0]!.tasks[0]).toMatchObject({
      file: './scripts/../scripts/t.js',
      code: 'log.info("t");\n',
    });
    expect(loaded.bundle).toEqual(loadProjectDir(project(files)));
  });

  it('gives every problem with file, line, column and path, exactly as the folder deploy does', () => {
    const problems = bothWays({
      'project.json': json({ name: 'P', parameters: [{ name: 'X', dataType: 'Float' }] }),
      'A.package.json': '{ "name": "A", ',
      'B.package.yaml':
        'name: B\ntasks:\n  - name: T\n    type: executeProcess\n    executable: ""\n    bogus: 1\n',
      'C.package.yaml': 'name: C\ntasks: [\n',
      'D.package.json': json({ name: 'D', tasks: [{ name: 'S', type: 'script', file: 'scripts/none.js' }] }),
      'E.package.yml': 'name: A\ntasks: []\n',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          file: 'project.json',
          line: 6,
          column: 7,
          path: 'parameters.0.dataType',
          message: expect.any(String),
        },
        {
          file: 'A.package.json',
          line: 1,
          column: 16,
          path: '',
          message: expect.stringMatching(/\(not valid JSON\)$/),
        },
        {
          file: 'B.package.yaml',
          line: 5,
          column: 5,
          path: 'tasks.0.executable',
          message: 'must name a program',
        },
        {
          file: 'B.package.yaml',
          line: 6,
          column: 5,
          path: 'tasks.0',
          message: expect.stringMatching(/bogus/),
        },
        {
          file: 'C.package.yaml',
          line: 3,
          column: 1,
          path: '',
          message: expect.stringMatching(/\(not valid YAML\)$/),
        },
        {
          file: 'D.package.json',
          line: 7,
          column: 7,
          path: 'tasks.0.file',
          message: 'scripts/none.js does not exist in the project folder',
        },
      ]),
    );
  });

  it('gives the problems of the checks across files, in the file that has them', () => {
    const problems = bothWays({
      'project.json': json({ name: 'P' }),
      'K.package.json': json({
        name: 'K',
        tasks: [
          {
            name: 'T',
            type: 'executeProcess',
            executable: 'echo',
            arguments: ['ok', '@[$Package::Missing]'],
          },
        ],
      }),
    });
    expect(problems).toEqual([
      {
        file: 'K.package.json',
        line: 10,
        column: 9,
        path: 'tasks.0.arguments.1',
        message: 'unknown reference @[$Package::Missing]',
      },
    ]);
  });

  it('names two project files, two files of one package, a repeated package name and a missing package', () => {
    expect(
      bothWays({
        'project.json': json({ name: 'P' }),
        'project.yaml': 'name: P\n',
        'A.package.json': json(goodPackage),
        'a.package.yaml': 'name: A\ntasks: [{ name: T, type: executeProcess, executable: echo }]\n',
        'B.package.json': json(goodPackage),
      }).map((p) => [p.file, p.line, p.path, p.message]),
    ).toEqual([
      ['project.json and project.yaml', null, '', 'a project folder has exactly one project file; keep one'],
      ['A.package.json and a.package.yaml', null, '', 'two files for package A; keep one'],
      ['B.package.json', 2, 'name', 'package A is also defined by A.package.json'],
    ]);
    expect(loadProjectFiles(asFiles({ 'project.json': json({ name: 'P' }) })).problems).toEqual([
      {
        file: '',
        line: null,
        column: null,
        path: '',
        message: 'no *.package.json files (nor *.package.yaml or *.package.yml) in the chosen folder',
      },
    ]);
  });

  it('says when the project file sits in a subfolder of the chosen folder', () => {
    const loaded = loadProjectFiles(asFiles({ 'Sales/project.json': '{}', 'Sales/A.package.json': '{}' }));
    expect(loaded.problems.map((p) => p.message)).toEqual([
      'the chosen folder has no project.json (nor project.yaml or project.yml); Sales/project.json is in a subfolder: choose that folder',
      'no *.package.json files (nor *.package.yaml or *.package.yml) in the chosen folder',
    ]);
    expect(loaded).toMatchObject({ bundle: null, projectName: null, packageNames: [] });
  });

  it('refuses a script path that is a folder or a file too large, as on disk', () => {
    const problems = loadProjectFiles(
      asFiles({
        'project.json': json({ name: 'P' }),
        'P.package.json': json({
          name: 'P',
          tasks: [
            { name: 'Folder', type: 'script', file: 'scripts' },
            { name: 'Big', type: 'script', file: 'big.js' },
          ],
        }),
        'scripts/a.js': '',
        'big.js': 'x'.repeat(MAX_SCRIPT_BYTES + 1),
      }),
    ).problems;
    expect(problems.map((p) => p.message)).toEqual([
      'must name a .js file',
      `big.js is ${MAX_SCRIPT_BYTES + 1} bytes; a script file holds at most ${MAX_SCRIPT_BYTES}`,
    ]);
  });

  it.each([
    ['/etc/project.json', 'must be relative to the chosen folder, not absolute'],
    ['C:/p/project.json', 'must be relative to the chosen folder, not absolute'],
    ['../project.json', 'must stay inside the chosen folder (no ..)'],
    ['scripts/../../x.js', 'must stay inside the chosen folder (no ..)'],
    ['scripts\\x.js', 'must use / between folders, not \\'],
    ['scripts//x.js', 'must be a plain relative path (no empty or . parts)'],
    ['./project.json', 'must be a plain relative path (no empty or . parts)'],
    ['x\0.js', 'holds a NUL character'],
  ])('refuses the path %j before reading anything: %s', (path, problem) => {
    const files = [
      { path: 'project.json', content: '{}' },
      { path, content: '' },
    ];
    let error: unknown;
    try {
      loadProjectFiles(files);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScaleOutError);
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'files.1.path',
      message: `unsafe or repeated file paths: files.1.path ${JSON.stringify(path)} ${problem}`,
    });
  });

  it('refuses a path given twice, naming both', () => {
    const files = asFiles({ 'project.json': '{}', 'A.package.json': '{}' });
    expect(() => loadProjectFiles([...files, files[1]!])).toThrow(
      'unsafe or repeated file paths: files.2.path "A.package.json" repeats files.1.path',
    );
  });

  describe('one bundle file', () => {
    it('loads a JSON file holding { project, packages }, as project.deploy takes it', () => {
      const bundle = loadProjectDir('samples/HelloScaleOut');
      const loaded = loadProjectFiles([{ path: 'HelloScaleOut.bundle.json', content: json(bundle) }]);
      expect(loaded).toEqual({
        bundle,
        problems: [],
        projectName: 'HelloScaleOut',
        packageNames: bundle.packages.map((p) => p.name),
      });
    });

    it('places its problems inside the file: schema and cross-checks under packages.N', () => {
      const content = json({
        project: { name: 'B' },
        packages: [
          goodPackage,
          {
            name: 'K',
            tasks: [
              { name: 'T', type: 'executeProcess', executable: 'echo', arguments: ['@[$Package::Missing]'] },
            ],
          },
        ],
      });
      expect(loadProjectFiles([{ path: 'b.json', content }])).toMatchObject({
        bundle: null,
        projectName: 'B',
        packageNames: ['A', 'K'],
        problems: [
          {
            file: 'b.json',
            line: 24,
            column: 13,
            path: 'packages.1.tasks.0.arguments.0',
            message: 'unknown reference @[$Package::Missing]',
          },
        ],
      });
      const broken = loadProjectFiles([
        {
          path: 'b.json',
          content: json({ project: { name: 'B', extra: 1 }, packages: [{ name: 'A', tasks: 'x' }] }),
        },
      ]);
      expect(broken.problems.map((p) => [p.line, p.column, p.path])).toEqual([
        [4, 5, 'project'],
        [9, 7, 'packages.0.tasks'],
      ]);
      expect(broken).toMatchObject({ projectName: 'B', packageNames: ['A'] });
    });

    it('reads a single project or package file as what it is, not as a bundle', () => {
      expect(
        loadProjectFiles([{ path: 'project.json', content: json({ name: 'P' }) }]).problems[0]!.message,
      ).toMatch(/no \*\.package\.json files/);
    });
  });
});
