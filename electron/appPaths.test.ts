import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppPaths } from './appPaths';

const root = join('/', 'opt', 'scaleout');

describe('resolveAppPaths', () => {
  it('finds the repository two levels above the bundle dist/electron/main.mjs', () => {
    const paths = resolveAppPaths(join(root, 'dist', 'electron', 'main.mjs'));
    expect(paths).toEqual({
      repoRoot: root,
      preload: join(root, 'dist', 'electron', 'preload.cjs'),
      rendererDir: join(root, 'dist', 'renderer'),
      cliEntry: join(root, 'dist', 'cli.mjs'),
      sampleDirs: ['HelloScaleOut', 'Etl', 'FanOut'].map((name) => join(root, 'samples', name)),
      docsDir: join(root, 'docs'),
      iconsDir: join(root, 'build', 'icons'),
    });
  });

  it('finds it one level above the sources', () => {
    expect(resolveAppPaths(join(root, 'electron', 'main.ts')).repoRoot).toBe(root);
  });
});
