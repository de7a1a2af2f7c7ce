import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import {
  copyFile,
  cp,
  lstat,
  mkdir,
  readdir,
  realpath,
  rename,
  rm,
  stat,
  unlink,
  utimes,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileSystemTask } from '../../../master-core/protocol/packageFormat';
import type { TaskRunner } from '../taskApi';
import { isSameOrInside, resolveTaskPath, throwIfCancelled } from './paths';

type Operation = FileSystemTask['operation'];

interface Request {
  source: string;
  /** Set for the operations in NEEDS_DESTINATION. */
  destination: string;
  overwrite: boolean;
  useDirectoryIfExists: boolean;
  signal: AbortSignal;
}

const NEEDS_DESTINATION: ReadonlySet<Operation> = new Set([
  'CopyFile',
  'MoveFile',
  'RenameFile',
  'CopyDirectory',
  'MoveDirectory',
]);

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The entry at `path` (a symbolic link itself unless `follow`), or undefined when there is none. */
async function entryAt(path: string, follow = false): Promise<Stats | undefined> {
  try {
    return follow ? await stat(path) : await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

async function requireSource(path: string, kind: 'file' | 'directory'): Promise<Stats> {
  const info = await entryAt(path, true);
  if (!info) throw new Error(`source ${kind} ${path} does not exist`);
  if (kind === 'file' && info.isDirectory()) throw new Error(`source ${path} is a directory, not a file`);
  if (kind === 'directory' && !info.isDirectory()) throw new Error(`source ${path} is not a directory`);
  return info;
}

async function requireParent(target: string): Promise<void> {
  const parent = dirname(target);
  if (!(await entryAt(parent, true))?.isDirectory())
    throw new Error(`destination folder ${parent} does not exist`);
}

/** The path with its existing folders' symbolic links resolved, to compare trees. */
async function realPath(path: string): Promise<string> {
  return realpath(path).catch(async (error: unknown) => {
    if (dirname(path) === path) throw error;
    return join(await realPath(dirname(path)), basename(path));
  });
}

/**
 * Checks a file's destination against the overwrite rule; true when an existing file will be
 * replaced. A directory is never replaced by a file.
 */
async function checkFileTarget(source: Stats, target: string, overwrite: boolean): Promise<boolean> {
  await requireParent(target);
  if (!(await entryAt(target))) return false;
  const existing = await entryAt(target, true);
  if (existing?.isDirectory()) throw new Error(`destination ${target} is a directory`);
  if (existing && existing.dev === source.dev && existing.ino === source.ino)
    throw new Error(`source and destination are the same file (${target})`);
  if (!overwrite)
    throw new Error(`destination file ${target} already exists (overwriteDestination is false)`);
  return true;
}

/**
 * Checks a directory's destination; an existing one is removed when overwriting (the copy then
 * replaces it whole, not merged into it). True when one was removed.
 */
async function clearDirectoryTarget(source: string, target: string, overwrite: boolean): Promise<boolean> {
  const [realSource, realTarget] = [await realPath(source), await realPath(target)];
  if (isSameOrInside(realSource, realTarget))
    throw new Error(`destination ${target} is the source directory or inside it`);
  await requireParent(target);
  if (!(await entryAt(target))) return false;
  if (!overwrite) throw new Error(`destination ${target} already exists (overwriteDestination is false)`);
  if (isSameOrInside(realTarget, realSource))
    throw new Error(`destination ${target} holds the source ${source}; replacing it would delete the source`);
  await rm(target, { recursive: true, force: true });
  return true;
}

async function copyOneFile(source: string, target: string, overwrite: boolean): Promise<void> {
  await copyFile(source, target, overwrite ? 0 : constants.COPYFILE_EXCL);
}

async function copyTree(source: string, target: string, signal: AbortSignal): Promise<void> {
  await cp(source, target, {
    recursive: true,
    errorOnExist: true,
    force: false,
    verbatimSymlinks: true,
    preserveTimestamps: true,
    // Called for every entry: a cancel stops a long copy between two files.
    filter: () => {
      if (signal.aborted) throw new Error('the execution was cancelled during the copy');
      return true;
    },
  });
}

/** Runs a copy; on failure removes what it left half-written, then rethrows. */
async function copyOrClean(target: string, copy: () => Promise<void>): Promise<void> {
  try {
    await copy();
  } catch (error) {
    await rm(target, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
}

/**
 * Renames `source` to `target`; across file systems (EXDEV), copies and then deletes the source.
 * True when it had to copy.
 */
export async function moveEntry(
  source: string,
  target: string,
  copy: () => Promise<void>,
  renameEntry: (from: string, to: string) => Promise<void> = rename,
): Promise<boolean> {
  try {
    await renameEntry(source, target);
    return false;
  } catch (error) {
    if (errorCode(error) !== 'EXDEV') throw error;
  }
  await copyOrClean(target, copy);
  await rm(source, { recursive: true, force: true });
  return true;
}

/** Copy, move or rename of one file; copy and move put it inside an existing directory (SSIS). */
async function transferFile(request: Request, mode: 'copy' | 'move' | 'rename'): Promise<string> {
  const { source, destination, overwrite } = request;
  const info = await requireSource(source, 'file');
  const destinationIsDirectory = (await entryAt(destination, true))?.isDirectory() === true;
  const target =
    mode !== 'rename' && destinationIsDirectory ? join(destination, basename(source)) : destination;
  const replaced = await checkFileTarget(info, target, overwrite);
  const note = replaced ? ' (replaced the existing file)' : '';
  if (mode === 'copy') {
    await copyOrClean(target, () => copyOneFile(source, target, overwrite));
    return `copied file ${source} to ${target}${note}`;
  }
  const copied = await moveEntry(source, target, async () => {
    await copyOneFile(source, target, overwrite);
    await utimes(target, info.atime, info.mtime);
  });
  const how = copied ? ' (copied across file systems)' : '';
  return `${mode === 'move' ? 'moved' : 'renamed'} file ${source} to ${target}${note}${how}`;
}

async function transferDirectory(request: Request, mode: 'copy' | 'move'): Promise<string> {
  const { source, destination: target, overwrite, signal } = request;
  await requireSource(source, 'directory');
  const replaced = await clearDirectoryTarget(source, target, overwrite);
  const note = replaced ? ' (replaced the existing one)' : '';
  if (mode === 'copy') {
    await copyOrClean(target, () => copyTree(source, target, signal));
    return `copied directory ${source} to ${target}${note}`;
  }
  const copied = await moveEntry(source, target, () => copyTree(source, target, signal));
  return `moved directory ${source} to ${target}${note}${copied ? ' (copied across file systems)' : ''}`;
}

async function deleteFile({ source }: Request): Promise<string> {
  const entry = await entryAt(source);
  if (!entry) throw new Error(`file ${source} does not exist`);
  if (entry.isDirectory()) throw new Error(`${source} is a directory, not a file (use DeleteDirectory)`);
  await unlink(source);
  return `deleted file ${source}`;
}

async function requireDirectory(path: string): Promise<void> {
  const entry = await entryAt(path);
  if (!entry) throw new Error(`directory ${path} does not exist`);
  if (!entry.isDirectory()) throw new Error(`${path} is not a directory`);
}

async function deleteDirectory({ source }: Request): Promise<string> {
  await requireDirectory(source);
  await rm(source, { recursive: true, force: true });
  return `deleted directory ${source}`;
}

async function deleteDirectoryContent({ source }: Request): Promise<string> {
  await requireDirectory(source);
  const names = await readdir(source);
  for (const name of names) await rm(join(source, name), { recursive: true, force: true });
  return `deleted the ${names.length} entries of directory ${source}`;
}

async function createDirectory({ source, useDirectoryIfExists }: Request): Promise<string> {
  const entry = await entryAt(source, true);
  if (entry && !entry.isDirectory()) throw new Error(`${source} exists and is not a directory`);
  if (entry && !useDirectoryIfExists)
    throw new Error(`directory ${source} already exists (useDirectoryIfExists is false)`);
  if (entry) return `directory ${source} already exists; using it`;
  await mkdir(source, { recursive: true });
  return `created directory ${source}`;
}

const OPERATIONS: Record<Operation, (request: Request) => Promise<string>> = {
  CopyFile: (r) => transferFile(r, 'copy'),
  MoveFile: (r) => transferFile(r, 'move'),
  RenameFile: (r) => transferFile(r, 'rename'),
  DeleteFile: deleteFile,
  CopyDirectory: (r) => transferDirectory(r, 'copy'),
  MoveDirectory: (r) => transferDirectory(r, 'move'),
  DeleteDirectory: deleteDirectory,
  DeleteDirectoryContent: deleteDirectoryContent,
  CreateDirectory: createDirectory,
};

/**
 * File System task, with the SSIS operations and rules: a missing source fails, an existing
 * destination fails unless overwriteDestination, a file copied or moved to an existing directory
 * goes inside it. Paths may hold @[...] references; relative ones resolve against the work
 * directory. Logs one information line naming what it did.
 */
export const runFileSystemTask: TaskRunner<FileSystemTask> = async (task, context) => {
  throwIfCancelled(context.signal);
  try {
    const source = resolveTaskPath(context, task.source, 'source');
    let destination = '';
    if (NEEDS_DESTINATION.has(task.operation)) {
      if (task.destination === undefined || task.destination === '')
        throw new Error('the operation needs a destination and the task has none');
      destination = resolveTaskPath(context, task.destination, 'destination');
    }
    const done = await OPERATIONS[task.operation]({
      source,
      destination,
      overwrite: task.overwriteDestination,
      useDirectoryIfExists: task.useDirectoryIfExists,
      signal: context.signal,
    });
    context.log.information(`${task.operation}: ${done}`);
  } catch (error) {
    throw new Error(`${task.operation}: ${(error as Error).message}`, { cause: error });
  }
};
