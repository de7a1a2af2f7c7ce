import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ScaleOutError } from '../protocol/errors';
import { PackageDef, ProjectBundle, ProjectDef } from '../protocol/packageFormat';
import { describeIssues } from '../protocol/validate';
import { validateBundle } from '../execution/validateBundle';
import type { BundleProblem } from '../execution/validateBundle';
import type { DocumentPath, PositionedDocument } from './documentPaths';
import { parsePositioned } from './jsonPositions';
import { formatOf, packageBaseName, pickProjectFiles, repeatedPackageNames } from './projectFiles';
import { PROJECT_FILES } from './projectFiles';
import { fileInsideProblem, inlineScriptFiles, memoryScriptReader, readScriptFile } from './scriptFiles';
import type { ScriptReader } from './scriptFiles';
import { parsePositionedYaml } from './yamlPositions';
import { checkFilePaths } from './filePaths';
import type { ProjectFileInput } from './filePaths';

export type { ProjectFileInput } from './filePaths';

/** One problem of a project, as the console shows it; `text` is the line the CLI prints. */
export interface DeployProblem {
  file: string;
  line: number | null;
  column: number | null;
  /** Dotted path inside the document, '' when the whole file (or project) is at fault. */
  path: string;
  message: string;
}

interface Problem extends DeployProblem {
  text: string;
}

/** What a load found: the bundle when there was no problem at all. */
export interface LoadedProject {
  bundle: ProjectBundle | null;
  problems: DeployProblem[];
  /** The project's name when its file gives one (even with problems elsewhere in it), else null. */
  projectName: string | null;
  /** The names the package files give, in file order (a file with no readable name is left out). */
  packageNames: string[];
}

/** Where the files of a project come from: a folder on disk, or files in memory. */
interface ProjectSource {
  /** How messages name the whole project: its folder, or "the files". */
  label: string;
  /** The names at the top of the project folder. */
  names: readonly string[];
  /** A project file found in a subfolder, named when there is none at the top. */
  nestedProjectFile?: string | undefined;
  read(name: string): string;
  readScript: ScriptReader;
}

/** One file of the project folder, parsed; `data` is set when it passed its schema. */
interface SourceFile<T> {
  file: string;
  doc: PositionedDocument;
  data: T | undefined;
  /** Where this file's value stands inside the document ([] but for a package of a bundle file). */
  base: (string | number)[];
}

const pathText = (path: DocumentPath) => (typeof path === 'string' ? path : path.join('.'));

function lineColumn(position: string): { line: number | null; column: number | null } {
  const match = /^(\d+):(\d+)/.exec(position);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: null, column: null };
}

/** "file:line:col: path: message", the one shape of every problem a deploy reports. */
function problemAt(source: SourceFile<unknown>, path: DocumentPath, message: string): Problem {
  // Dotted paths stay dotted: a key may hold dots itself (documentPaths.locate knows).
  const inDocument: DocumentPath =
    source.base.length === 0
      ? path
      : typeof path === 'string'
        ? [...source.base, ...(path === '' ? [] : [path])].join('.')
        : [...source.base, ...path];
  const position = source.doc.positionOf(inDocument);
  const shown = pathText(inDocument);
  return {
    file: source.file,
    ...lineColumn(position),
    path: shown,
    message,
    text: `${source.file}:${position}: ${shown || '(root)'}: ${message}`,
  };
}

/** A problem of the whole project or of files as a group, with no place in a file. */
function projectProblem(
  file: string,
  message: string,
  text = file ? `${file}: ${message}` : message,
): Problem {
  return { file, line: null, column: null, path: '', message, text };
}

/** Parses one file (JSON or YAML, by its name) against a schema, adding its problems to `problems`. */
function parseFile<S extends z.ZodType>(file: string, text: string, schema: S, problems: Problem[]) {
  const format = formatOf(file);
  const doc = format === 'json' ? parsePositioned(text) : parsePositionedYaml(text);
  const source: SourceFile<z.output<S>> = { file, doc, data: undefined, base: [] };
  if (doc.syntaxErrors.length > 0 || doc.value === undefined) {
    const label = format === 'json' ? 'JSON' : 'YAML';
    for (const error of doc.syntaxErrors) {
      const message = `${error.replace(/^\d+:\d+: /, '')} (not valid ${label})`;
      problems.push({
        file,
        ...lineColumn(error),
        path: '',
        message,
        text: `${file}:${error} (not valid ${label})`,
      });
    }
    if (doc.syntaxErrors.length === 0) problems.push(projectProblem(file, 'the file is empty'));
    return source;
  }
  const parsed = schema.safeParse(doc.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      // An unknown key is best shown where it is written, not at the start of its object.
      const at = issue.code === 'unrecognized_keys' ? [...path, ...issue.keys.slice(0, 1)] : path;
      const position = doc.positionOf(at);
      problems.push({
        file,
        ...lineColumn(position),
        path: path.join('.'),
        message: issue.message,
        text: `${file}:${position}: ${describeIssues([issue])}`,
      });
    }
    return source;
  }
  return { ...source, data: parsed.data as z.output<S> };
}

