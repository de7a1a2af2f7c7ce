import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ScaleOutError } from '../protocol/errors';
import { PackageDef, ProjectBundle, ProjectDef } from '../protocol/packageFormat';
import { describeIssues } from '../protocol/validate';

export const PROJECT_FILE = 'project.json';
export const PACKAGE_SUFFIX = '.package.json';

/**
 * Reads a project folder: project.json plus every *.package.json beside it. Collects every problem
 * (file and field) before failing, so one deploy attempt shows them all.
 */
export function loadProjectDir(dir: string): ProjectBundle {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ScaleOutError('VALIDATION_FAILED', `${dir} is not a folder`, { field: 'projectDir' });
  }
  const problems: string[] = [];
  const read = (file: string): unknown => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      problems.push(
        `${file}: ${error instanceof SyntaxError ? `not valid JSON: ${error.message}` : String(error)}`,
      );
      return undefined;
    }
  };
  if (!existsSync(join(dir, PROJECT_FILE))) {
    throw new ScaleOutError('VALIDATION_FAILED', `${dir} has no ${PROJECT_FILE}`, { field: 'projectDir' });
  }
  const projectRaw = read(PROJECT_FILE);
  const project = projectRaw === undefined ? null : ProjectDef.safeParse(projectRaw);
  if (project && !project.success) problems.push(`${PROJECT_FILE}: ${describeIssues(project.error.issues)}`);

  const packageFiles = readdirSync(dir)
    .filter((f) => f.endsWith(PACKAGE_SUFFIX))
    .sort();
  if (packageFiles.length === 0) problems.push(`no *${PACKAGE_SUFFIX} files in ${dir}`);
  const packages: PackageDef[] = [];
  for (const file of packageFiles) {
    const raw = read(file);
    if (raw === undefined) continue;
    const parsed = PackageDef.safeParse(raw);
    if (!parsed.success) problems.push(`${file}: ${describeIssues(parsed.error.issues)}`);
    else packages.push(parsed.data);
  }
  if (problems.length > 0 || !project?.success) {
    throw new ScaleOutError('VALIDATION_FAILED', `project ${dir} is not valid:\n  ${problems.join('\n  ')}`);
  }
  const bundle = ProjectBundle.safeParse({ project: project.data, packages });
  if (!bundle.success) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `project ${dir} is not valid: ${describeIssues(bundle.error.issues)}`,
    );
  }
  return bundle.data;
}
