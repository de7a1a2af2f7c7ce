import { describe, expect, it } from 'vitest';
import { consoleWindowOptions } from './windowOptions';

describe('consoleWindowOptions', () => {
  it('meets Electron’s security checklist: sandboxed, isolated, no Node anywhere', () => {
    const { webPreferences, show } = consoleWindowOptions(
      '/app/dist/electron/preload.cjs',
      'Scale Out Console',
    );
    expect(webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    // Nothing turns a protection off behind the checklist's back.
    expect(webPreferences).not.toHaveProperty('enableBlinkFeatures');
    expect(webPreferences).not.toHaveProperty('additionalArguments');
    // Shown once ready, so a half-drawn page never flashes.
    expect(show).toBe(false);
  });
});
