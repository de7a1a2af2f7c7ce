import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { removeDir, repoRoot, runCli, startMaster, startWorker } from './harness/processes';
import type { MasterProcess, Spawned } from './harness/processes';

/**
 * The operator's day in the console, against a real master with two real workers: deploy from the
 * UI, run three packages on chosen workers, watch them live, read messages, disable and drain
 * workers, watch their health. Each main screen is saved, light and dark, in docs/screenshots/.
 */

let master: MasterProcess;
let workers: Spawned[] = [];
let scratch: string;
const SHOTS = join(repoRoot, 'docs', 'screenshots');

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  master = await startMaster();
  workers = await Promise.all([
    startWorker(master, 'etl-01', ['--tags', 'etl,linux', '--max-tasks', '2']),
    startWorker(master, 'etl-02', ['--tags', 'linux', '--max-tasks', '2']),
  ]);
  scratch = mkdtempSync(join(tmpdir(), 'scaleout-tour-'));
  mkdirSync(SHOTS, { recursive: true });
});

test.afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await master?.stop();
  if (master) removeDir(master.dataDir);
  if (scratch) removeDir(scratch);
});

async function open(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 880 });
  await page.goto(`${master.consoleUrl}/#token=${master.consoleToken}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connected', 'true');
}

/** Saves the page in the light and the dark scheme (the console follows the system's until chosen). */
async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute(`data-${scheme}`, '');
    // The picture once fonts are loaded and two frames have painted in the new scheme.
    await page.evaluate(async () => {
      await document.fonts.ready;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** "Execution 7 created" or "3 executions created: 4, 5, 6". */
function idsFrom(text: string | null): number[] {
  const list = (text ?? '').includes(':') ? (text ?? '').split(':')[1]! : (text ?? '');
  return [...list.matchAll(/\d+/g)].map((m) => Number(m[0]));
}

test('deploys a project from the UI: every problem shown first, then the fixed project', async ({ page }) => {
  // A copy of the sample with one broken package: a YAML error and an unknown task type.
  const broken = join(scratch, 'HelloScaleOut-broken');
  cpSync(join(repoRoot, 'samples', 'HelloScaleOut'), broken, { recursive: true });
  writeFileSync(
    join(broken, 'Broken.package.yaml'),
    'name: Broken\ntasks:\n  - name: Nope\n    type: teleport\n',
  );

  await open(page);
  await page.getByText('SSISDB', { exact: true }).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Deploy Project...' }).click();
  const dialog = page.getByTestId('deploy-dialog');
  await expect(dialog).toBeVisible();
  await page.getByTestId('deploy-folder-input').setInputFiles(broken);
  await page.getByTestId('deploy-folder').selectOption({ label: 'New folder...' });
  await page.getByTestId('deploy-new-folder-name').fill('Samples');
  await page.getByTestId('deploy-new-folder-create').click();
  await page.getByTestId('deploy-validate').click();
  await expect(page.getByTestId('deploy-problem').first()).toContainText('Broken.package.yaml');
  await shoot(page, 'deploy-problems');

  await page.getByTestId('deploy-folder-input').setInputFiles(join(repoRoot, 'samples', 'HelloScaleOut'));
  await page.getByTestId('deploy-validate').click();
  await expect(page.getByTestId('deploy-valid')).toBeVisible();
  await page.getByTestId('deploy-submit').click();
  await expect(page.getByTestId('deploy-result')).toBeVisible();
  await page.getByTestId('deploy-close').click();
  await expect(page.getByTestId('tree-package-Samples/HelloScaleOut/Flaky')).toBeVisible();
});

let created: number[] = [];

test('runs three packages on chosen workers with a parameter override and retries, live to Succeeded', async ({
  page,
}) => {
  await open(page);
  const tree = (name: string) => page.getByTestId(`tree-package-Samples/HelloScaleOut/${name}`);
  await tree('Hello').click();
  await tree('Countdown').click({ modifiers: ['ControlOrMeta'] });
  await tree('Flaky').click({ modifiers: ['ControlOrMeta'] });
  await tree('Flaky').click({ button: 'right' });
  await page.getByRole('menuitem', { name: /Execute in Scale Out/ }).click();
  const dialog = page.getByTestId('execute-dialog');
  for (const name of ['Hello', 'Countdown', 'Flaky'])
    await expect(page.getByTestId(`execute-package-Samples/HelloScaleOut/${name}`)).toBeVisible();

  // Countdown runs 1 second instead of its design default of 2.
  await page.getByTestId('execute-package-Samples/HelloScaleOut/Countdown').click();
  await page.getByTestId('param-Samples/HelloScaleOut/Countdown-$Package::Seconds').fill('1');
  // Flaky fails its first attempt on purpose: one retry lets it succeed.
  await page.getByTestId('execute-tab-advanced').click();
  await page.getByTestId('execute-retry-count').fill('1');
  await page.getByTestId('execute-advanced-all').click();

  await page.getByTestId('machine-workers').check();
  await page.getByTestId('machine-worker-etl-01').check();
  await page.getByTestId('machine-worker-etl-02').check();
  await expect(page.getByTestId('machine-preview-summary')).toContainText('2 of 2');
  await shoot(page, 'execute-dialog');

  await page.getByTestId('execute-script').click();
  await expect(page.getByTestId('script-cli')).toContainText('scaleout');
  await expect(page.getByTestId('script-http')).toContainText('/api/execution.create');
  await page.getByTestId('script-close').click();

  await page.getByTestId('execute-ok').click();
  await expect(dialog).toBeHidden();
  created = idsFrom(await page.getByTestId('execute-result').textContent());
  expect(created).toHaveLength(3);
  for (const id of created) await expect(page.getByTestId(`status-${id}`)).toHaveText('Succeeded');
  await shoot(page, 'all-executions');
});

test('opens an execution: attempts on a timeline, its messages, its parameters', async ({ page }) => {
  await open(page);
  const { executions } = await fetch(`${master.consoleUrl}/api/execution.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${master.consoleToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ packageName: 'Flaky' }),
  })
    .then((r) => r.json())
    .then((r: { value: { executions: { executionId: number; workerName: string }[] } }) => r.value);
  const flaky = executions[0]!.executionId;
  await page.getByTestId(`status-${flaky}`).dblclick();
  await expect(page.getByTestId(`attempt-${flaky}-1`)).toBeVisible();
  await expect(page.getByTestId(`attempt-${flaky}-2`)).toBeVisible();
  await expect(page.getByTestId(`messages-${flaky}`)).toContainText('attempt 2 of execution');
  await shoot(page, 'execution-overview');
  await page.getByTestId(`execution-page-parameters-${flaky}`).click();
  await expect(page.getByTestId(`parameters-${flaky}`)).toContainText('FailAttempts');
});

