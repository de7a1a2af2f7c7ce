import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('folder import boundaries', () => {
  it('refuses master-core internals in worker-agent', async () => {
    const errors = await boundaryErrors(
      'worker-agent/x.ts',
      "import { openCatalog } from '../master-core/catalog/openCatalog';\nexport const x = openCatalog;\n",
    );
    expect(errors.join()).toMatch(/master-core\/protocol only/);
  });

  it('refuses sqlite3 in worker-agent', async () => {
    const errors = await boundaryErrors(
      'worker-agent/x.ts',
      "import sqlite3 from 'sqlite3';\nexport const x = sqlite3;\n",
    );
    expect(errors.join()).toMatch(/has no database of its own/);
  });

  it('allows sqlite3 in the engine’s connections, where packages open their databases', async () => {
    const errors = await boundaryErrors(
      'worker-agent/engine/connections/x.ts',
      "import sqlite3 from 'sqlite3';\nexport const x = sqlite3;\n",
    );
    expect(errors).toEqual([]);
  });

  it('allows master-core/protocol in worker-agent', async () => {
    const errors = await boundaryErrors(
      'worker-agent/x.ts',
      "import { PROTOCOL_VERSION } from '../master-core/protocol/wire';\nexport const x = PROTOCOL_VERSION;\n",
    );
    expect(errors).toEqual([]);
  });

  it('refuses node built-ins in the renderer, with or without the node: prefix', async () => {
    for (const source of ["import { readFileSync } from 'node:fs';", "import { readFileSync } from 'fs';"]) {
      const errors = await boundaryErrors('renderer/x.ts', `${source}\nexport const x = readFileSync;\n`);
      expect(errors.join()).toMatch(/browser/);
    }
  });

  it('refuses Node and the rest of master-core in the protocol', async () => {
    expect(
      (
        await boundaryErrors(
          'master-core/protocol/x.ts',
          "import { join } from 'node:path';\nexport const x = join;\n",
        )
      ).join(),
    ).toMatch(/only the schema library/);
    expect(
      (
        await boundaryErrors(
          'master-core/protocol/x.ts',
          "import { openDb } from '../catalog/db';\nexport const x = openDb;\n",
        )
      ).join(),
    ).toMatch(/must not import the rest/);
  });

  it('refuses electron in master-core', async () => {
    const errors = await boundaryErrors(
      'master-core/x.ts',
      "import { app } from 'electron';\nexport const x = app;\n",
    );
    expect(errors.join()).toMatch(/headless/);
  });

  it('fails `npm run lint` (the eslint CLI) on a violating file', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(process.cwd(), 'worker-agent', '.lint-probe-'));
    try {
      writeFileSync(join(dir, 'bad.ts'), "import sqlite3 from 'sqlite3';\nexport const x = sqlite3;\n");
      const code = await new Promise<number | null>((resolve) => {
        execFile(process.execPath, ['node_modules/eslint/bin/eslint.js', dir], (error) =>
          resolve(error ? ((error as { code?: number }).code ?? 1) : 0),
        );
      });
      expect(code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
