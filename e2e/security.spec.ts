import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { nodeClient } from './harness/client';
import { removeDir, runCli, startMaster } from './harness/processes';
import type { MasterProcess } from './harness/processes';

/** Signing in as a user: the console shows what the role and folder permissions allow, and no more. */
let master: MasterProcess;

test.beforeAll(async () => {
  master = await startMaster();
  await runCli(['deploy', 'samples/HelloScaleOut', '--folder', 'Samples'], master.cliEnv);
  const admin = nodeClient(master.consoleUrl, master.consoleToken);
  await admin.call('user.create', { userName: 'vera', password: 'correct horse battery', role: 'viewer' });
});

test.afterAll(async () => {
  await master?.stop();
  if (master) removeDir(master.dataDir);
});

async function signIn(page: Page, password: string) {
  await page.goto(`${master.consoleUrl}/`);
  await expect(page.getByTestId('connect-dialog')).toBeVisible();
  await page.getByTestId('connect-mode-password').click();
  await page.getByTestId('connect-user').fill('vera');
  await page.getByTestId('connect-password').fill(password);
  await page.getByTestId('connect-ok').click();
}

test('a viewer signs in, sees only the folders granted to it, and is offered no Execute', async ({
  page,
}) => {
  await signIn(page, 'not her password');
  await expect(page.getByTestId('connect-error')).toBeVisible();

  await signIn(page, 'correct horse battery');
  await expect(page.getByTestId('signed-in-user')).toContainText('vera');
  // No folder granted yet: the master leaves Samples out of what a viewer sees.
  await expect(page.getByText('SSISDB', { exact: true })).toBeVisible();
  await expect(page.getByTestId('tree-folder-Samples')).toHaveCount(0);

  const admin = nodeClient(master.consoleUrl, master.consoleToken);
  await admin.call('permission.set', {
    folderName: 'Samples',
    userName: 'vera',
    read: true,
    execute: false,
    modify: false,
  });
  await page.getByTestId('explorer-refresh').click();
  const pkg = page.getByTestId('tree-package-Samples/HelloScaleOut/Hello');
  await expect(pkg).toBeVisible();
  await pkg.click({ button: 'right' });
  await expect(page.getByRole('menuitem', { name: 'Reports > All Executions' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: /Execute in Scale Out/ })).toHaveCount(0);
  await page.keyboard.press('Escape');

  // The master refuses what the console does not offer, too.
  const { token } = await admin.call('token.create', { name: 'probe', userName: 'vera' });
  const asVera = nodeClient(master.consoleUrl, token);
  await expect(
    asVera.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
      packageName: 'Hello',
    }),
  ).rejects.toThrow(/FORBIDDEN|not allowed|permission|may not/i);

  // Sign out ends the session: Connect again.
  await page.getByTestId('sign-out').click();
  await expect(page.getByTestId('connect-dialog')).toBeVisible();
});
