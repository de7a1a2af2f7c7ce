import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { ScaleOutError } from '../protocol/errors';
import { PackageDef, ProjectBundle, ProjectDef } from '../protocol/packageFormat';
import { describeIssues } from '../protocol/validate';
import { validateBundle } from '../execution/validateBundle';
import { parsePositioned } from './jsonPositions';
import type { PositionedJson } from './jsonPositions';

export const PROJECT_FILE = 'project.json';
export const PACKAGE_SUFFIX = '.package.json';

/** Parses one file against a schema; every problem comes back as "file:line:col: path: message". */
function parseFile<S extends z.ZodType>(dir: string, file: string, schema: S, problems: string[]) {
  const json: PositionedJson = parsePositioned(readFileSync(join(dir, file), 'utf8'));
  if (json.syntaxErrors.length > 0 || json.value === undefined) {
    problems.push(...json.syntaxErrors.map((e) => `${file}:${e} (not valid JSON)`));
    return { json, data: undefined };
  }
  const parsed = schema.safeParse(json.value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      problems.push(`${file}:${json.positionOf(path)}: ${describeIssues([issue])}`);
    }
    return { json, data: undefined };
  }
  return { json, data: parsed.data as z.output<S> };
}

/**
 * Reads a project folder: project.json plus every *.package.json beside it. Validates everything
 * (schemas, then references between tasks and parameters) and reports every problem with its
 * file, line and column before failing, so one deploy attempt shows them all.
 */
export function loadProjectDir(dir: string): ProjectBundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ScaleOutError('VALIDATION_FAILED', `${dir} is not a folder`, { field: 'projectDir' });
  }
  if (!existsSync(join(dir, PROJECT_FILE))) {
    throw new ScaleOutError('VALIDATION_FAILED', `${dir} has no ${PROJECT_FILE}`, { field: 'projectDir' });
  }
  const problems: string[] = [];
  const project = parseFile(dir, PROJECT_FILE, ProjectDef, problems);
  const packageFiles = readdirSync(dir)
    .filter((f) => f.endsWith(PACKAGE_SUFFIX))
    .sort();
  if (packageFiles.length === 0) problems.push(`no *${PACKAGE_SUFFIX} files in ${dir}`);
  const packages = packageFiles.map((file) => ({ file, ...parseFile(dir, file, PackageDef, problems) }));

  if (problems.length === 0) {
    const bundle = ProjectBundle.safeParse({ project: project.data, packages: packages.map((p) => p.data) });
    if (!bundle.success) {
      problems.push(describeIssues(bundle.error.issues));
    } else {
      for (const problem of validateBundle(bundle.data)) {
        const source = packages.find((p) => p.data?.name === problem.where)!;
        problems.push(
          `${source.file}:${source.json.positionOf(problem.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)))}: ${problem.path}: ${problem.message}`,
        );
      }
      if (problems.length === 0) return bundle.data;
    }
  }
  throw new ScaleOutError('VALIDATION_FAILED', `project ${dir} is not valid:\n  ${problems.join('\n  ')}`);
}
