import { statSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSystemTask } from '../../../master-core/protocol/packageFormat';
import { moveEntry, runFileSystemTask } from './fileSystemTask';
import { isSameOrInside } from './paths';
import { createTestTaskContext } from './testTaskContext';

let workDir = '';
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'fs-task-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const at = (...parts: string[]) => join(workDir, ...parts);
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function files(tree: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    await mkdir(join(at(path), '..'), { recursive: true });
    await writeFile(at(path), content);
  }
}

/** Runs one operation; returns its log lines. */
async function run(fields: Record<string, unknown>, signal?: AbortSignal): Promise<string[]> {
  const task = FileSystemTask.parse({ type: 'fileSystem', name: 'Files', ...fields });
  const context = createTestTaskContext({
    workDir,
    variables: { 'User::Dir': 'in', 'User::Empty': '' },
    signal,
  });
  await runFileSystemTask(task, context);
  return context.texts();
}

describe('isSameOrInside', () => {
  it('tells a path inside another from a sibling with a similar name', () => {
    expect(isSameOrInside('/a/b', '/a/b')).toBe(true);
    expect(isSameOrInside('/a/b', '/a/b/c/d')).toBe(true);
    expect(isSameOrInside('/a/b', '/a/bc')).toBe(false);
    expect(isSameOrInside('/a/b', '/a/b/../c')).toBe(false);
    expect(isSameOrInside('/a/b', '/a/b/..c')).toBe(true);
  });
});