test('Reports > All Executions on a package shows only its executions', async ({ page }) => {
  await open(page);
  const [flaky, countdown, hello] = [...created].sort((a, b) => a - b);
  expect(hello).toBeDefined();
  await page.getByTestId('tree-package-Samples/HelloScaleOut/Countdown').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Reports > All Executions' }).click();
  await expect(page.getByTestId('executions-filter-package')).toHaveValue('Countdown');
  // Which of the three was Countdown depends on the order the dialog submitted them: ask the grid.
  const rows = page.locator('[data-testid^="status-"]');
  await expect(rows).toHaveCount(1);
  const shown = Number((await rows.first().getAttribute('data-testid'))!.slice('status-'.length));
  expect([flaky, countdown, hello]).toContain(shown);
  await page.getByTestId('executions-clear-filters').click();
  await expect(rows).toHaveCount(3);
});

test('a failing package shows its error message', async ({ page }) => {
  await open(page);
  const run = await runCli(
    ['run', 'Samples/HelloScaleOut/Hello', '--param', 'ShouldFail=true', '--wait'],
    master.cliEnv,
  );
  expect(run.code).toBe(1);
  const id = Number(run.stdout.match(/execution (\d+) created/)![1]);
  await expect(page.getByTestId(`status-${id}`)).toHaveText('Failed');
  await page.getByTestId(`status-${id}`).dblclick();
  await expect(page.getByTestId(`messages-${id}`)).toContainText('ShouldFail was set: failing on purpose');
});

test('disabling a worker changes the preview and the queue explanation; draining shows', async ({ page }) => {
  await open(page);
  await page.getByTestId('header-scale-out-manager').click();
  await expect(page.getByTestId('workers-grid')).toBeVisible();
  await page.getByTestId('worker-disable-etl-02').click();
  await expect(page.getByTestId('worker-online-etl-02')).toHaveAttribute('data-state', 'disabled');

  // The preview says so before anything is submitted.
  await page.getByTestId('tree-package-Samples/HelloScaleOut/Hello').click({ button: 'right' });
  await page.getByRole('menuitem', { name: /Execute in Scale Out/ }).click();
  await page.getByTestId('machine-workers').check();
  await page.getByTestId('machine-worker-etl-02').check();
  await expect(page.getByTestId('machine-preview-summary')).toContainText('0 of 2 workers eligible');
  await expect(page.getByTestId('machine-preview-etl-02')).toContainText('disabled');
  await page.getByTestId('execute-ok').click();
  const [queued] = idsFrom(await page.getByTestId('execute-result').textContent());

  // The queued execution explains why it waits, then runs once the worker is enabled again.
  await page.getByTestId(`status-${queued}`).dblclick();
  await expect(page.getByTestId(`explain-${queued}`)).toContainText('etl-02: disabled');
  await page.getByTestId('header-scale-out-manager').click();
  await page.getByTestId('worker-enable-etl-02').click();
  await page.getByTestId(`tab-execution-${queued}`).click();
  await expect(page.getByTestId(`status-${queued}`).first()).toHaveText('Succeeded');

  // Drain: no new work, shown as Draining with its reason.
  await page.getByTestId('header-scale-out-manager').click();
  await page.getByTestId('worker-drain-etl-01').click();
  await expect(page.getByTestId('worker-online-etl-01')).toHaveAttribute('data-state', 'draining');
  await shoot(page, 'scale-out-manager');
  await page.getByTestId('worker-enable-etl-01').click();
  await expect(page.getByTestId('worker-online-etl-01')).toHaveAttribute('data-state', /online|busy/);
});

test('the health view shows both workers with live metrics', async ({ page }) => {
  await open(page);
  await page.getByTestId('header-worker-health').click();
  for (const name of ['etl-01', 'etl-02']) {
    await expect(page.getByTestId(`health-row-${name}`)).toBeVisible();
    await expect(page.getByTestId(`health-cpu-${name}`)).toContainText('%');
    await expect(page.getByTestId(`health-cpu-line-${name}`)).toBeVisible();
    await expect(page.getByTestId(`health-tasks-${name}`)).toContainText('/ 2');
  }
  // Live: the heartbeat age moves on its own, without a reload.
  const heartbeat = page.getByTestId('health-heartbeat-etl-01');
  const first = await heartbeat.textContent();
  await expect(heartbeat).not.toHaveText(first ?? '', { timeout: 15_000 });
  await shoot(page, 'worker-health');
});
