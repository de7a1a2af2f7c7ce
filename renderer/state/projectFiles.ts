import type { ApiOutput } from '../../master-core/protocol/api';

/** Reading a chosen project folder (or one bundle file) into what project.deployFiles takes. */

export interface ProjectFile {
  /** Relative to the chosen folder, '/'-separated. */
  path: string;
  content: string;
}

/** What the console needs of a browser File (a File satisfies it; tests pass plain objects). */
export interface FileLike {
  name: string;
  /** "Chosen/sub/file.json" for files picked with webkitdirectory; '' for a single file. */
  webkitRelativePath?: string;
  size: number;
  text(): Promise<string>;
}

/** The limits of project.deployFiles (see its schema in master-core/protocol/api.ts). */
export const MAX_PROJECT_FILES = 2000;
export const MAX_FILE_CHARS = 16 * 1024 * 1024;

export type ReadProjectResult =
  | {
      ok: true;
      /** The chosen folder's name, or the file's name. */
      sourceName: string;
      files: ProjectFile[];
      /** Paths left out: hidden files and folders, node_modules. */
      skipped: string[];
    }
  | { ok: false; error: string };

/** The path below the chosen folder: "Sales/Load.package.json" from "Sales/Load.package.json" picked as "Proj/Sales/...". */
export function relativePath(file: FileLike): string {
  const full = (file.webkitRelativePath || file.name).replace(/\\/g, '/');
  if (!file.webkitRelativePath) return full;
  const slash = full.indexOf('/');
  return slash === -1 ? full : full.slice(slash + 1);
}

/** Hidden files and folders (.git, .DS_Store) and node_modules are never part of a project. */
export function isSkippedPath(path: string): boolean {
  return path.split('/').some((segment) => segment.startsWith('.') || segment === 'node_modules');
}

/**
 * Reads the files as text with their relative paths, sorted by path. Refuses, naming the file or
 * the count, what the master would refuse: no files, too many, or one too large.
 */
export async function readProjectFiles(chosen: Iterable<FileLike>): Promise<ReadProjectResult> {
  const all = [...chosen];
  if (all.length === 0) return { ok: false, error: 'No files were chosen.' };
  const first = all[0]!;
  const sourceName = first.webkitRelativePath
    ? (first.webkitRelativePath.replace(/\\/g, '/').split('/')[0] ?? first.name)
    : first.name;
  const skipped: string[] = [];
  const kept: { path: string; file: FileLike }[] = [];
  for (const file of all) {
    const path = relativePath(file);
    if (isSkippedPath(path)) skipped.push(path);
    else kept.push({ path, file });
  }
  if (kept.length === 0) return { ok: false, error: `${sourceName} holds no project files.` };
  if (kept.length > MAX_PROJECT_FILES) {
    return {
      ok: false,
      error: `${sourceName} holds ${kept.length} files; a deploy takes at most ${MAX_PROJECT_FILES}.`,
    };
  }
  const tooLarge = kept.find(({ file }) => file.size > MAX_FILE_CHARS * 4);
  if (tooLarge) return { ok: false, error: `${tooLarge.path} is too large (at most 16 MiB of text).` };
  const files: ProjectFile[] = [];
  for (const { path, file } of kept) {
    let content: string;
    try {
      content = await file.text();
    } catch (e) {
      return { ok: false, error: `${path} could not be read: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (content.length > MAX_FILE_CHARS) {
      return { ok: false, error: `${path} is too large (at most 16 MiB of text).` };
    }
    files.push({ path, content });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  skipped.sort();
  return { ok: true, sourceName, files, skipped };
}

export type DeployProblem = ApiOutput<'project.deployFiles'>['problems'][number];

/** "file:line:col: path: message", the shape the CLI prints; parts the master did not know are left out. */
export function formatProblem(problem: DeployProblem): string {
  let where = problem.file;
  if (problem.line !== null) where += `:${problem.line}`;
  if (problem.line !== null && problem.column !== null) where += `:${problem.column}`;
  const parts = [where, problem.path, problem.message].filter((p) => p !== '');
  return parts.join(': ');
}
