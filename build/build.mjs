// Builds everything into dist/: the CLI, execution host and script host bundles (esbuild), the
// single-file worker (dist/worker/: agent, execution host and script host side by side), the
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

/**
 * The worker bundle runs where there is no node_modules, and sqlite3 is a native addon that cannot
 * be bundled. Its import becomes this module: SQLite's open flags (fixed by its C API) are
 * constants, anything else loads sqlite3 on first use from beside the bundle (`npm install
 * sqlite3` there), else throws a message saying so. So a worker without it runs every package
 * but those that open a SQLite connection. docs/worker-install.md
 */
const lazySqlite3 = {
  name: 'lazy-sqlite3',
  setup(b) {
    b.onResolve({ filter: /^sqlite3$/ }, () => ({ path: 'sqlite3', namespace: 'lazy-sqlite3' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-sqlite3' }, () => ({
      resolveDir: root,
      contents: `
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
const OPEN_FLAGS = { OPEN_READONLY: 0x1, OPEN_READWRITE: 0x2, OPEN_CREATE: 0x4, OPEN_FULLMUTEX: 0x10000, OPEN_URI: 0x40, OPEN_SHAREDCACHE: 0x20000, OPEN_PRIVATECACHE: 0x40000 };
let addon = null;
function load() {
  if (addon) return addon;
  try {
    addon = createRequire(import.meta.url)('sqlite3');
  } catch (error) {
    const dir = dirname(fileURLToPath(import.meta.url));
    throw new Error('SQLite connections need the sqlite3 addon, which the worker bundle cannot contain: run "npm install sqlite3@6" in ' + dir + ' (' + error.message.split('\\n')[0] + ')', { cause: error });
  }
  return addon;
}
export default new Proxy(OPEN_FLAGS, { get: (flags, key) => (key in flags ? flags[key] : load()[key]) });
`,
    }));
  },
};
const workerBundle = (entry, outfile) =>
  build({
    ...common,
    external: ['bufferutil', 'utf-8-validate'],
    plugins: [lazySqlite3],
    entryPoints: [entry],
    outfile,
    format: 'esm',
    banner: { js: esmBanner },
  });

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
  workerBundle('cli/workerMain.ts', 'dist/worker/scaleout-worker.mjs'),
  workerBundle('worker-agent/engine/executionHost.ts', 'dist/worker/executionHost.mjs'),
  workerBundle('worker-agent/engine/script/scriptHost.ts', 'dist/worker/scriptHost.mjs'),
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
