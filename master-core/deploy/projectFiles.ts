/** Which files of a project folder are read, decided from the folder listing alone. */

export const PROJECT_FILES = ['project.json', 'project.yaml', 'project.yml'] as const;
export const PACKAGE_SUFFIXES = ['.package.json', '.package.yaml', '.package.yml'] as const;

export type FileFormat = 'json' | 'yaml';

export function formatOf(file: string): FileFormat {
  return file.endsWith('.json') ? 'json' : 'yaml';
}

/** "Load.package.yaml" -> "Load"; undefined for a file that is no package file. */
export function packageBaseName(file: string): string | undefined {
  const suffix = PACKAGE_SUFFIXES.find((s) => file.endsWith(s) && file.length > s.length);
  return suffix ? file.slice(0, -suffix.length) : undefined;
}

export interface ProjectFiles {
  /** Every project file present: exactly one is valid. */
  projectFiles: string[];
  /** Package files, sorted. */
  packageFiles: string[];
  /** Problems of the listing itself: two project files, two files for one package. */
  problems: ListingProblem[];
}

/** A problem of the listing: the files it is about, and what is wrong. */
export interface ListingProblem {
  files: string[];
  message: string;
}

/** Picks the project file and the package files out of a folder listing. */
export function pickProjectFiles(names: readonly string[]): ProjectFiles {
  const projectFiles = PROJECT_FILES.filter((f) => names.includes(f));
  const packageFiles = names.filter((f) => packageBaseName(f) !== undefined).sort();
  const problems: ListingProblem[] = [];
  if (projectFiles.length > 1) {
    problems.push({
      files: [...projectFiles],
      message: 'a project folder has exactly one project file; keep one',
    });
  }
  // Case-insensitive, as package names are, and as file names are on Windows and macOS.
  const byBase = new Map<string, string[]>();
  for (const file of packageFiles) {
    const base = packageBaseName(file)!.toLowerCase();
    byBase.set(base, [...(byBase.get(base) ?? []), file]);
  }
  for (const files of byBase.values()) {
    if (files.length > 1) {
      problems.push({ files, message: `two files for package ${packageBaseName(files[0]!)}; keep one` });
    }
  }
  return { projectFiles, packageFiles, problems };
}

/**
 * Packages whose `name` repeats one in an earlier file (case-insensitive). Files of the same base
 * name are left out: pickProjectFiles already names them both.
 */
export function repeatedPackageNames(
  packages: readonly { file: string; name: string }[],
): { file: string; name: string; firstFile: string }[] {
  const first = new Map<string, string>();
  const repeated: { file: string; name: string; firstFile: string }[] = [];
  for (const { file, name } of packages) {
    const firstFile = first.get(name.toLowerCase());
    if (firstFile === undefined) first.set(name.toLowerCase(), file);
    else if (packageBaseName(firstFile)?.toLowerCase() !== packageBaseName(file)?.toLowerCase()) {
      repeated.push({ file, name, firstFile });
    }
  }
  return repeated;
}
