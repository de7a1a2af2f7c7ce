import { describe, expect, it } from 'vitest';
import { outcomeFromExit } from './outcome';

const base = { reported: null, exitCode: 0, signal: null, timedOut: false, cancelled: false, stderrTail: '' };

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
      stderrTail: 'FATAL ERROR: heap out of memory\n',
    });
    expect(result).toEqual({
      outcome: 'failed',
      error: expect.stringMatching(/exited with code 134.*heap out of memory/),
    });
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
