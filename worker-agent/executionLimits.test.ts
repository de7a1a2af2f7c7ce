import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LIMITS_ARG,
  applyOwnLimits,
  findPrlimit,
  inheritedHeapFlags,
  planExecutionLimits,
  prlimitArgs,
} from './executionLimits';

const label = (name: string) => `--${name}`;
const linux = { label, platform: 'linux' as const, prlimitPath: '/usr/bin/prlimit' };

describe('per-execution limits', () => {
  it('turns each kernel limit into prlimit arguments, soft equal to hard (CPU hard 2 s later)', () => {
    expect(prlimitArgs({ maxOpenFiles: 64, maxCpuSeconds: 5, maxFileSizeMb: 2, maxProcesses: 100 })).toEqual([
      '--nofile=64:64',
      '--cpu=5:7',
      `--fsize=${2 * 2 ** 20}:${2 * 2 ** 20}`,
      '--nproc=100:100',
    ]);
    expect(prlimitArgs({ maxMemoryMb: 512 })).toEqual([]);
  });

  it('plans nothing without limits, a heap flag for memory, host arguments for the rest', () => {
    expect(planExecutionLimits({}, linux)).toBeNull();
    expect(planExecutionLimits({ maxMemoryMb: 256 }, { ...linux, prlimitPath: null })).toEqual({
      execArgv: ['--max-old-space-size=256'],
      hostArgs: [],
      summary: 'maxMemoryMb 256',
    });
    const plan = planExecutionLimits({ maxOpenFiles: 100 }, linux)!;
    expect(plan.execArgv).toEqual([]);
    expect(plan.hostArgs).toEqual([
      `${LIMITS_ARG}{"prlimit":"/usr/bin/prlimit","args":["--nofile=100:100"]}`,
    ]);
  });

  it('refuses what cannot work, naming the setting', () => {
    expect(() => planExecutionLimits({ maxOpenFiles: 10 }, linux)).toThrow(
      '--maxOpenFiles must be a whole number from 64 to 1048576 (got 10)',
    );
    expect(() => planExecutionLimits({ maxMemoryMb: 1.5 }, linux)).toThrow(
      /--maxMemoryMb must be a whole number/,
    );
    expect(() => planExecutionLimits({ maxCpuSeconds: 5 }, { ...linux, executionMode: 'pooled' })).toThrow(
      /--maxCpuSeconds: a pooled host runs many attempts/,
    );
    expect(() => planExecutionLimits({ maxProcesses: 50 }, linux)).toThrow(
      /--maxProcesses: .*set a run-as user/,
    );
    expect(planExecutionLimits({ maxProcesses: 50 }, { ...linux, runAsUser: 'etl' })?.hostArgs).toHaveLength(
      1,
    );
    expect(() => planExecutionLimits({ maxFileSizeMb: 5 }, { ...linux, platform: 'darwin' })).toThrow(
      /--maxFileSizeMb: per-execution kernel limits are set with Linux's prlimit; on darwin/,
    );
    expect(() =>
      planExecutionLimits({ maxFileSizeMb: 5, maxMemoryMb: 100 }, { ...linux, prlimitPath: null }),
    ).toThrow('--maxFileSizeMb: prlimit (util-linux) is not installed on this machine');
    // The heap limit alone needs no prlimit and works on every platform.
    expect(
      planExecutionLimits({ maxMemoryMb: 100 }, { label, platform: 'darwin', prlimitPath: null }),
    ).not.toBeNull();
  });

  it('passes only the heap ceiling of the execution host on to a Script task host', () => {
    expect(inheritedHeapFlags(['--max-old-space-size=128', '--inspect', '--no-warnings'])).toEqual([
      '--max-old-space-size=128',
    ]);
  });

  it.skipIf(process.platform !== 'linux' || findPrlimit() === null)(
    'applies the limits to a real process, which its children inherit',
    async () => {
      const plan = planExecutionLimits({ maxOpenFiles: 77, maxFileSizeMb: 3 }, { label, platform: 'linux' })!;
      // A process that starts a child after a moment: the child is born under the limits.
      const parent = spawn(
        process.execPath,
        [
          '-e',
          `setTimeout(() => { const c = require('child_process').spawn('sleep', ['5'], { stdio: 'ignore' }); console.log(c.pid); }, 300)`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        expect(applyOwnLimits(plan.hostArgs, parent.pid)).toBe(true);
        const parentLimits = readFileSync(`/proc/${parent.pid}/limits`, 'utf8');
        expect(parentLimits).toMatch(/Max open files\s+77\s+77/);
        expect(parentLimits).toMatch(new RegExp(`Max file size\\s+${3 * 2 ** 20}\\s+${3 * 2 ** 20}`));
        const childPid = await new Promise<number>((resolve) =>
          parent.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
        );
        expect(readFileSync(`/proc/${childPid}/limits`, 'utf8')).toMatch(/Max open files\s+77\s+77/);
        process.kill(childPid, 'SIGKILL');
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );

  it('says nothing applies when the host was started without limits', () => {
    expect(applyOwnLimits(['node', 'host.mjs'])).toBe(false);
  });
});
