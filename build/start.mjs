// npm start: build what is missing, then open the desktop app (Electron, with the master embedded
// and a local worker). Where Electron cannot start (no binary and no way to fetch it, or no
// display), run the same embedded master + local worker headless and print the console URL.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const headlessOnly = args.includes('--headless') || process.env.SCALEOUT_HEADLESS === '1';
const passThrough = args.filter((a) => a !== '--headless');

const built = [
  'dist/cli.mjs',
  'dist/executionHost.mjs',
  'dist/renderer/index.html',
  'dist/electron/main.mjs',
].every((f) => existsSync(join(root, f)));
if (!built) {
  console.log('scaleout: building (first start)...');
  const result = spawnSync(process.execPath, [join(root, 'build/build.mjs')], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** The Electron binary's path, or why there is none. `require('electron')` fetches it on first use. */
function findElectron() {
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { why: 'no display (DISPLAY and WAYLAND_DISPLAY are unset)' };
  }
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 5 * 60_000,
  });
  const path = probe.stdout?.trim();
  if (probe.status === 0 && path && existsSync(path)) return { path };
  const reason =
    (probe.stderr || '').split('\n').find((l) => /Error|failed/i.test(l)) ?? `exit ${probe.status}`;
  return { why: `the Electron binary is not installed and could not be fetched (${reason.trim()})` };
}

function run(command, commandArgs, env = {}) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = headlessOnly ? { why: '--headless was given' } : findElectron();
if (electron.path) {
  console.log('scaleout: starting the desktop app');
  run(electron.path, [join(root, 'dist/electron/main.mjs'), ...passThrough]);
} else {
  console.log(`scaleout: the desktop app cannot start here: ${electron.why}.`);
  console.log(
    'scaleout: starting the same embedded master and local worker headless; open the Console URL below in a browser.',
  );
  run(process.execPath, [join(root, 'dist/cli.mjs'), 'master', '--local-worker', '--sample', ...passThrough]);
}
