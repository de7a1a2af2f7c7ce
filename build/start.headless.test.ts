import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** `npm start` where Electron cannot start: the same master + local worker + sample, headless. */
describe('npm start without a usable Electron', () => {
  it('says why, starts the embedded master with a local worker and the sample, and stops cleanly', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-start-'));
    dirs.push(dataDir);
    const child = spawn(
      process.execPath,
      ['build/start.mjs', '--console-port', '0', '--agent-port', '0', '--agent-host', '127.0.0.1'],
      {
        env: { ...process.env, SCALEOUT_DATA_DIR: dataDir, DISPLAY: '', WAYLAND_DISPLAY: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const seen = new Promise<void>((resolve, reject) => {
      const onLine = (line: string) => {
        output += `${line}\n`;
        if (
          /connected to wss:\/\/127\.0\.0\.1/.test(output) &&
          /first run: deployed the sample project Samples\/HelloScaleOut/.test(output)
        ) {
          resolve();
        }
      };
      createInterface({ input: child.stdout }).on('line', onLine);
      createInterface({ input: child.stderr }).on('line', onLine);
      child.once('exit', (code) => reject(new Error(`start exited early (${code}):\n${output}`)));
    });
    try {
      await seen;
      expect(output).toMatch(/the desktop app cannot start here: no display/);
      expect(output).toMatch(/Console:\s+http:\/\/127\.0\.0\.1:\d+\/#token=\w+/);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
