import type { PackageDef, ProjectBundle, TaskDef } from '../protocol/packageFormat';

/** System variables a package may reference (see docs/package-format.md). */
export const SYSTEM_VARIABLES = [
  'ExecutionId',
  'AttemptNumber',
  'MachineName',
  'StartTime',
  'PackageName',
  'ProjectName',
  'FolderName',
  'NodePath',
];

export interface BundleProblem {
  /** Package name, or "project" for the project file. */
  where: string;
  /** Path inside the package, e.g. tasks.1.args.2 */
  path: string;
  message: string;
}

function taskTexts(task: TaskDef): [string, string][] {
  switch (task.type) {
    case 'process':
      return [
        ['command', task.command],
        ...task.args.map((a, i): [string, string] => [`args.${i}`, a]),
        ...(task.workingDirectory ? [['workingDirectory', task.workingDirectory] as [string, string]] : []),
      ];
    case 'script':
      return [];
  }
}

function checkPackage(bundle: ProjectBundle, pkg: PackageDef): BundleProblem[] {
  const known = new Set<string>([
    ...bundle.project.parameters.map((p) => `$project::${p.name}`.toLowerCase()),
    ...pkg.parameters.map((p) => `$package::${p.name}`.toLowerCase()),
    ...pkg.variables.map((v) => `user::${v.name}`.toLowerCase()),
    ...SYSTEM_VARIABLES.map((v) => `system::${v}`.toLowerCase()),
  ]);
  const problems: BundleProblem[] = [];
  pkg.tasks.forEach((task, index) => {
    for (const [field, text] of taskTexts(task)) {
      for (const match of text.matchAll(/@\[([^\]]*)\]/g)) {
        const reference = match[1]!.trim();
        if (!known.has(reference.toLowerCase())) {
          problems.push({
            where: pkg.name,
            path: `tasks.${index}.${field}`,
            message: `unknown reference @[${reference}]`,
          });
        }
      }
    }
  });
  return problems;
}

/**
 * Checks what a schema cannot: every @[...] reference in every task names a parameter, variable
 * or system variable that exists. Returns every problem, not just the first.
 */
export function validateBundle(bundle: ProjectBundle): BundleProblem[] {
  return bundle.packages.flatMap((pkg) => checkPackage(bundle, pkg));
}
