// Builds everything into dist/: the CLI, execution host and script host bundles (esbuild), the
// Electron main process and preload (esbuild), and the console (Vite). `--node-only` skips the console.
import { build } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nodeOnly = process.argv.includes('--node-only');
const started = Date.now();

const esmBanner =
  "import { createRequire as __scaleoutCreateRequire } from 'node:module';\nconst require = __scaleoutCreateRequire(import.meta.url);";
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  external: ['sqlite3', 'bufferutil', 'utf-8-validate', 'electron'],
  // Prefer ES module builds: some packages' UMD main (jsonc-parser) hides its requires from the bundler.
  mainFields: ['module', 'main'],
};

mkdirSync(join(root, 'dist'), { recursive: true });
await Promise.all([
  build({
    ...common,
    entryPoints: ['cli/main.ts'],
    outfile: 'dist/cli.mjs',
    format: 'esm',
    banner: { js: esmBanner },
  }),
  build({
    ...common,
    entryPoints: ['worker-agent/engine/executionHost.ts'],
    outfile: 'dist/executionHost.mjs',
    format: 'esm',
    banner: { js: esmBanner },
  }),
  build({
    ...common,
    entryPoints: ['worker-agent/engine/script/scriptHost.ts'],
    outfile: 'dist/scriptHost.mjs',
    format: 'esm',
    banner: { js: esmBanner },
  }),
  ...(existsSync(join(root, 'electron/main.ts'))
    ? [
        build({
          ...common,
          entryPoints: ['electron/main.ts'],
          outfile: 'dist/electron/main.mjs',
          format: 'esm',
          banner: { js: esmBanner },
        }),
        // A sandboxed preload must be a CommonJS script.
        build({
          ...common,
          entryPoints: ['electron/preload.ts'],
          outfile: 'dist/electron/preload.cjs',
          format: 'cjs',
        }),
      ]
    : []),
]);
console.log(`node bundles built in ${Date.now() - started} ms`);

if (!nodeOnly) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
  console.log(`console built in ${Date.now() - started} ms`);
}
