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
import { formatOf, pickProjectFiles, repeatedPackageNames } from './projectFiles';
import { inlineScriptFiles } from './scriptFiles';
import { parsePositionedYaml } from './yamlPositions';

/** One file of the project folder, parsed; `data` is set when it passed its schema. */
interface SourceFile<T> {
  file: string;
  doc: PositionedDocument;
  data: T | undefined;
}

/** "file:line:col: path: message", the one shape of every problem a deploy reports. */
function problemAt(source: SourceFile<unknown>, path: DocumentPath, message: string): string {
  const pathText = typeof path === 'string' ? path : path.join('.');
  return `${source.file}:${source.doc.positionOf(path)}: ${pathText || '(root)'}: ${message}`;
}

/** Parses one file (JSON or YAML, by its name) against a schema, adding its problems to `problems`. */
function parseFile<S extends z.ZodType>(dir: string, file: string, schema: S, problems: string[]) {
  const text = readFileSync(join(dir, file), 'utf8');
  const format = formatOf(file);
  const doc = format === 'json' ? parsePositioned(text) : parsePositionedYaml(text);
  const source: SourceFile<z.output<S>> = { file, doc, data: undefined };
  if (doc.syntaxErrors.length > 0 || doc.value === undefined) {
    const label = format === 'json' ? 'JSON' : 'YAML';
    problems.push(...doc.syntaxErrors.map((e) => `${file}:${e} (not valid ${label})`));
    return source;
  }
  const parsed = schema.safeParse(doc.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      // An unknown key is best shown where it is written, not at the start of its object.
      const at = issue.code === 'unrecognized_keys' ? [...path, ...issue.keys.slice(0, 1)] : path;
      problems.push(`${file}:${doc.positionOf(at)}: ${describeIssues([issue])}`);
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
): string {
  const where = problem.where.toLowerCase();
  const source =
    packages.find((p) => p.data?.name === problem.where) ??
    packages.find((p) => p.data?.name.toLowerCase() === where) ??
    (where === 'project' ? project : undefined);
  return source
    ? problemAt(source, problem.path, problem.message)
    : `${problem.where}: ${problem.path}: ${problem.message}`;
}

function readPackages(dir: string, files: string[], problems: string[]): SourceFile<PackageDef>[] {
  const packages = files.map((file) => parseFile(dir, file, PackageDef, problems));
  for (const source of packages) {
    if (!source.data) continue;
    for (const { path, message } of inlineScriptFiles(source.data, dir)) {
      problems.push(problemAt(source, path, message));
    }
  }
  const named = packages.flatMap((p) => (p.data ? [{ file: p.file, name: p.data.name }] : []));
  for (const { file, name, firstFile } of repeatedPackageNames(named)) {
    const source = packages.find((p) => p.file === file)!;
    problems.push(problemAt(source, ['name'], `package ${name} is also defined by ${firstFile}`));
  }
  return packages;
}

function invalid(dir: string, problems: string[]): ScaleOutError {
  return new ScaleOutError('VALIDATION_FAILED', `project ${dir} is not valid:\n  ${problems.join('\n  ')}`);
}

/**
 * Reads a project folder: project.json (or .yaml/.yml) plus every *.package.json (or .yaml/.yml)
 * beside it, with script tasks' files read into their code. Validates everything (schemas, then
 * what validateBundle checks across tasks) and reports every problem with its file, line and
 * column before failing, so one deploy attempt shows them all.
 */
export function loadProjectDir(dir: string): ProjectBundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ScaleOutError('VALIDATION_FAILED', `${dir} is not a folder`, { field: 'projectDir' });
  }
  const files = pickProjectFiles(readdirSync(dir));
  if (files.projectFiles.length === 0) {
    const message = `${dir} has no project.json (nor project.yaml or project.yml)`;
    throw new ScaleOutError('VALIDATION_FAILED', message, { field: 'projectDir' });
  }
  const problems = [...files.problems];
  const project =
    files.projectFiles.length === 1
      ? parseFile(dir, files.projectFiles[0]!, ProjectDef, problems)
      : undefined;
  if (files.packageFiles.length === 0) {
    problems.push(`no *.package.json files (nor *.package.yaml or *.package.yml) in ${dir}`);
  }
  const packages = readPackages(dir, files.packageFiles, problems);
  if (problems.length > 0 || !project?.data) throw invalid(dir, problems);

  const bundle = ProjectBundle.safeParse({ project: project.data, packages: packages.map((p) => p.data) });
  if (!bundle.success) throw invalid(dir, [describeIssues(bundle.error.issues)]);
  const bundleProblems = validateBundle(bundle.data).map((p) => bundleProblem(p, project, packages));
  if (bundleProblems.length > 0) throw invalid(dir, bundleProblems);
  return bundle.data;
}