describe('runFileSystemTask: files', () => {
  it('copies a file, with references and relative paths resolved against the work directory', async () => {
    await files({ 'in/a.txt': 'A' });
    const log = await run({ operation: 'CopyFile', source: '@[User::Dir]/a.txt', destination: 'b.txt' });
    expect(await readFile(at('b.txt'), 'utf8')).toBe('A');
    expect(await readFile(at('in/a.txt'), 'utf8')).toBe('A');
    expect(log).toEqual([`CopyFile: copied file ${at('in/a.txt')} to ${at('b.txt')}`]);
  });

  it('copies and moves a file into an existing directory destination', async () => {
    await files({ 'a.txt': 'A', 'b.txt': 'B', 'out/keep': '' });
    await run({ operation: 'CopyFile', source: 'a.txt', destination: 'out' });
    await run({ operation: 'MoveFile', source: 'b.txt', destination: at('out') });
    expect((await readdir(at('out'))).sort()).toEqual(['a.txt', 'b.txt', 'keep']);
    expect(await exists(at('b.txt'))).toBe(false);
  });

  it('refuses to replace an existing file unless overwriteDestination', async () => {
    await files({ 'a.txt': 'new', 'out/a.txt': 'old' });
    for (const operation of ['CopyFile', 'MoveFile', 'RenameFile']) {
      await expect(run({ operation, source: 'a.txt', destination: 'out/a.txt' })).rejects.toThrow(
        `${operation}: destination file ${at('out/a.txt')} already exists (overwriteDestination is false)`,
      );
    }
    expect(await readFile(at('out/a.txt'), 'utf8')).toBe('old');
    const log = await run({
      operation: 'CopyFile',
      source: 'a.txt',
      destination: 'out',
      overwriteDestination: true,
    });
    expect(await readFile(at('out/a.txt'), 'utf8')).toBe('new');
    expect(log[0]).toMatch(/\(replaced the existing file\)$/);
  });

  it('moves a file to another directory, keeping its modification time', async () => {
    await files({ 'in/a.txt': 'A', 'out/a.txt': 'old' });
    await utimes(at('in/a.txt'), new Date('2020-01-01'), new Date('2020-01-02'));
    const log = await run({
      operation: 'MoveFile',
      source: 'in/a.txt',
      destination: 'out/a.txt',
      overwriteDestination: true,
    });
    expect(await readFile(at('out/a.txt'), 'utf8')).toBe('A');
    expect((await stat(at('out/a.txt'))).mtime.toISOString()).toBe('2020-01-02T00:00:00.000Z');
    expect(await exists(at('in/a.txt'))).toBe(false);
    expect(log).toEqual([
      `MoveFile: moved file ${at('in/a.txt')} to ${at('out/a.txt')} (replaced the existing file)`,
    ]);
  });

  it('renames a file to the exact destination, never into a directory of that name', async () => {
    await files({ 'a.txt': 'A', 'dir/x': '' });
    await run({ operation: 'RenameFile', source: 'a.txt', destination: 'b.txt' });
    expect(await readFile(at('b.txt'), 'utf8')).toBe('A');
    await expect(
      run({ operation: 'RenameFile', source: 'b.txt', destination: 'dir', overwriteDestination: true }),
    ).rejects.toThrow(`RenameFile: destination ${at('dir')} is a directory`);
  });

  it('fails with clear messages on a missing source, a directory source and a missing folder', async () => {
    await files({ 'a.txt': 'A', 'dir/x': '' });
    await expect(run({ operation: 'CopyFile', source: 'nope.txt', destination: 'b' })).rejects.toThrow(
      `CopyFile: source file ${at('nope.txt')} does not exist`,
    );
    await expect(run({ operation: 'MoveFile', source: 'dir', destination: 'b' })).rejects.toThrow(
      `MoveFile: source ${at('dir')} is a directory, not a file`,
    );
    await expect(
      run({ operation: 'CopyFile', source: 'a.txt', destination: 'no/such/b.txt' }),
    ).rejects.toThrow(`CopyFile: destination folder ${at('no/such')} does not exist`);
  });

  it('refuses to copy a file onto itself, even with overwrite', async () => {
    await files({ 'a.txt': 'A' });
    await expect(
      run({ operation: 'CopyFile', source: 'a.txt', destination: '.', overwriteDestination: true }),
    ).rejects.toThrow(`CopyFile: source and destination are the same file (${at('a.txt')})`);
    expect(await readFile(at('a.txt'), 'utf8')).toBe('A');
  });

  it('needs a destination for copy, move and rename', async () => {
    await files({ 'a.txt': 'A' });
    for (const operation of ['CopyFile', 'MoveFile', 'RenameFile', 'CopyDirectory', 'MoveDirectory']) {
      await expect(run({ operation, source: 'a.txt' })).rejects.toThrow(
        `${operation}: the operation needs a destination and the task has none`,
      );
    }
    await expect(
      run({ operation: 'CopyFile', source: 'a.txt', destination: '@[User::Empty]' }),
    ).rejects.toThrow('CopyFile: destination is empty once its references are substituted');
  });

  it('deletes a file and fails on a missing one or a directory', async () => {
    await files({ 'a.txt': 'A', 'dir/x': '' });
    expect(await run({ operation: 'DeleteFile', source: 'a.txt' })).toEqual([
      `DeleteFile: deleted file ${at('a.txt')}`,
    ]);
    expect(await exists(at('a.txt'))).toBe(false);
    await expect(run({ operation: 'DeleteFile', source: 'a.txt' })).rejects.toThrow(
      `DeleteFile: file ${at('a.txt')} does not exist`,
    );
    await expect(run({ operation: 'DeleteFile', source: 'dir' })).rejects.toThrow(
      `DeleteFile: ${at('dir')} is a directory, not a file (use DeleteDirectory)`,
    );
  });

  it('changes nothing when the execution is already cancelled', async () => {
    await files({ 'a.txt': 'A' });
    const controller = new AbortController();
    controller.abort();
    await expect(run({ operation: 'DeleteFile', source: 'a.txt' }, controller.signal)).rejects.toThrow(
      /cancelled/,
    );
    expect(await exists(at('a.txt'))).toBe(true);
  });
});

