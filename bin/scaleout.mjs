#!/usr/bin/env node
// The scaleout command: runs the built CLI bundle (`npm run build` makes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('scaleout: not built yet; run `npm run build` in the scaleout folder first\n');
  process.exit(2);
}
await import(entry);
