import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { removeDir, repoRoot } from './harness/processes';

/** The Electron binary if the electron package has it already (never downloads here). */
function electronBinary(): { path: string } | { why: string } {
  const pkg = join(repoRoot, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile))
    return { why: 'the Electron binary is not installed (node_modules/electron/path.txt is missing)' };
  const path = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(path)) return { why: `the Electron binary is not installed (${path} is missing)` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { why: 'no display for an Electron window (DISPLAY is unset; run under xvfb-run)' };
  }
  return { path };
}

const binary = electronBinary();

test('the desktop app opens the console with the embedded master and runs the sample', async () => {
  if ('why' in binary) {
    console.log(`electron.spec: skipped: ${binary.why}`);
    test.skip(true, binary.why);
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-electron-'));
  const app = await electron.launch({
    executablePath: binary.path,
    args: [join(repoRoot, 'dist/electron/main.mjs'), '--no-sandbox'],
    env: { ...process.env, SCALEOUT_DATA_DIR: dataDir, SCALEOUT_AGENT_PORT: '0' },
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByTestId('tree-project-Samples/HelloScaleOut')).toBeVisible({ timeout: 60_000 });
    // Sandbox + context isolation: the page sees no Node, only the narrow desktop bridge.
    const seen = await window.evaluate(() => {
      const g = globalThis as {
        require?: unknown;
        process?: unknown;
        scaleoutDesktop?: Record<string, unknown>;
      };
      return {
        require: typeof g.require,
        process: typeof g.process,
        bridge: Object.keys(g.scaleoutDesktop ?? {}).sort(),
      };
    });
    expect(seen).toEqual({
      require: 'undefined',
      process: 'undefined',
      bridge: ['appVersion', 'chooseProjectFolder', 'notify'],
    });
  } finally {
    await app.close();
    removeDir(dataDir);
  }
});
