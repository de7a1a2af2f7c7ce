import { execFileSync } from 'node:child_process';

/** Integration tests run the real bundles, so make sure they match the source. */
export default function setup(): void {
  execFileSync(process.execPath, ['build/build.mjs', '--node-only'], { stdio: 'inherit' });
}
