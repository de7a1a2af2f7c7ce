import { expect, test } from '@playwright/test';
import { removeDir, runCli, startMaster } from './harness/processes';
import type { MasterProcess } from './harness/processes';

/** Connect to Master: from one master's console to another's, with the token, remembered for next time. */
let here: MasterProcess;
let other: MasterProcess;

test.beforeAll(async () => {
  [here, other] = await Promise.all([startMaster(), startMaster()]);
  await runCli(['folder', 'create', 'OnlyOnOther'], other.cliEnv);
});

test.afterAll(async () => {
  await Promise.all([here?.stop(), other?.stop()]);
  for (const m of [here, other]) if (m) removeDir(m.dataDir);
});

test('connects to another master: its own console opens with its catalog; a wrong token is refused there', async ({
  page,
}) => {
  await page.goto(`${here.consoleUrl}/#token=${here.consoleToken}`);
  await expect(page.getByTestId('tree-folder-OnlyOnOther')).toHaveCount(0);
  await page.getByTestId('disconnect').click();

  await page.getByTestId('connect-url').fill(other.consoleUrl);
  await page.getByTestId('connect-token').fill(other.consoleToken);
  await page.getByTestId('connect-ok').click();
  await page.waitForURL(`${other.consoleUrl}/**`);
  await expect(page.getByTestId('tree-folder-OnlyOnOther')).toBeVisible();
  // The token left the address bar on arrival.
  expect(page.url()).not.toContain(other.consoleToken);

  // Back on the first master: it remembers the other one for the Connect dialog.
  await page.goto(`${here.consoleUrl}/#connect`);
  await page.getByTestId('connect-url').click();
  await expect(page.getByRole('option', { name: other.consoleUrl })).toBeVisible();

  // A wrong token: the other master's console refuses it and asks again, saying why.
  await page.getByTestId('connect-url').fill(other.consoleUrl);
  await page.getByTestId('connect-token').fill('not-the-token');
  await page.getByTestId('connect-ok').click();
  await page.waitForURL(`${other.consoleUrl}/**`);
  await expect(page.getByTestId('connect-dialog')).toContainText('refused the credential');
});
