import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../e2e/harness/client';
import { createMaster } from '../master-core/createMaster';
import type { Master } from '../master-core/createMaster';
import { loadProjectDir } from '../master-core/deploy/loadProjectDir';
import { silentLogger } from '../master-core/logger';
import { ExecutionStatus } from '../master-core/protocol/codes';
import { resolveAppPaths } from './appPaths';
import { QUIT_DRAIN_MARKER, resumeLocalWorker, shutdownDesktopMaster } from './shutdownSequence';

/** Quitting the desktop app against a real master-core and its real local worker process. */

const paths = resolveAppPaths(join(process.cwd(), 'electron', 'main.ts'));
const dirs: string[] = [];
const masters: Master[] = [];

afterEach(async () => {
  await Promise.all(masters.splice(0).map((m) => m.close().catch(() => undefined)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function launch(dataDir: string) {
  const master = await createMaster({
    dataDir,
    consolePort: 0,
    agentPort: 0,
    agentHost: '127.0.0.1',
    log: silentLogger,
    localWorker: { cliEntry: paths.cliEntry, name: 'local', maxTasks: 2 },
  });
  masters.push(master);
  const client = nodeClient(master.consoleUrl, master.consoleToken);
  return { master, client };
}

async function localWorkerRow(client: ReturnType<typeof nodeClient>) {
  for (;;) {
    const row = (await client.call('worker.list', {})).workers.find((w) => w.name === 'local');
    if (row?.online && row.enabled) return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function deploySample(client: ReturnType<typeof nodeClient>) {
  await client.call('folder.create', { name: 'Samples' });
  await client.call('project.deploy', {
    folderName: 'Samples',
    bundle: loadProjectDir(join(paths.repoRoot, 'samples', 'HelloScaleOut')),
  });
}

const countdown = { folderName: 'Samples', projectName: 'HelloScaleOut', packageName: 'Countdown' };

describe('desktop quit', () => {
  it('lets a short run finish before closing, and the next launch gives the local worker work again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-quit-'));
    dirs.push(dataDir);
    const first = await launch(dataDir);
    await localWorkerRow(first.client);
    await deploySample(first.client);
    const { executionId } = await first.client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 2 },
    });
    await waitForExecution(first.client, executionId, (e) => e.status === ExecutionStatus.running);

    const report = await shutdownDesktopMaster({
      client: first.client,
      closeMaster: () => first.master.close(),
      dataDir,
      log: silentLogger,
      drainSeconds: 20,
    });
    expect(report).toMatchObject({ clean: true, runningAtQuit: 1, handedOver: 0 });
    expect(report.steps.map((s) => s.step)).toEqual(['drain', 'wait', 'close']);
    expect(existsSync(join(dataDir, QUIT_DRAIN_MARKER))).toBe(true);

    const second = await launch(dataDir);
    // The run finished during the quit: it is Succeeded in the catalog the next launch opens.
    expect((await second.client.call('execution.get', { executionId })).execution.status).toBe(
      ExecutionStatus.succeeded,
    );
    // Drained by the quit, not by the operator: the next launch takes work again.
    expect(await resumeLocalWorker(second.client, dataDir, silentLogger)).toBe(true);
    expect(existsSync(join(dataDir, QUIT_DRAIN_MARKER))).toBe(false);
    const row = await localWorkerRow(second.client);
    expect(row).toMatchObject({ enabled: true, draining: false });
    const again = await second.client.call('execution.create', { ...countdown, parameters: { Seconds: 0 } });
    const done = await waitForExecution(
      second.client,
      again.executionId,
      (e) => e.status === ExecutionStatus.succeeded,
    );
    expect(done.workerName).toBe('local');
  });

  it('hands a long run over at the drain deadline: stopped here and queued again, not failed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-quit-'));
    dirs.push(dataDir);
    const { master, client } = await launch(dataDir);
    await localWorkerRow(client);
    await deploySample(client);
    const { executionId } = await client.call('execution.create', {
      ...countdown,
      parameters: { Seconds: 120 },
      retryCount: 2,
    });
    await waitForExecution(client, executionId, (e) => e.status === ExecutionStatus.running);

    const report = await shutdownDesktopMaster({
      client,
      closeMaster: () => master.close(),
      dataDir,
      log: silentLogger,
      drainSeconds: 1,
      handOverGraceMs: 8000,
    });
    expect(report.runningAtQuit).toBe(1);
    expect(report.handedOver).toBe(1);
    expect(report.steps.find((s) => s.step === 'close')?.outcome).toBe('closed');

    const reopened = await launch(dataDir);
    const { execution } = await reopened.client.call('execution.get', { executionId });
    // Handed over: waiting for (or already on) a worker again, its first attempt ended; never Failed.
    expect(execution.status).not.toBe(ExecutionStatus.failed);
    expect(execution.attempts).toBeGreaterThanOrEqual(1);
    await reopened.client.call('execution.stop', { executionId });
  });

  it('leaves an operator’s own drain alone: no marker, and the next launch does not enable the worker', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-quit-'));
    dirs.push(dataDir);
    const { master, client } = await launch(dataDir);
    await localWorkerRow(client);
    await client.call('worker.disable', { name: 'local' });
    const report = await shutdownDesktopMaster({
      client,
      closeMaster: () => master.close(),
      dataDir,
      log: silentLogger,
    });
    expect(report.clean).toBe(true);
    expect(report.steps[0]?.outcome).toMatch(/already takes no new work/);
    expect(existsSync(join(dataDir, QUIT_DRAIN_MARKER))).toBe(false);
    const reopened = await launch(dataDir);
    expect(await resumeLocalWorker(reopened.client, dataDir, silentLogger)).toBe(false);
  });

  it('reports a master that will not close within the deadline instead of hanging', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-quit-'));
    dirs.push(dataDir);
    const { client } = await launch(dataDir);
    await localWorkerRow(client);
    const report = await shutdownDesktopMaster({
      client,
      closeMaster: () => new Promise<void>(() => undefined),
      dataDir,
      log: silentLogger,
      deadlineMs: 3000,
    });
    expect(report.clean).toBe(false);
    expect(report.steps.at(-1)?.outcome).toMatch(/did not close within/);
  });
});
