// Lint: TypeScript rules plus the folder import boundaries of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [
  ...builtinModules.filter((m) => !m.startsWith('_')),
  ...builtinModules.map((m) => `node:${m}`),
];
const nodeRule = { regex: '^node:', message: 'this layer runs in the browser: no Node built-ins' };

/** One boundary: which imports a folder may not use, with the reason in the message. */
const boundary = (files, { paths = [], patterns = [] }) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});
const forbid = (names, message) => names.map((name) => ({ name, message }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'e2e/.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-throw-literal': 'error',
    },
  },
  boundary(['master-core/**'], {
    paths: forbid(['electron', 'react', 'react-dom'], 'master-core runs headless: no electron or react'),
    patterns: [
      { regex: '^@mui/', message: 'master-core runs headless: no UI libraries' },
      {
        regex: '(^|/)(worker-agent|renderer|electron|cli)(/|$)',
        message: 'master-core must not import other parts',
      },
    ],
  }),
  boundary(['master-core/protocol/**'], {
    paths: forbid(
      ['ws', 'sqlite3', 'electron', 'react', ...nodeBuiltins],
      'protocol imports only the schema library (zod)',
    ),
    patterns: [
      { regex: '^node:', message: 'protocol imports only the schema library (zod)' },
      { regex: '^\\.\\./', message: 'protocol must not import the rest of master-core' },
    ],
  }),
  boundary(['worker-agent/**'], {
    paths: forbid(
      ['sqlite3'],
      'the worker has no database of its own (packages open theirs in engine/connections)',
    ).concat(forbid(['electron', 'react'], 'the worker agent runs headless')),
    patterns: [
      {
        regex: 'master-core/(?!protocol/)',
        message: 'worker-agent may import master-core/protocol only, never master-core internals',
      },
      { regex: '(^|/)(renderer|electron|cli)(/|$)', message: 'worker-agent must not import other parts' },
    ],
  }),
  // The package engine opens the SQLite databases packages name (SQLite connection managers).
  boundary(['worker-agent/engine/connections/**'], {
    patterns: [
      {
        regex: 'master-core/(?!protocol/)',
        message: 'worker-agent may import master-core/protocol only, never master-core internals',
      },
      { regex: '(^|/)(renderer|electron|cli)(/|$)', message: 'worker-agent must not import other parts' },
    ],
  }),
  boundary(['renderer/**'], {
    paths: forbid(['electron', 'ws', 'sqlite3', ...nodeBuiltins], 'the renderer runs in a browser sandbox'),
    patterns: [
      nodeRule,
      {
        regex: 'master-core/(?!protocol/)',
        message: 'the renderer talks to the master only through master-core/protocol',
      },
      { regex: '(^|/)(worker-agent|electron|cli)(/|$)', message: 'the renderer must not import other parts' },
    ],
  }),
  boundary(['electron/**'], {
    paths: forbid(['react', 'react-dom'], 'the Electron main process renders nothing itself'),
    patterns: [
      { regex: '(^|/)(worker-agent|renderer|cli)(/|$)', message: 'electron may import master-core only' },
    ],
  }),
  boundary(['electron/preload.ts'], {
    paths: forbid(['ws', 'sqlite3', ...nodeBuiltins], 'the preload exposes only contextBridge/ipcRenderer'),
    patterns: [
      nodeRule,
      { regex: 'master-core', message: 'the preload exposes only contextBridge/ipcRenderer' },
    ],
  }),
);