/** Maps a validateBundle problem to its file: the package it names, else the project file. */
function bundleProblem(
  problem: BundleProblem,
  project: SourceFile<ProjectDef>,
  packages: SourceFile<PackageDef>[],
): Problem {
  const where = problem.where.toLowerCase();
  const source =
    packages.find((p) => p.data?.name === problem.where) ??
    packages.find((p) => p.data?.name.toLowerCase() === where) ??
    (where === 'project' ? project : undefined);
  if (source) return problemAt(source, problem.path, problem.message);
  return {
    file: problem.where,
    line: null,
    column: null,
    path: problem.path,
    message: problem.message,
    text: `${problem.where}: ${problem.path}: ${problem.message}`,
  };
}

function readPackages(source: ProjectSource, files: string[], problems: Problem[]): SourceFile<PackageDef>[] {
  const packages = files.map((file) => parseFile(file, source.read(file), PackageDef, problems));
  for (const pkg of packages) {
    if (!pkg.data) continue;
    for (const { path, message } of inlineScriptFiles(pkg.data, source.readScript)) {
      problems.push(problemAt(pkg, path, message));
    }
  }
  const named = packages.flatMap((p) => (p.data ? [{ file: p.file, name: p.data.name }] : []));
  for (const { file, name, firstFile } of repeatedPackageNames(named)) {
    const pkg = packages.find((p) => p.file === file)!;
    problems.push(problemAt(pkg, ['name'], `package ${name} is also defined by ${firstFile}`));
  }
  return packages;
}

/** The checks across files (references, expressions, Execute Package...) once every file parsed. */
function crossCheck(
  candidate: unknown,
  project: SourceFile<ProjectDef>,
  packages: SourceFile<PackageDef>[],
  problems: Problem[],
): ProjectBundle | null {
  const bundle = ProjectBundle.safeParse(candidate);
  if (!bundle.success) {
    problems.push(projectProblem('', describeIssues(bundle.error.issues)));
    return null;
  }
  problems.push(...validateBundle(bundle.data).map((p) => bundleProblem(p, project, packages)));
  return problems.length === 0 ? bundle.data : null;
}

/** The name a file gives, read from the document even when the file has problems elsewhere. */
function nameIn(source: SourceFile<{ name: string }> | undefined): string | null {
  if (source?.data) return source.data.name;
  const value = source?.doc.value as { name?: unknown } | undefined;
  return typeof value?.name === 'string' ? value.name : null;
}

const outcome = (
  bundle: ProjectBundle | null,
  problems: Problem[],
  project: SourceFile<ProjectDef> | undefined,
  packages: SourceFile<PackageDef>[],
): LoadedProject & { texts: string[] } => ({
  bundle: problems.length === 0 ? bundle : null,
  problems: problems.map(({ text: _text, ...problem }) => problem),
  texts: problems.map((p) => p.text),
  projectName: nameIn(project),
  packageNames: packages.flatMap((p) => nameIn(p) ?? []),
});

/**
 * The one way a project is read, from disk or from memory: project.json (or .yaml/.yml) plus
 * every *.package.json (or .yaml/.yml) beside it, with script tasks' files read into their code.
 * Validates everything (schemas, then what validateBundle checks across tasks) and reports every
 * problem with its file, line and column, so one attempt shows them all.
 */
function loadProject(source: ProjectSource): LoadedProject & { texts: string[] } {
  const files = pickProjectFiles(source.names);
  const problems: Problem[] = files.problems.map((p) => projectProblem(p.files.join(' and '), p.message));
  if (files.projectFiles.length === 0) {
    const nested = source.nestedProjectFile
      ? `; ${source.nestedProjectFile} is in a subfolder: choose that folder`
      : '';
    const message = `${source.label} has no project.json (nor project.yaml or project.yml)${nested}`;
    problems.push(projectProblem('', message));
  }
  const project =
    files.projectFiles.length === 1
      ? parseFile(files.projectFiles[0]!, source.read(files.projectFiles[0]!), ProjectDef, problems)
      : undefined;
  if (files.packageFiles.length === 0) {
    problems.push(
      projectProblem('', `no *.package.json files (nor *.package.yaml or *.package.yml) in ${source.label}`),
    );
  }
  const packages = readPackages(source, files.packageFiles, problems);
  if (problems.length > 0 || !project?.data) return outcome(null, problems, project, packages);
  const bundle = crossCheck(
    { project: project.data, packages: packages.map((p) => p.data) },
    project,
    packages,
    problems,
  );
  return outcome(bundle, problems, project, packages);
}

