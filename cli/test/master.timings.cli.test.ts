import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../e2e/harness/processes';

/** The master's timing flags: each checked alone and together, the refusal naming the flag. */
describe('scaleout master timing flags', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-timings-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const master = (...flags: string[]) =>
    runCli(['master', '--data-dir', dataDir, '--console-port', '0', '--agent-port', '0', ...flags]);

  it('refuses a lease no longer than the heartbeat that renews it, naming the flag', async () => {
    const run = await master('--heartbeat-seconds', '5', '--lease-seconds', '5');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(
      /--lease-seconds: the lease \(5 s\) must be longer than the heartbeat \(5 s\)/,
    );
  });

  it('refuses an offline timeout no longer than the heartbeat', async () => {
    const run = await master('--heartbeat-seconds', '10', '--offline-after-seconds', '4');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--offline-after-seconds: the offline timeout \(4 s\) must be longer/);
  });

  it('refuses a value that is not a whole number of seconds in range', async () => {
    for (const [flag, value] of [
      ['--heartbeat-seconds', '0'],
      ['--lease-seconds', 'soon'],
      ['--reconnect-grace-seconds', '-1'],
    ] as const) {
      const run = await master(flag, value);
      expect(run.code, `${flag} ${value}`).not.toBe(0);
      expect(run.stderr).toContain(flag);
    }
  });
});
