// Process mode: one fresh host per attempt, with a warm spare so an attempt skips Node's start-up.
import { describe, expect, it } from 'vitest';
import { createHostPool } from '../hostPool';
import {
  assignment,
  poolStarter,
  realHost,
  script,
  usePoolFixture,
  track,
  waitFor,
  waitGone,
} from './fixtures/hostTestKit';

const fx = usePoolFixture();

const noop = () => assignment([script('log.info("ran");')]);

describe('process mode with a warm spare', () => {
  it('runs each attempt on the ready spare and starts the next spare at once', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'process' });
    const start = poolStarter(fx.pool, fx.work.dir);
    await fx.pool.warm();
    const [spare] = fx.pool.hosts();
    expect(spare).toMatchObject({ state: 'idle', uses: 0 });
    track(spare!.pid);

    const first = start(noop());
    expect(await first.pid).toBe(spare!.pid);
    const next = fx.pool.hosts().find((h) => h.pid !== spare!.pid);
    expect(next?.state).toMatch(/starting|idle/);
    track(next!.pid);
    expect(await first.done).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(await waitGone(spare!.pid!)).toBe(true); // one attempt per host in process mode

    await fx.pool.warm();
    const second = start(noop());
    expect(await second.pid).toBe(next!.pid);
    expect(await second.done).toMatchObject({ outcome: 'succeeded', exitCode: 0 });
    expect(second.events.map((e) => e.message)).toContain('ran');
  });

  it('hands an attempt to a spare that is still starting: it runs once the host is ready', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'process' });
    const [spare] = fx.pool.hosts();
    expect(spare?.state).toBe('starting');
    const r = poolStarter(fx.pool, fx.work.dir)(noop());
    expect(await r.pid).toBe(spare!.pid);
    expect(await r.done).toMatchObject({ outcome: 'succeeded' });
  });

  it('without spares, starts a host per attempt on demand and keeps none', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'process', warmSpares: 0 });
    expect(fx.pool.hosts()).toEqual([]);
    const r = poolStarter(fx.pool, fx.work.dir)(noop());
    const pid = await r.pid;
    expect(fx.pool.hosts().map((h) => h.pid)).toEqual([pid]);
    expect(await r.done).toMatchObject({ outcome: 'succeeded' });
    await waitFor(() => fx.pool!.hosts().length === 0);
  });

  it('does not respawn a spare that dies idle until the next attempt needs a host', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'process' });
    await fx.pool.warm();
    const spare = fx.pool.hosts()[0]!.pid!;
    track(spare);
    process.kill(spare, 'SIGKILL');
    await waitFor(() => fx.pool!.hosts().length === 0);
    const r = poolStarter(fx.pool, fx.work.dir)(noop());
    expect(await r.pid).not.toBe(spare);
    expect(await r.done).toMatchObject({ outcome: 'succeeded' });
    expect(fx.pool.hosts()).toHaveLength(1); // the new spare
  });
});
