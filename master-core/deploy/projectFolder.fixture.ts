// Real project folders in the temp directory for the deploy tests, removed after each test.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { loadProjectDir } from './loadProjectDir';

/** Registers the clean-up; returns a function that writes files (paths may hold folders) to a new folder. */
export function useProjectFolders(): (files: Record<string, string>) => string {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  return (files) => {
    const dir = mkdtempSync(join(tmpdir(), 'scaleout-project-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };
}

/** The message loadProjectDir fails with, or '' when the folder loads. */
export function loadProblems(dir: string): string {
  try {
    loadProjectDir(dir);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** Pretty JSON, as people write it (positions in the tests count on two-space indentation). */
export const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
