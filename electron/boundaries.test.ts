import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The import rules of the desktop shell, checked on the source text (Electron cannot load here). */

const here = dirname(fileURLToPath(import.meta.url));
const importsOf = (file: string) =>
  [...readFileSync(join(here, file), 'utf8').matchAll(/^import\s+(type\s+)?(.*?)\s+from\s+'([^']+)'/gms)].map(
    (m) => ({ typeOnly: m[1] !== undefined, names: m[2] ?? '', from: m[3] ?? '' }),
  );

describe('electron/ import boundaries', () => {
  it('the preload uses only contextBridge and ipcRenderer, plus the shared channel table', () => {
    for (const { names, from } of importsOf('preload.ts')) {
      if (from === 'electron')
        expect(names.replace(/\s+/g, '')).toMatch(
          /^\{(contextBridge|ipcRenderer)(,(contextBridge|ipcRenderer))?\}$/,
        );
      else expect(from).toBe('./ipcChannels');
    }
  });

  it('the pure modules and the channel table never import electron (its types only)', () => {
    for (const file of [
      'ipcChannels.ts',
      'navigationPolicy.ts',
      'ipcArgs.ts',
      'failureNotice.ts',
      'launchConfig.ts',
      'appPaths.ts',
      'windowOptions.ts',
      'menuTemplate.ts',
      'trayStatus.ts',
      'shutdownSequence.ts',
    ]) {
      expect(
        importsOf(file)
          .filter((i) => !i.typeOnly)
          .map((i) => i.from),
        file,
      ).not.toContain('electron');
    }
    expect(importsOf('ipcChannels.ts')).toEqual([]);
  });

  it('nothing here imports the renderer, the worker agent or sqlite3', () => {
    const sources = readdirSync(here).filter((f) => f.endsWith('.ts'));
    for (const file of sources) {
      for (const { from } of importsOf(file)) {
        expect(from, file).not.toMatch(/renderer|worker-agent|sqlite3|react/);
      }
    }
  });

  it('every window comes from the one factory', () => {
    const sources = readdirSync(here).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'windowFactory.ts',
    );
    for (const file of sources)
      expect(readFileSync(join(here, file), 'utf8'), file).not.toMatch(/new BrowserWindow\(/);
  });
});
