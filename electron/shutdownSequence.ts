import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../master-core/logger';
import type { ApiClient } from '../master-core/protocol/apiClient';
import { coerceError, ScaleOutError } from '../master-core/protocol/errors';

/**
 * Quitting the desktop app without losing work. In order:
 * 1. the local worker stops taking work (drain, with a deadline);
 * 2. what it runs may finish until the deadline; at the deadline the master stops those attempts
 *    and queues them again, so another worker (or this one on the next launch) takes them over;
 * 3. the master closes: the local worker process ends, the message writer flushes, the catalog is
 *    checkpointed and closed.
 * The drain is the app's, not the operator's: a marker file says so, and the next launch enables
 * the local worker again (`resumeLocalWorker`).
 */

export interface ShutdownOptions {
  client: ApiClient;
  /** Closes the master (master-core's close: worker, listeners, message writer, checkpoint). */
  closeMaster: () => Promise<void>;
  dataDir: string;
  log: Logger;
  localWorkerName?: string;
  /** How long running attempts may go on after quit (default 10 s). */
  drainSeconds?: number;
  /** After the drain deadline, how long to wait for the master to hand the attempts over (default 5 s). */
  handOverGraceMs?: number;
  /** The whole sequence never takes longer than this (default 30 s). */
  deadlineMs?: number;
  pollMs?: number;
}

export interface ShutdownReport {
  clean: boolean;
  /** Attempts the local worker was running when quit began. */
  runningAtQuit: number;
  /** Attempts still running on it at the drain deadline: stopped and queued again for another worker. */
  handedOver: number;
  steps: { step: 'drain' | 'wait' | 'close'; ms: number; outcome: string }[];
}

export const QUIT_DRAIN_MARKER = 'local-worker.drained-by-quit';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function localWorker(client: ApiClient, name: string) {
  const { workers } = await client.call('worker.list', {});
  const worker = workers.find((w) => w.name === name);
  return worker && worker.online ? worker : null;
}

async function localRunning(client: ApiClient, name: string): Promise<number | null> {
  return (await localWorker(client, name))?.runningTasks ?? null;
}

export async function shutdownDesktopMaster(options: ShutdownOptions): Promise<ShutdownReport> {
  const { client, log } = options;
  const name = options.localWorkerName ?? 'local';
  const drainSeconds = options.drainSeconds ?? 10;
  const graceMs = options.handOverGraceMs ?? 5000;
  const deadlineMs = options.deadlineMs ?? 30_000;
  const pollMs = options.pollMs ?? 200;
  const started = Date.now();
  const report: ShutdownReport = { clean: true, runningAtQuit: 0, handedOver: 0, steps: [] };
  const step = (name: ShutdownReport['steps'][number]['step'], since: number, outcome: string) =>
    report.steps.push({ step: name, ms: Date.now() - since, outcome });

  let t = Date.now();
  let drained = false;
  try {
    const worker = await localWorker(client, name);
    if (worker === null) {
      step('drain', t, 'no local worker online');
    } else if (!worker.enabled || worker.draining) {
      // The operator's disable or drain stays as it is; the next launch must not undo it.
      report.runningAtQuit = worker.runningTasks;
      step('drain', t, `already takes no new work (${worker.state}); ${worker.runningTasks} running`);
    } else {
      const running = worker.runningTasks;
      report.runningAtQuit = running;
      await client.call('worker.drain', { name, deadlineSeconds: drainSeconds });
      writeFileSync(join(options.dataDir, QUIT_DRAIN_MARKER), `${new Date().toISOString()}\n`);
      drained = true;
      step('drain', t, `drained; ${running} running`);
    }
  } catch (error) {
    report.clean = false;
    step('drain', t, `failed: ${coerceError(error).message}`);
  }

  t = Date.now();
  if (drained) {
    const waitUntil = Math.min(started + deadlineMs - 2000, Date.now() + drainSeconds * 1000 + graceMs);
    let running = report.runningAtQuit;
    let handOverCounted = false;
    while (running > 0 && Date.now() < waitUntil) {
      await sleep(pollMs);
      const now = await localRunning(client, name).catch(() => null);
      running = now ?? 0;
      // What still runs at the drain deadline is stopped by the master and queued again.
      if (!handOverCounted && Date.now() - t >= drainSeconds * 1000) {
        report.handedOver = running;
        handOverCounted = true;
      }
    }
    if (running > 0) {
      report.clean = false;
      report.handedOver = running;
    }
    step(
      'wait',
      t,
      running > 0
        ? `${running} attempt(s) still running at the deadline`
        : report.handedOver > 0
          ? `${report.handedOver} attempt(s) handed over to other workers`
          : 'local worker idle',
    );
  }

  t = Date.now();
  try {
    let timer: NodeJS.Timeout | undefined;
    const remaining = Math.max(1000, started + deadlineMs - Date.now());
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the master did not close within ${remaining} ms`)),
        remaining,
      );
    });
    try {
      await Promise.race([options.closeMaster(), deadline]);
    } finally {
      clearTimeout(timer);
    }
    step('close', t, 'closed');
  } catch (error) {
    report.clean = false;
    step('close', t, `failed: ${coerceError(error).message}`);
  }
  log.info(
    `shutdown ${report.clean ? 'clean' : 'with problems'}: ${report.steps.map((s) => `${s.step} ${s.ms} ms (${s.outcome})`).join('; ')}`,
  );
  return report;
}

/** On launch: the local worker drained by the last quit takes work again. An operator's own drain stays. */
export async function resumeLocalWorker(
  client: ApiClient,
  dataDir: string,
  log: Logger,
  name = 'local',
): Promise<boolean> {
  const marker = join(dataDir, QUIT_DRAIN_MARKER);
  if (!existsSync(marker)) return false;
  try {
    await client.call('worker.enable', { name });
  } catch (error) {
    if (!(error instanceof ScaleOutError && error.code === 'NOT_FOUND')) throw error;
  }
  rmSync(marker, { force: true });
  log.info('the local worker takes work again (it was drained when the app last quit)');
  return true;
}
