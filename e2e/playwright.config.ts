import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * The browser: $SCALEOUT_CHROMIUM or $PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH if set, else Debian's
 * /usr/bin/chromium if present, else Playwright's own (if it was installed on this machine).
 */
const executablePath =
  process.env.SCALEOUT_CHROMIUM ??
  process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ??
  (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  outputDir: '../test-results',
  use: {
    browserName: 'chromium',
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
});
