import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerWorkerCommand, workerLimits } from './worker';

describe('scaleout worker resource flags', () => {
  it('turns --max-cpu, --min-free-memory and --spool-limit into the agent limits (MB to bytes)', () => {
    expect(workerLimits({})).toEqual({});
    expect(workerLimits({ maxCpu: '75.5', minFreeMemory: '512', spoolLimit: 64 })).toEqual({
      maxCpuPercent: 75.5,
      minFreeMemoryBytes: 512 * 2 ** 20,
      spoolLimitBytes: 64 * 2 ** 20,
    });
    expect(workerLimits({ minFreeMemory: '0' })).toEqual({ minFreeMemoryBytes: 0 });
  });

  it.each([
    [{ maxCpu: '0' }, /--max-cpu must be a number from 1 to 100 \(got "0"\)/, 'maxCpu'],
    [{ maxCpu: '150' }, /--max-cpu must be a number from 1 to 100 \(got "150"\)/, 'maxCpu'],
    [{ maxCpu: 'lots' }, /--max-cpu must be a number/, 'maxCpu'],
    [{ minFreeMemory: '-1' }, /--min-free-memory must be a whole number from 0 to/, 'minFreeMemory'],
    [{ minFreeMemory: '1.5' }, /--min-free-memory must be a whole number/, 'minFreeMemory'],
    [{ spoolLimit: '0' }, /--spool-limit must be a whole number from 1 to 1048576/, 'spoolLimit'],
  ])('refuses %o naming the flag', (flags, message, field) => {
    expect(() => workerLimits(flags)).toThrow(message);
    expect(() => workerLimits(flags)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', field }));
  });

  it('the worker command refuses a bad flag before it connects anywhere', async () => {
    const program = new Command('scaleout').exitOverride();
    registerWorkerCommand(program).exitOverride();
    const argv = ['worker', '--master', 'ws://127.0.0.1:1', '--token', 't', '--max-cpu', '101'];
    await expect(program.parseAsync(argv, { from: 'user' })).rejects.toThrow(/--max-cpu must be a number/);
  });
});
