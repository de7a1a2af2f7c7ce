import { describe, expect, it } from 'vitest';
import { createHostPool } from './hostPool';
import { assignment, poolStarter, realHost, script, usePoolFixture } from './test/fixtures/hostTestKit';

const fx = usePoolFixture();

describe('createHostPool', () => {
  it('keeps the number of warm spares asked for', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'process', warmSpares: 2 });
    await fx.pool.warm();
    expect(fx.pool.hosts().map((h) => h.state)).toEqual(['idle', 'idle']);
  });

  it('close() stops running attempts as stopped, ends idle hosts, and waits for all of them', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'pooled', killGraceMs: 500 });
    const r = poolStarter(
      fx.pool,
      fx.work.dir,
    )(assignment([script('await new Promise((r) => setTimeout(r, 30_000));')]));
    await r.event(/starting \(script task\)/);
    await fx.pool.close();
    expect(await r.done).toMatchObject({ outcome: 'failed', error: 'the execution was stopped' });
    expect(fx.pool.hosts()).toEqual([]);
    expect(() => poolStarter(fx.pool!, fx.work.dir)(assignment([script('return;')]))).toThrow(/closed/);
  });

  it('runs attempts side by side on separate hosts', async () => {
    fx.pool = createHostPool({ hostEntry: realHost, mode: 'pooled' });
    const start = poolStarter(fx.pool, fx.work.dir);
    const slow = script('await new Promise((r) => setTimeout(r, 200));');
    const runs = [start(assignment([slow])), start(assignment([slow])), start(assignment([slow]))];
    const pids = await Promise.all(runs.map((r) => r.pid));
    expect(new Set(pids).size).toBe(3);
    for (const r of runs) expect((await r.done).outcome).toBe('succeeded');
    expect(fx.pool.hosts().filter((h) => h.state === 'idle').length).toBeGreaterThanOrEqual(3);
  });
});
