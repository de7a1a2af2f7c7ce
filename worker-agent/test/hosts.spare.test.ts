// Process mode: one fresh host per attempt, with a warm spare so an attempt skips Node's start-up.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostPool } from '../hostPool';
import type { HostPool } from '../hostPool';
import {
  assignment,
  closePool,
  poolStarter,
  realHost,
  script,
  tempWorkDir,
  track,
  waitFor,
  waitGone,
} from './fixtures/hostTestKit';

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

const noop = () => assignment([script('log.info("ran");')]);

describe('process mode with a warm spare', () => {
  it('runs each attempt on the ready spare and starts the next spare at once', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'process' });
    const start = poolStarter(pool, work.dir);
    await pool.warm();
    const [spare] = pool.hosts();
    expect(spare).toMatchObject({ state: 'idle', uses: 0 });
    track(spare!.pid);

    const first = start(noop());
    expect(await first.pid).toBe(spare!.pid);
    const next = pool.hosts().find((h) => h.pid !== spare!.pid);
    expect(next?.state).toMatch(/starting|idle/);
    track(next!.pid);
    expect(await first.done).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(await waitGone(spare!.pid!)).toBe(true); // one attempt per host in process mode

    await pool.warm();
    const second = start(noop());
    expect(await second.pid).toBe(next!.pid);
    expect(await second.done).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(second.events.map((e) => e.message)).toContain('ran');
  });

  it('hands an attempt to a spare that is still starting: it runs once the host is ready', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'process' });
    const [spare] = pool.hosts();
    expect(spare?.state).toBe('starting');
    const r = poolStarter(pool, work.dir)(noop());
    expect(await r.pid).toBe(spare!.pid);
    expect(await r.done).toMatchObject({ outcome: 'succeeded' });
  });

  it('without spares, starts a host per attempt on demand and keeps none', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'process', warmSpares: 0 });
    expect(pool.hosts()).toEqual([]);
    const r = poolStarter(pool, work.dir)(noop());
    const pid = await r.pid;
    expect(pool.hosts().map((h) => h.pid)).toEqual([pid]);
    expect(await r.done).toMatchObject({ outcome: 'succeeded' });
    await waitFor(() => pool!.hosts().length === 0);
  });

  it('does not respawn a spare that dies idle until the next attempt needs a host', async () => {
    pool = createHostPool({ hostEntry: realHost, mode: 'process' });
    await pool.warm();
    const spare = pool.hosts()[0]!.pid!;
    track(spare);
    process.kill(spare, 'SIGKILL');
    await waitFor(() => pool!.hosts().length === 0);
    const r = poolStarter(pool, work.dir)(noop());
    expect(await r.pid).not.toBe(spare);
    expect(await r.done).toMatchObject({ outcome: 'succeeded' });
    expect(pool.hosts()).toHaveLength(1); // the new spare
  });
});
