import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const seed = process.env.SOAK_SEED ?? '1';

/**
 * The chaos soak for CI: two minutes of load and overlapping faults with a fixed seed
 * (`npm run soak -- --minutes 2 --seed 1`), every invariant checked. The soak runs in a process
 * group of its own, so every master, agent and execution host it started goes when it does,
 * whatever happens to the test.
 */
describe('chaos soak (2 minutes, fixed seed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-soak-ci-'));
  const baseDir = join(dir, 'run');
  const out = join(dir, 'result.json');
  let soak: ChildProcess | null = null;
  let output = '';

  afterAll(() => {
    if (soak?.pid) {
      try {
        process.kill(-soak.pid, 'SIGCONT');
        process.kill(-soak.pid, 'SIGKILL');
      } catch {
        // the group is gone already: the soak cleaned up after itself
      }
    }
    const tmpfs = join(baseDir, 'w3-tmpfs');
    if (existsSync(tmpfs)) spawnSync('umount', ['-l', tmpfs]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds every invariant under faults', async () => {
    soak = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'soak', 'run.ts'),
        '--minutes',
        '2',
        '--seed',
        seed,
        '--drain-seconds',
        '60',
        '--out',
        out,
        '--base-dir',
        baseDir,
      ],
      { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    soak.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    soak.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((r) => soak!.once('exit', (c) => r(c)));
    expect(output).toMatch(/==== chaos soak, seed \d+, 2 min: PASSED/);
    expect(code, output).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as {
      ok: boolean;
      drained: boolean;
      faults: { total: number; byKind: Record<string, number> };
      invariants: { ok: boolean; counts: { executionsAccepted: number; messagesChecked: number } };
      integrity: { ok: boolean };
    };
    expect(result).toMatchObject({
      ok: true,
      drained: true,
      invariants: { ok: true },
      integrity: { ok: true },
    });
    // A run that injected nothing or ran nothing would prove nothing.
    expect(result.faults.byKind['kill-master']).toBeGreaterThanOrEqual(1);
    expect(result.faults.total).toBeGreaterThanOrEqual(5);
    expect(result.invariants.counts.executionsAccepted).toBeGreaterThanOrEqual(50);
    expect(result.invariants.counts.messagesChecked).toBeGreaterThan(1000);
  }, 240_000);
});
