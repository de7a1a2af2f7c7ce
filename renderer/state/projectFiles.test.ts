import { describe, expect, it } from 'vitest';
import {
  formatProblem,
  isSkippedPath,
  MAX_PROJECT_FILES,
  readProjectFiles,
  relativePath,
} from './projectFiles';
import type { FileLike } from './projectFiles';

const file = (
  webkitRelativePath: string,
  content: string,
  name = webkitRelativePath.split('/').pop()!,
): FileLike => ({
  name,
  webkitRelativePath,
  size: content.length,
  text: () => Promise.resolve(content),
});

describe('relativePath', () => {
  it('drops the chosen folder’s own name', () => {
    expect(relativePath(file('Hello/project.json', ''))).toBe('project.json');
    expect(relativePath(file('Hello/scripts/a.js', ''))).toBe('scripts/a.js');
  });
  it('is the file name for a single file', () => {
    expect(relativePath(file('', '', 'bundle.json'))).toBe('bundle.json');
  });
});

describe('isSkippedPath', () => {
  it('skips hidden entries and node_modules only', () => {
    expect(isSkippedPath('.git/config')).toBe(true);
    expect(isSkippedPath('sub/.DS_Store')).toBe(true);
    expect(isSkippedPath('node_modules/x/index.js')).toBe(true);
    expect(isSkippedPath('Load.package.yaml')).toBe(false);
    expect(isSkippedPath('scripts/my.module.js')).toBe(false);
  });
});

describe('readProjectFiles', () => {
  it('reads every file as text with its relative path, sorted, hidden ones left out', async () => {
    const result = await readProjectFiles([
      file('Hello/project.json', '{"name":"Hello"}'),
      file('Hello/.git/HEAD', 'ref'),
      file('Hello/A.package.json', '{"name":"A"}'),
      file('Hello/scripts/run.js', 'log("hi")'),
    ]);
    expect(result).toEqual({
      ok: true,
      sourceName: 'Hello',
      files: [
        { path: 'A.package.json', content: '{"name":"A"}' },
        { path: 'project.json', content: '{"name":"Hello"}' },
        { path: 'scripts/run.js', content: 'log("hi")' },
      ],
      skipped: ['.git/HEAD'],
    });
  });

  it('reads a single bundle file under its name', async () => {
    const result = await readProjectFiles([file('', '{}', 'bundle.json')]);
    expect(result).toEqual({
      ok: true,
      sourceName: 'bundle.json',
      files: [{ path: 'bundle.json', content: '{}' }],
      skipped: [],
    });
  });

  it('refuses no files, only hidden ones, too many, and a file it cannot read, saying which', async () => {
    expect(await readProjectFiles([])).toEqual({ ok: false, error: 'No files were chosen.' });
    expect(await readProjectFiles([file('P/.env', 'x')])).toEqual({
      ok: false,
      error: 'P holds no project files.',
    });
    const many = Array.from({ length: MAX_PROJECT_FILES + 1 }, (_, i) => file(`P/f${i}.json`, ''));
    expect(await readProjectFiles(many)).toEqual({
      ok: false,
      error: `P holds ${MAX_PROJECT_FILES + 1} files; a deploy takes at most ${MAX_PROJECT_FILES}.`,
    });
    const broken: FileLike = {
      ...file('P/x.json', ''),
      text: () => Promise.reject(new Error('permission denied')),
    };
    expect(await readProjectFiles([broken])).toEqual({
      ok: false,
      error: 'x.json could not be read: permission denied',
    });
  });

  it('refuses a file larger than the master takes, naming it', async () => {
    const huge: FileLike = { ...file('P/big.json', ''), size: 80 * 1024 * 1024 };
    expect(await readProjectFiles([huge])).toEqual({
      ok: false,
      error: 'big.json is too large (at most 16 MiB of text).',
    });
  });
});

describe('formatProblem', () => {
  it('reads file:line:col: path: message, leaving out what is unknown', () => {
    expect(
      formatProblem({
        file: 'A.package.yaml',
        line: 4,
        column: 7,
        path: 'executables.0.sql',
        message: 'required',
      }),
    ).toBe('A.package.yaml:4:7: executables.0.sql: required');
    expect(
      formatProblem({ file: 'project.json', line: null, column: null, path: '', message: 'not valid JSON' }),
    ).toBe('project.json: not valid JSON');
    expect(formatProblem({ file: 'x.json', line: 2, column: null, path: 'name', message: 'bad' })).toBe(
      'x.json:2: name: bad',
    );
  });
});