/**
 * A single JSON file holding a whole bundle, { project, packages }: what `project.deploy` takes
 * (and what a catalog export holds). Its script tasks carry their code already.
 */
function loadBundleFile(file: string, text: string): LoadedProject & { texts: string[] } {
  const problems: Problem[] = [];
  const whole = parseFile(file, text, ProjectBundle, problems);
  if (!whole.data) {
    const value = whole.doc.value as
      { project?: { name?: unknown }; packages?: { name?: unknown }[] } | undefined;
    const name = typeof value?.project?.name === 'string' ? value.project.name : null;
    const packageNames = Array.isArray(value?.packages)
      ? value.packages.flatMap((p) => (typeof p?.name === 'string' ? [p.name] : []))
      : [];
    return { ...outcome(null, problems, undefined, []), projectName: name, packageNames };
  }
  const project: SourceFile<ProjectDef> = { ...whole, data: whole.data.project, base: ['project'] };
  const packages = whole.data.packages.map((pkg, i) => ({ ...whole, data: pkg, base: ['packages', i] }));
  const bundle = crossCheck(whole.data, project, packages, problems);
  return outcome(bundle, problems, project, packages);
}

/** True when the files are one JSON file that is no project or package file: a bundle file. */
function isBundleFile(files: readonly ProjectFileInput[]): boolean {
  if (files.length !== 1) return false;
  const name = files[0]!.path;
  return (
    !name.includes('/') &&
    name.toLowerCase().endsWith('.json') &&
    !(PROJECT_FILES as readonly string[]).includes(name) &&
    packageBaseName(name) === undefined
  );
}

/**
 * Loads a project from files in memory, as the console read them from a chosen folder (paths
 * relative to it, '/'-separated), or from one bundle file. Unsafe or repeated paths are refused
 * at once (VALIDATION_FAILED naming the file); problems of the project itself are returned, all
 * of them, with the same file:line:col the CLI's deploy prints.
 */
export function loadProjectFiles(files: readonly ProjectFileInput[]): LoadedProject {
  checkFilePaths(files);
  if (isBundleFile(files)) return strip(loadBundleFile(files[0]!.path, files[0]!.content));
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  return strip(
    loadProject({
      label: 'the chosen folder',
      names: files.filter((f) => !f.path.includes('/')).map((f) => f.path),
      nestedProjectFile: files.find((f) =>
        (PROJECT_FILES as readonly string[]).includes(f.path.slice(f.path.lastIndexOf('/') + 1)),
      )?.path,
      read: (name) => byPath.get(name)!,
      readScript: memoryScriptReader(byPath),
    }),
  );
}

const strip = ({ texts: _texts, ...loaded }: LoadedProject & { texts: string[] }): LoadedProject => loaded;

/**
 * Reads a project folder (see loadProject) and returns its bundle, or fails with every problem,
 * one "file:line:col: path: message" line each.
 */
export function loadProjectDir(dir: string): ProjectBundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ScaleOutError('VALIDATION_FAILED', `${dir} is not a folder`, { field: 'projectDir' });
  }
  const names = readdirSync(dir);
  const picked = pickProjectFiles(names);
  if (picked.projectFiles.length === 0) {
    const message = `${dir} has no project.json (nor project.yaml or project.yml)`;
    throw new ScaleOutError('VALIDATION_FAILED', message, { field: 'projectDir' });
  }
  // A project or package file that is a link leading out of the folder (or a folder, or a link to
  // nothing) is refused before anything is read: a deploy must not carry files from elsewhere.
  const unreadable = [...picked.projectFiles, ...picked.packageFiles].flatMap((name) => {
    const problem = fileInsideProblem(dir, name);
    return problem ? [`${join(dir, name)}: ${problem}`] : [];
  });
  if (unreadable.length > 0) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `project ${dir} is not valid:\n  ${unreadable.join('\n  ')}`,
    );
  }
  const loaded = loadProject({
    label: dir,
    names,
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    readScript: (file) => readScriptFile(dir, file),
  });
  if (!loaded.bundle) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `project ${dir} is not valid:\n  ${loaded.texts.join('\n  ')}`,
    );
  }
  return loaded.bundle;
}
