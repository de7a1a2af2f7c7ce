import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeClient } from '../../e2e/harness/client';
import { removeDir, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess } from '../../e2e/harness/processes';
import type { ApiClient } from '../protocol/apiClient';
import { checkIntegrity, openRaw } from '../catalog/integrity';
import { loadProjectDir } from '../deploy/loadProjectDir';

/**
 * A real `scaleout master` is killed with SIGKILL at a random moment while it accepts submissions
 * and its local worker's messages are being written, round after round on the same catalog.
 * Whatever was acknowledged must survive, and the catalog must stay whole.
 * Repeat a run with SCALEOUT_CRASH_SEED=<seed> (printed at the start); SCALEOUT_CRASH_ROUNDS=<n>.
 */

const ROUNDS = Number(process.env.SCALEOUT_CRASH_ROUNDS ?? 30);
const SEED = Number(process.env.SCALEOUT_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 32));
const LANES = 4;
const hello = { folderName: 'Samples', projectName: 'HelloScaleOut', packageName: 'Hello' } as const;

/** mulberry32: small, seeded, good enough to pick kill moments reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Processes a killed master leaves behind: its local worker (the data dir is in its command line)
 * and that worker's attempts (they run in <data-dir>/local-worker/attempts/...).
 */
function leftoverPids(dataDir: string): number[] {
  const inside = `${dataDir}${sep}`;
  if (!existsSync('/proc/self/cmdline')) {
    const lines = execFileSync('ps', ['-A', '-o', 'pid=,args='], { encoding: 'utf8' }).split('\n');
    return lines
      .map((line) => line.trim().match(/^(\d+)\s+(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null && m[2]!.includes(inside))
      .map((m) => Number(m[1]))
      .filter((pid) => pid !== process.pid);
  }
  const read = (read: () => string) => {
    try {
      return read();
    } catch {
      return ''; // gone meanwhile, or not ours to inspect
    }
  };
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      const commandLine = read(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      const cwd = read(() => readlinkSync(`/proc/${pid}/cwd`));
      return commandLine.includes(inside) || cwd.startsWith(inside);
    })
    .map(Number);
}

/** SIGKILLs the leftovers and waits (bounded) until none is left, so no orphan meets the next master. */
async function killLeftovers(dataDir: string): Promise<number> {
  const killed = new Set<number>();
  for (let pass = 0; pass < 100; pass += 1) {
    const pids = leftoverPids(dataDir);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return killed.size;
}

interface Round {
  acked: number[];
  /** Calls that failed because the master died under them: their fate is unknown, by design. */
  lost: number;
}

/** Submits on several lanes; after `killAfterAcks` acknowledgements (+ a delay) the master gets SIGKILL. */
async function crashRound(
  master: MasterProcess,
  client: ApiClient,
  killAfterAcks: number,
  killDelayMs: number,
): Promise<Round> {
  const round: Round = { acked: [], lost: 0 };
  let killing = false;
  let failure: unknown = null;
  const exited = new Promise((resolve) => master.child.once('exit', resolve));
  const kill = () => {
    if (killing) return;
    killing = true;
    setTimeout(() => master.child.kill('SIGKILL'), killDelayMs);
  };
  const lane = async () => {
    for (;;) {
      try {
        const { executionId } = await client.call('execution.create', hello);
        round.acked.push(executionId);
        if (round.acked.length >= killAfterAcks) kill();
      } catch (error) {
        if (killing) round.lost += 1;
        else failure = error;
        kill();
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  await exited;
  if (failure) throw failure;
  return round;
}

async function checkAllExist(client: ApiClient, ids: number[]): Promise<number[]> {
  const missing: number[] = [];
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await client.call('execution.get', { executionId: id }).catch(() => missing.push(id));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return missing.sort((a, b) => a - b);
}

describe('the catalog survives a master killed at random moments', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-crash-'));
  let master: MasterProcess | null = null;

  afterAll(async () => {
    await master?.stop('SIGKILL');
    await killLeftovers(dataDir);
    removeDir(dataDir);
  });

  it(
    `keeps every acknowledged submission over ${ROUNDS} SIGKILLs (seed ${SEED})`,
    { timeout: 300_000 },
    async () => {
      console.log(`catalog crash test: seed ${SEED}, ${ROUNDS} rounds (repeat: SCALEOUT_CRASH_SEED=${SEED})`);
      const random = seededRandom(SEED);
      const started = Date.now();
      const acked: number[] = [];
      let lost = 0;
      let orphans = 0;

      for (let n = 1; n <= ROUNDS; n += 1) {
        master = await startMaster(['--local-worker', '--local-worker-tasks', '2'], dataDir);
        const client = nodeClient(master.consoleUrl, master.consoleToken);
        if (n === 1) {
          const bundle = loadProjectDir('samples/HelloScaleOut');
          await client.call('project.deploy', { folderName: 'Samples', bundle });
        }
        // Work is running (and writing messages) before the kill can come: earlier rounds left a queue.
        await master.waitForLine(/worker local connected from/);
        const round = await crashRound(
          master,
          client,
          1 + Math.floor(random() * 40),
          Math.floor(random() * 200),
        );
        acked.push(...round.acked);
        lost += round.lost;
        expect(master.child.signalCode, `round ${n} (seed ${SEED})`).toBe('SIGKILL');
        orphans += await killLeftovers(dataDir);
        master = null;
      }

      master = await startMaster([], dataDir);
      const client = nodeClient(master.consoleUrl, master.consoleToken);
      const missing = await checkAllExist(client, acked);
      expect(missing, `acknowledged but lost (seed ${SEED})`).toEqual([]);
      expect(await master.stop(), `the master stops cleanly (seed ${SEED})`).toBe(0);
      expect(master.output()).not.toMatch(/ ERROR /);
      master = null;

      const db = await openRaw(join(dataDir, 'catalog.sqlite'), 'readonly');
      try {
        expect(await checkIntegrity(db, 'integrity_check')).toEqual({ ok: true });
        expect(await db.all('PRAGMA foreign_key_check')).toEqual([]);
        const events = await db.get<{ n: number }>(
          'SELECT count(*) AS n FROM event_messages WHERE attempt_id IS NOT NULL',
        );
        console.log(
          `catalog crash test: ${ROUNDS} rounds in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
            `${acked.length} acknowledged submissions all present, ${lost} calls failed by the kills, ` +
            `${events!.n} package events stored, ${orphans} orphaned processes killed`,
        );
        expect(events!.n).toBeGreaterThan(0);
      } finally {
        await db.close();
      }
    },
  );
});
