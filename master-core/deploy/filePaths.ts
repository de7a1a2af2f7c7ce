import { ScaleOutError } from '../protocol/errors';

/** One file of a project as the console sends it: its path below the chosen folder, and its text. */
export interface ProjectFileInput {
  path: string;
  content: string;
}

/** What is wrong with a path below the chosen folder, or undefined when it is a plain relative path. */
export function filePathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'holds a NUL character';
  if (path.includes('\\')) return 'must use / between folders, not \\';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
    return 'must be relative to the chosen folder, not absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return 'must stay inside the chosen folder (no ..)';
  if (segments.some((s) => s === '' || s === '.'))
    return 'must be a plain relative path (no empty or . parts)';
  return undefined;
}

/**
 * Refuses, before anything is read, files whose paths are unsafe or repeated: VALIDATION_FAILED
 * naming every such path, the field being the first one's (files.N.path).
 */
export function checkFilePaths(files: readonly ProjectFileInput[]): void {
  const bad: { index: number; text: string }[] = [];
  const seen = new Map<string, number>();
  for (const [index, { path }] of files.entries()) {
    const problem = filePathProblem(path);
    if (problem) bad.push({ index, text: `files.${index}.path ${JSON.stringify(path)} ${problem}` });
    const first = seen.get(path);
    if (first !== undefined) {
      bad.push({ index, text: `files.${index}.path ${JSON.stringify(path)} repeats files.${first}.path` });
    } else seen.set(path, index);
  }
  if (bad.length === 0) return;
  const shown = bad.slice(0, 20).map((b) => b.text);
  if (bad.length > shown.length) shown.push(`and ${bad.length - shown.length} more`);
  throw new ScaleOutError('VALIDATION_FAILED', `unsafe or repeated file paths: ${shown.join('; ')}`, {
    field: `files.${bad[0]!.index}.path`,
  });
}
