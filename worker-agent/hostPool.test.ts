import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostPool } from './hostPool';
import type { HostPool } from './hostPool';
import {
  assignment,
  closePool,
  poolStarter,
  realHost,
  script,
  tempWorkDir,
} from './test/fixtures/hostTestKit';

let work: ReturnType<typeof tempWorkDir>;
let pool: HostPool | null = null;
beforeEach(() => {
  work = tempWorkDir();
});
afterEach(async () => {
  try {
    await closePool(pool);
  } finally {
    pool = null;
    work.remove();
  }
});

describe('createHostPool', () => {
  it('keeps the number of warm spares asked for', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'process', warmSpares: 2 });
    await pool.warm();
    expect(pool.hosts().map((h) => h.state)).toEqual(['idle', 'idle']);
  });

  it('close() stops running attempts as stopped, ends idle hosts, and waits for all of them', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'pooled', killGraceMs: 500 });
    const r = poolStarter(
      pool,
      work.dir,
    )(assignment([script('await new Promise((r) => setTimeout(r, 30_000));')]));
    await r.event(/starting \(script task\)/);
    await pool.close();
    expect(await r.done).toMatchObject({ outcome: 'failed', error: 'the execution was stopped' });
    expect(pool.hosts()).toEqual([]);
    expect(() => poolStarter(pool!, work.dir)(assignment([script('return;')]))).toThrow(/closed/);
  });

  it('runs attempts side by side on separate hosts', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'pooled' });
    const start = poolStarter(pool, work.dir);
    const slow = script('await new Promise((r) => setTimeout(r, 200));');
    const runs = [start(assignment([slow])), start(assignment([slow])), start(assignment([slow]))];
    const pids = await Promise.all(runs.map((r) => r.pid));
    expect(new Set(pids).size).toBe(3);
    for (const r of runs) expect((await r.done).outcome).toBe('succeeded');
    expect(pool.hosts().filter((h) => h.state === 'idle').length).toBeGreaterThanOrEqual(3);
  });
});
