import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, sep, win32 } from 'node:path';
import type { ControlFlowDef, EventHandlers, ExecutableDef, PackageDef } from '../protocol/packageFormat';
import { coerceError } from '../protocol/errors';
import { isContainer } from '../protocol/packageFormat';
import { withoutBom } from './documentPaths';

/** A script is code, not data: a bigger file is most likely the wrong file. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;

export type ValuePath = (string | number)[];

export interface PathProblem {
  path: ValuePath;
  message: string;
}

export interface PlacedExecutable {
  executable: ExecutableDef;
  path: ValuePath;
}

function* handlersOf(handlers: EventHandlers, base: ValuePath): Generator<PlacedExecutable> {
  for (const [event, flow] of Object.entries(handlers) as [string, ControlFlowDef | undefined][]) {
    if (flow) yield* tasksOf(flow.tasks, [...base, 'eventHandlers', event]);
  }
}

function* tasksOf(tasks: readonly ExecutableDef[], base: ValuePath): Generator<PlacedExecutable> {
  for (const [index, executable] of tasks.entries()) {
    const path = [...base, 'tasks', index];
    yield { executable, path };
    if (isContainer(executable)) yield* tasksOf(executable.tasks, path);
    yield* handlersOf(executable.eventHandlers, path);
  }
}

/** Every task and container of a package with its path: inside containers and event handlers too. */
export function executablesOf(pkg: PackageDef): PlacedExecutable[] {
  return [...tasksOf(pkg.tasks, []), ...handlersOf(pkg.eventHandlers, [])];
}

/** What is wrong with a script `file` as written, before the disk is asked; undefined if nothing. */
export function scriptPathProblem(file: string): string | undefined {
  if (file === '' || file.includes('\0')) return 'must name a .js file in the project folder';
  if (file.includes('\\')) return 'must use / between folders, not \\';
  if (posix.isAbsolute(file) || win32.isAbsolute(file) || /^[A-Za-z]:/.test(file)) {
    return 'must be relative to the project folder, not absolute';
  }
  const normalized = posix.normalize(file);
  if (normalized === '..' || normalized.startsWith('../')) return 'must stay inside the project folder';
  if (!normalized.endsWith('.js')) return 'must name a .js file';
  return undefined;
}

/** Reads a script file of the project folder, refusing one reached through a link that leads out. */
export function readScriptFile(projectDir: string, file: string): { code: string } | { problem: string } {
  const lexical = scriptPathProblem(file);
  if (lexical) return { problem: lexical };
  try {
    return readInside(projectDir, file);
  } catch (error) {
    return { problem: `cannot read ${file}: ${coerceError(error).message}` };
  }
}

/**
 * What is wrong with reading `file` (relative, '/'-separated) of a project folder: missing, not a
 * file, or reached through a symbolic link that leads out of the folder; undefined when it is a
 * file inside. Links that stay inside the folder are followed.
 */
export function fileInsideProblem(projectDir: string, file: string): string | undefined {
  const fullPath = join(projectDir, ...file.split('/'));
  if (!existsSync(fullPath)) return `${file} does not exist in the project folder`;
  const inside = relative(realpathSync(projectDir), realpathSync(fullPath));
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return `${file} leads out of the project folder (a symbolic link)`;
  }
  if (!statSync(fullPath).isFile()) return `${file} is not a file`;
  return undefined;
}

function readInside(projectDir: string, file: string): { code: string } | { problem: string } {
  const fullPath = join(projectDir, ...file.split('/'));
  const problem = fileInsideProblem(projectDir, file);
  if (problem) return { problem };
  const stat = statSync(fullPath);
  if (stat.size > MAX_SCRIPT_BYTES) {
    return { problem: `${file} is ${stat.size} bytes; a script file holds at most ${MAX_SCRIPT_BYTES}` };
  }
  return { code: withoutBom(readFileSync(fullPath, 'utf8')) };
}

/** Reads a script file named in a package: its code, or what is wrong with it. */
export type ScriptReader = (file: string) => { code: string } | { problem: string };

/** Script files from files already in memory (a deploy from the console), keyed by their normal path. */
export function memoryScriptReader(files: ReadonlyMap<string, string>): ScriptReader {
  return (file) => {
    const lexical = scriptPathProblem(file);
    if (lexical) return { problem: lexical };
    const path = posix.normalize(file);
    const content = files.get(path);
    if (content === undefined) {
      const folder = [...files.keys()].some((f) => f.startsWith(`${path}/`));
      return { problem: folder ? `${file} is not a file` : `${file} does not exist in the project folder` };
    }
    const size = Buffer.byteLength(content, 'utf8');
    if (size > MAX_SCRIPT_BYTES) {
      return { problem: `${file} is ${size} bytes; a script file holds at most ${MAX_SCRIPT_BYTES}` };
    }
    return { code: withoutBom(content) };
  };
}

/**
 * Gives every script task its `code`: written inline, or read from `file` (then both are kept,
 * `file` naming where the code came from). Exactly one of the two must be written. Changes the
 * package in place (it is fresh from the schema) and returns every problem with its path. `read`
 * is the project folder on disk, or a reader of files in memory.
 */
export function inlineScriptFiles(pkg: PackageDef, read: string | ScriptReader): PathProblem[] {
  const reader = typeof read === 'string' ? (file: string) => readScriptFile(read, file) : read;
  const problems: PathProblem[] = [];
  for (const { executable: task, path } of executablesOf(pkg)) {
    if (task.type !== 'script') continue;
    if (task.code === undefined && task.file === undefined) {
      problems.push({ path, message: 'a script task needs code or file' });
    } else if (task.code !== undefined && task.file !== undefined) {
      problems.push({ path: [...path, 'file'], message: 'a script task has code or file, not both' });
    } else if (task.file !== undefined) {
      const result = reader(task.file);
      if ('code' in result) task.code = result.code;
      else problems.push({ path: [...path, 'file'], message: result.problem });
    }
  }
  return problems;
}
