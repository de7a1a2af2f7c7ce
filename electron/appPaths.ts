import { basename, dirname, join, resolve } from 'node:path';

/** The sample projects a first run deploys into the Samples folder. */
export const SAMPLE_PROJECTS = ['HelloScaleOut', 'Etl', 'FanOut'];

/** Where the desktop shell finds the rest of the product, relative to its own bundle. */
export interface AppPaths {
  repoRoot: string;
  /** The sandboxed preload, bundled as CommonJS. */
  preload: string;
  /** The built console the master serves. */
  rendererDir: string;
  /** The scaleout CLI bundle, run as this machine's worker. */
  cliEntry: string;
  /** Sample projects deployed on first run: the Hello world first, then an ETL and a fan-out. */
  sampleDirs: string[];
  docsDir: string;
  /** The app and tray icons (build/icons). */
  iconsDir: string;
}

/**
 * The bundle is dist/electron/main.mjs, so the repository root is two levels up. Run from source
 * (electron/*.ts, as the tests do) it is one level up.
 */
export function resolveAppPaths(moduleFile: string): AppPaths {
  const here = dirname(moduleFile);
  const bundled = basename(here) === 'electron' && basename(dirname(here)) === 'dist';
  const repoRoot = bundled ? resolve(here, '..', '..') : resolve(here, '..');
  const distDir = join(repoRoot, 'dist');
  return {
    repoRoot,
    preload: join(distDir, 'electron', 'preload.cjs'),
    rendererDir: join(distDir, 'renderer'),
    cliEntry: join(distDir, 'cli.mjs'),
    sampleDirs: SAMPLE_PROJECTS.map((name) => join(repoRoot, 'samples', name)),
    docsDir: join(repoRoot, 'docs'),
    iconsDir: join(repoRoot, 'build', 'icons'),
  };
}
