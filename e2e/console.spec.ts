import { expect, test } from '@playwright/test';
import { removeDir, runCli, startMaster } from './harness/processes';
import type { MasterProcess } from './harness/processes';
import { nodeClient } from './harness/client';

/** The console in Chromium against a real master process with its local worker and the sample. */
let master: MasterProcess;

test.beforeAll(async () => {
  master = await startMaster(['--local-worker', '--local-worker-tasks', '2', '--sample']);
  await master.waitForLine(/first run: deployed the sample project/);
});

test.afterAll(async () => {
  await master?.stop();
  if (master) removeDir(master.dataDir);
});

test('shows the sample in the Object Explorer and runs it to Succeeded from the Execute dialog', async ({
  page,
}) => {
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);
  await expect(page.getByTestId('tree-project-Samples/HelloScaleOut')).toBeVisible();
  // The token leaves the address bar once read.
  expect(page.url()).not.toContain(master.consoleToken);

  const pkg = page.getByTestId('tree-package-Samples/HelloScaleOut/Hello');
  await expect(pkg).toBeVisible();
  await pkg.click({ button: 'right' });
  await page.getByRole('menuitem', { name: /Execute in Scale Out/ }).click();
  const dialog = page.getByTestId('execute-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Hello');
  await page.getByTestId('execute-ok').click();
  await expect(dialog).toBeHidden();

  const grid = page.getByTestId('executions-grid');
  await expect(grid).toBeVisible();
  const { executions } = await (
    await fetch(`${master.consoleUrl}/api/execution.list`, {
      method: 'POST',
      headers: { authorization: `Bearer ${master.consoleToken}` },
      body: '{}',
    })
  )
    .json()
    .then((r: { value: { executions: { executionId: number }[] } }) => r.value);
  const id = executions[0]!.executionId;
  await expect(page.getByTestId(`status-${id}`)).toHaveText('Succeeded');
});

test('an execution started from the CLI appears live and reaches Succeeded without a reload', async ({
  page,
}) => {
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);
  await expect(page.getByTestId('executions-grid')).toBeVisible();
  const created = await runCli(
    ['run', 'Samples/HelloScaleOut/Countdown', '--param', 'Seconds=2'],
    master.cliEnv,
  );
  const id = Number(created.stdout.match(/execution (\d+) created/)![1]);
  await expect(page.getByTestId(`status-${id}`)).toHaveText(/Pending|Running/);
  await expect(page.getByTestId(`status-${id}`)).toHaveText('Succeeded');
});

test('a failing execution shows Failed, and its messages say why', async ({ page }) => {
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);
  const created = await runCli(
    ['run', 'Samples/HelloScaleOut/Hello', '--param', 'ShouldFail=true', '--wait'],
    master.cliEnv,
  );
  expect(created.code).toBe(1);
  const id = Number(created.stdout.match(/execution (\d+) created/)![1]);
  const status = page.getByTestId(`status-${id}`);
  await expect(status).toHaveText('Failed');
  await status.dblclick();
  const messages = page.getByTestId(`messages-${id}`);
  await expect(messages).toContainText('ShouldFail was set: failing on purpose');
  // Only the errors: the failure and TaskFailed, none of the start and end messages.
  await page.getByRole('combobox', { name: 'Show' }).click();
  await page.getByTestId('messages-kind-option-errors').click();
  await expect(messages).toContainText('Build message failed.');
  await expect(messages).not.toContainText('starting (script task)');
  for (const type of ['PreExecute', 'PostExecute', 'Information'])
    await expect(messages).not.toContainText(type);
  expect(await messages.getByRole('row').count()).toBeGreaterThanOrEqual(3); // the header, Error, TaskFailed
  // A search on top of that finds nothing for text that is not there.
  await page.getByTestId(`messages-search-${id}`).fill('no such text');
  await expect(messages.getByRole('row')).toHaveCount(1);
});

test('the ETL sample’s Data Flow runs on the local worker; rows per path are in its statistics', async ({
  page,
}) => {
  await master.waitForLine(/first run: deployed the sample project Samples\/Etl/);
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);
  const run = await runCli(
    ['run', 'Samples/Etl/SalesDataFlow', '--param', 'Rows=2000', '--wait'],
    master.cliEnv,
  );
  expect(run.code, run.stdout + run.stderr).toBe(0);
  const id = Number(run.stdout.match(/execution (\d+) created/)![1]);
  await expect(page.getByTestId(`status-${id}`)).toHaveText('Succeeded');
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  const { dataStatistics } = await client.call('execution.statistics', { executionId: id });
  // 2,000 lines, 20 unreadable (every 97th): 1,980 rows leave the source.
  expect(dataStatistics).toContainEqual(
    expect.objectContaining({ name: 'Sales CSV.Output -> Amount.Input', rowsSent: 1980 }),
  );
  expect(dataStatistics).toContainEqual(
    expect.objectContaining({ name: 'Count loaded.Output -> Warehouse table.Input', rowsSent: 1940 }),
  );
  // The execution's Performance page shows the same, and every task's run on one time axis.
  await page.getByTestId(`status-${id}`).dblclick();
  await page.getByTestId(`execution-page-performance-${id}`).click();
  const paths = page.getByTestId(`dataflow-paths-${id}`);
  await expect(paths.getByRole('row', { name: /Sales CSV\.Output -> Amount\.Input.*1,980/ })).toBeVisible();
  await expect(
    paths.getByRole('row', { name: /Count loaded\.Output -> Warehouse table\.Input.*1,940/ }),
  ).toBeVisible();
  await expect(page.getByTestId('timeline-\\Package\\Load sales')).toContainText('Success');
  await expect(page.getByTestId(`dataflow-components-${id}`)).toContainText('Warehouse table');
});

test('the dark theme is one click away and stays after a reload', async ({ page }) => {
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await expect(page.getByTestId('executions-grid')).toBeVisible();
  const before = await background();
  await page.getByTestId('theme-toggle').click();
  await expect.poll(background).not.toBe(before);
  const dark = await background();
  await page.reload();
  await expect(page.getByTestId('executions-grid')).toBeVisible();
  expect(await background()).toBe(dark);
  await page.getByTestId('theme-toggle').click();
  await expect.poll(background).toBe(before);
});

test('without a token the console asks to connect and shows no catalog', async ({ page }) => {
  await page.goto(`${master.consoleUrl}/`);
  await expect(page.getByRole('dialog')).toContainText(/connect/i);
  await expect(page.getByTestId('tree-project-Samples/HelloScaleOut')).toHaveCount(0);
});