describe('runFileSystemTask: directories', () => {
  async function tree() {
    await files({ 'src/a.txt': 'A', 'src/sub/b.txt': 'B' });
    await symlink('sub/b.txt', at('src/link'));
  }

  it('copies a directory tree, symbolic links kept as they are', async () => {
    await tree();
    const log = await run({ operation: 'CopyDirectory', source: 'src', destination: 'copy' });
    expect(await readFile(at('copy/sub/b.txt'), 'utf8')).toBe('B');
    expect(await readlink(at('copy/link'))).toBe('sub/b.txt');
    expect(await exists(at('src/a.txt'))).toBe(true);
    expect(log).toEqual([`CopyDirectory: copied directory ${at('src')} to ${at('copy')}`]);
  });

  it('refuses an existing destination unless overwriteDestination, which replaces it whole', async () => {
    await tree();
    await files({ 'copy/stale.txt': 'S' });
    await expect(run({ operation: 'CopyDirectory', source: 'src', destination: 'copy' })).rejects.toThrow(
      `CopyDirectory: destination ${at('copy')} already exists (overwriteDestination is false)`,
    );
    await expect(run({ operation: 'MoveDirectory', source: 'src', destination: 'copy' })).rejects.toThrow(
      /already exists/,
    );
    await run({ operation: 'CopyDirectory', source: 'src', destination: 'copy', overwriteDestination: true });
    expect((await readdir(at('copy'))).sort()).toEqual(['a.txt', 'link', 'sub']);
  });

  it('refuses to copy a directory into itself or to replace a directory that holds the source', async () => {
    await tree();
    await expect(
      run({ operation: 'CopyDirectory', source: 'src', destination: 'src/sub/copy' }),
    ).rejects.toThrow(
      `CopyDirectory: destination ${at('src/sub/copy')} is the source directory or inside it`,
    );
    await expect(
      run({ operation: 'MoveDirectory', source: 'src/sub', destination: 'src', overwriteDestination: true }),
    ).rejects.toThrow(`MoveDirectory: destination ${at('src')} holds the source ${at('src/sub')}`);
    expect(await readFile(at('src/sub/b.txt'), 'utf8')).toBe('B');
  });

  it('moves a directory to another directory', async () => {
    await tree();
    await mkdir(at('elsewhere'));
    const log = await run({ operation: 'MoveDirectory', source: 'src', destination: 'elsewhere/moved' });
    expect(await readFile(at('elsewhere/moved/sub/b.txt'), 'utf8')).toBe('B');
    expect(await exists(at('src'))).toBe(false);
    expect(log).toEqual([`MoveDirectory: moved directory ${at('src')} to ${at('elsewhere/moved')}`]);
  });

  it('fails on a missing source directory or a file given as one', async () => {
    await files({ 'a.txt': 'A' });
    await expect(run({ operation: 'CopyDirectory', source: 'nope', destination: 'x' })).rejects.toThrow(
      `CopyDirectory: source directory ${at('nope')} does not exist`,
    );
    await expect(run({ operation: 'MoveDirectory', source: 'a.txt', destination: 'x' })).rejects.toThrow(
      `MoveDirectory: source ${at('a.txt')} is not a directory`,
    );
  });

  it('deletes a directory, and fails on a missing one or a file', async () => {
    await tree();
    await files({ 'a.txt': 'A' });
    expect(await run({ operation: 'DeleteDirectory', source: 'src' })).toEqual([
      `DeleteDirectory: deleted directory ${at('src')}`,
    ]);
    expect(await exists(at('src'))).toBe(false);
    await expect(run({ operation: 'DeleteDirectory', source: 'src' })).rejects.toThrow(
      `DeleteDirectory: directory ${at('src')} does not exist`,
    );
    await expect(run({ operation: 'DeleteDirectory', source: 'a.txt' })).rejects.toThrow(
      `DeleteDirectory: ${at('a.txt')} is not a directory`,
    );
  });

  it('deletes the content of a directory and keeps the directory', async () => {
    await tree();
    const log = await run({ operation: 'DeleteDirectoryContent', source: 'src' });
    expect(await readdir(at('src'))).toEqual([]);
    expect(log).toEqual([`DeleteDirectoryContent: deleted the 3 entries of directory ${at('src')}`]);
    await expect(run({ operation: 'DeleteDirectoryContent', source: 'nope' })).rejects.toThrow(
      `DeleteDirectoryContent: directory ${at('nope')} does not exist`,
    );
  });

  it('creates a directory with its parents, and uses an existing one only when allowed', async () => {
    await files({ 'a.txt': 'A' });
    expect(await run({ operation: 'CreateDirectory', source: 'x/y/z' })).toEqual([
      `CreateDirectory: created directory ${at('x/y/z')}`,
    ]);
    expect(await run({ operation: 'CreateDirectory', source: 'x/y/z' })).toEqual([
      `CreateDirectory: directory ${at('x/y/z')} already exists; using it`,
    ]);
    await expect(
      run({ operation: 'CreateDirectory', source: 'x/y/z', useDirectoryIfExists: false }),
    ).rejects.toThrow(
      `CreateDirectory: directory ${at('x/y/z')} already exists (useDirectoryIfExists is false)`,
    );
    await expect(run({ operation: 'CreateDirectory', source: 'a.txt' })).rejects.toThrow(
      `CreateDirectory: ${at('a.txt')} exists and is not a directory`,
    );
  });
});

