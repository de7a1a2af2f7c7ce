import { describe, expect, it } from 'vitest';
import { outcomeFromExit, recycleDecision } from './outcome';

const base = { reported: null, exitCode: 0, signal: null, timedOut: false, cancelled: false, outputTail: '' };

describe('outcomeFromExit', () => {
  it('trusts a report that matches the exit code', () => {
    expect(outcomeFromExit({ ...base, reported: { outcome: 'succeeded', error: null } })).toEqual({
      outcome: 'succeeded',
      error: null,
    });
  });
  it('treats a success report followed by a crash as a failure', () => {
    const result = outcomeFromExit({
      ...base,
      reported: { outcome: 'succeeded', error: null },
      exitCode: null,
      signal: 'SIGKILL',
    });
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/killed by SIGKILL/);
  });
  it('explains a crash without a report, with the end of stderr', () => {
    const result = outcomeFromExit({
      ...base,
      exitCode: 134,
      outputTail: 'FATAL ERROR: heap out of memory\n',
    });
    expect(result).toEqual({
      outcome: 'failed',
      error: expect.stringMatching(/exited with code 134.*heap out of memory/),
    });
  });
  it("names the worker's per-execution limits when the host itself passed one", () => {
    expect(outcomeFromExit({ ...base, exitCode: null, signal: 'SIGXCPU' })).toEqual({
      outcome: 'failed',
      error: 'the execution used up its CPU time limit and was stopped (SIGXCPU)',
    });
    const oom =
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb78db3 node::OOMErrorHandler';
    expect(outcomeFromExit({ ...base, exitCode: null, signal: 'SIGABRT', outputTail: oom }).error).toBe(
      "the execution ran out of memory: it reached its host's heap limit",
    );
  });

  it('names a timeout and a stop', () => {
    expect(outcomeFromExit({ ...base, timedOut: true, exitCode: null, signal: 'SIGTERM' }).error).toMatch(
      /timed out/,
    );
    expect(outcomeFromExit({ ...base, cancelled: true, exitCode: null, signal: 'SIGTERM' }).error).toMatch(
      /stopped/,
    );
  });
});

describe('recycleDecision', () => {
  const fit = { reportedAndReady: true, uses: 1, maxUses: 100, rssBytes: 50e6, maxRssBytes: 512 * 2 ** 20 };
  it('reuses a host that reported and is ready, under both limits', () => {
    expect(recycleDecision(fit)).toEqual({ reuse: true });
  });
  it('never reuses a host that failed or was stopped', () => {
    expect(recycleDecision({ ...fit, reportedAndReady: false })).toEqual({
      reuse: false,
      reason: 'the host failed or was stopped',
    });
  });
  it('retires a host at its use limit or past its memory ceiling', () => {
    expect(recycleDecision({ ...fit, uses: 100 })).toEqual({ reuse: false, reason: 'it ran 100 attempts' });
    expect(recycleDecision({ ...fit, rssBytes: 600 * 2 ** 20 })).toMatchObject({
      reuse: false,
      reason: expect.stringMatching(/memory/),
    });
  });
});
