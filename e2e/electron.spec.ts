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

test('the desktop app opens the console with the embedded master, runs the sample and quits cleanly', async () => {
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
      bridge: ['appVersion', 'chooseProjectFolder', 'connectToMaster', 'notify'],
    });

    // Run the sample on the local worker from the Execute dialog, to Succeeded.
    await window.getByTestId('tree-package-Samples/HelloScaleOut/Hello').click({ button: 'right' });
    await window.getByRole('menuitem', { name: /Execute in Scale Out/ }).click();
    await window.getByTestId('execute-ok').click();
    await expect(window.locator('[data-testid^="status-"]').first()).toHaveText('Succeeded', {
      timeout: 60_000,
    });

    // Quit cleanly: the shutdown sequence drains the local worker, closes the master, exit code 0.
    const exited = new Promise<number | null>((resolve) =>
      app.process().once('exit', (code) => resolve(code)),
    );
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'local-worker.drained-by-quit'))).toBe(true);
  } finally {
    await app.close().catch(() => undefined);
    removeDir(dataDir);
  }
});