describe('moves across file systems', () => {
  it('copies then deletes the source when rename reports EXDEV', async () => {
    await files({ 'src/a.txt': 'A' });
    const crossDevice = async () => {
      throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
    };
    const copied = await moveEntry(
      at('src'),
      at('dst'),
      async () => {
        await mkdir(at('dst'));
        await writeFile(at('dst/a.txt'), await readFile(at('src/a.txt')));
      },
      crossDevice,
    );
    expect(copied).toBe(true);
    expect(await readFile(at('dst/a.txt'), 'utf8')).toBe('A');
    expect(await exists(at('src'))).toBe(false);
  });

  it('keeps the source and removes a half copy when the copy fails', async () => {
    await files({ 'src/a.txt': 'A' });
    const crossDevice = async () => {
      throw Object.assign(new Error('EXDEV'), { code: 'EXDEV' });
    };
    const failingCopy = async () => {
      await mkdir(at('dst'));
      throw new Error('disk full');
    };
    await expect(moveEntry(at('src'), at('dst'), failingCopy, crossDevice)).rejects.toThrow('disk full');
    expect(await exists(at('dst'))).toBe(false);
    expect(await exists(at('src/a.txt'))).toBe(true);
  });

  const shm = '/dev/shm';
  const otherDevice = (() => {
    try {
      return statSync(shm).dev !== statSync(tmpdir()).dev;
    } catch {
      return false;
    }
  })();

  it.runIf(otherDevice)('moves a file and a directory to another real file system', async () => {
    const away = await mkdtemp(join(shm, 'fs-task-'));
    try {
      await files({ 'a.txt': 'A', 'tree/sub/b.txt': 'B' });
      const fileLog = await run({ operation: 'MoveFile', source: 'a.txt', destination: away });
      const dirLog = await run({
        operation: 'MoveDirectory',
        source: 'tree',
        destination: join(away, 'tree'),
      });
      expect(await readFile(join(away, 'a.txt'), 'utf8')).toBe('A');
      expect(await readFile(join(away, 'tree/sub/b.txt'), 'utf8')).toBe('B');
      expect(await exists(at('a.txt'))).toBe(false);
      expect(await exists(at('tree'))).toBe(false);
      expect(fileLog[0]).toMatch(/\(copied across file systems\)$/);
      expect(dirLog[0]).toMatch(/\(copied across file systems\)$/);
    } finally {
      await rm(away, { recursive: true, force: true });
    }
  });
});
