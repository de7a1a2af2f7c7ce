import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerWorkerCommand, workerLimits, workerTrust } from './worker';

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

describe('scaleout worker trust flags', () => {
  const fingerprint = 'AB:'.repeat(31) + 'AB';
  const enrolled = { masterUrl: 'wss://m:8391', caFingerprints: ['cd'.repeat(32)] } as never;

  it('normalizes --ca-fingerprint and keeps the shared token', () => {
    expect(
      workerTrust({ master: 'wss://m:8391', token: 't', caFingerprint: [fingerprint] }, null, {}),
    ).toEqual({
      masterUrl: 'wss://m:8391',
      token: 't',
      caFingerprints: ['ab'.repeat(32)],
    });
  });

  it('an enrolled worker needs neither --master, a token nor a fingerprint', () => {
    expect(workerTrust({}, enrolled, {})).toEqual({ masterUrl: 'wss://m:8391', caFingerprints: [] });
  });

  it.each([
    [
      { master: 'wss://m:8391', token: 't' },
      /wss:\/\/ needs the master pinned: --ca-fingerprint/,
      'caFingerprint',
    ],
    [
      { master: 'wss://m:8391', token: 't', caFingerprint: ['abc'] },
      /--ca-fingerprint must be a SHA-256 fingerprint, 64 hex digits \(got "abc"\)/,
      'caFingerprint',
    ],
    [{ master: 'wss://m:8391', caFile: '/ca.crt' }, /^no credential: enrol this worker/, 'token'],
    [{ token: 't' }, /--master is required/, 'master'],
    [{ master: 'http://m', token: 't' }, /--master must be a ws:\/\/ or wss:\/\/ URL/, 'master'],
  ])('refuses %o naming the flag', (flags, message, field) => {
    expect(() => workerTrust(flags, null, {})).toThrow(message);
    expect(() => workerTrust(flags, null, {})).toThrow(expect.objectContaining({ field }));
  });

  it('plain ws:// (an insecure loopback master) needs no pin', () => {
    expect(workerTrust({ master: 'ws://127.0.0.1:8391' }, null, { SCALEOUT_AGENT_TOKEN: 't' })).toMatchObject(
      { token: 't' },
    );
  });
});
