import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where this code runs from: dist/ when bundled, cli/ when run from source. */
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = existsSync(join(here, '..', 'package.json')) ? resolve(here, '..') : resolve(here);
export const distDir = join(repoRoot, 'dist');

export const cliEntry = () => join(distDir, 'cli.mjs');
export const hostEntry = () => join(distDir, 'executionHost.mjs');
export const rendererDir = () => join(distDir, 'renderer');
/** The sample projects `master --sample` deploys on first run (the same as the desktop app). */
export const sampleDirs = () =>
  ['HelloScaleOut', 'Etl', 'FanOut'].map((name) => join(repoRoot, 'samples', name));

/** Default data directory: $SCALEOUT_DATA_DIR, else ~/.scaleout */
export function defaultDataDir(): string {
  return process.env.SCALEOUT_DATA_DIR || join(homedir(), '.scaleout');
}
