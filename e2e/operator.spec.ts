import { expect, test } from '@playwright/test';
import { removeDir, runCli, startMaster, startWorker } from './harness/processes';
import type { MasterProcess, Spawned } from './harness/processes';

/** Scale Out Manager in the console: a new worker starts disabled; the operator sees why work waits, enables it, stops work. */
let master: MasterProcess;
let worker: Spawned;

test.beforeAll(async () => {
  master = await startMaster(['--workers-disabled']);
  worker = await startWorker(master, 'w1');
  await runCli(['deploy', 'samples/HelloScaleOut', '--folder', 'Samples'], master.cliEnv);
});

test.afterAll(async () => {
  await worker?.stop();
  await master?.stop();
  if (master) removeDir(master.dataDir);
});

test('explains why an execution waits, enables the worker from the workers list, and stops the run', async ({
  page,
}) => {
  const created = await runCli(
    ['run', 'Samples/HelloScaleOut/Countdown', '--param', 'Seconds=60'],
    master.cliEnv,
  );
  const id = Number(created.stdout.match(/execution (\d+) created/)![1]);
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);

  await page.getByTestId(`status-${id}`).dblclick();
  const explanation = page.getByTestId(`explain-${id}`);
  await expect(explanation).toContainText('No enabled worker could ever take this execution');
  await expect(explanation).toContainText('w1: disabled: enable it to let it take work');

  await page.getByTestId('tree-worker-w1').click();
  await expect(page.getByTestId('workers-grid')).toBeVisible();
  await expect(page.getByTestId('worker-online-w1')).toHaveAttribute('data-state', 'disabled');
  await page.getByTestId('worker-enable-w1').click();
  await expect(page.getByTestId('worker-online-w1')).toHaveAttribute('data-state', 'online');

  await page.getByTestId(`tab-execution-${id}`).click();
  await expect(page.getByTestId(`status-${id}`).first()).toHaveText('Running');
  await page.getByTestId(`stop-${id}`).click();
  await expect(page.getByTestId(`status-${id}`).first()).toHaveText('Canceled');
  await expect(page.getByTestId(`messages-${id}`)).toContainText('Execution canceled: stopped by console');
});
