import { describe, expect, it } from 'vitest';
import { isTargetAllowed, retryDecision } from './eligibility';

const worker = { workerId: 'w-1', name: 'Etl01', tags: ['linux', 'big'] };

describe('isTargetAllowed', () => {
  it('lets any worker take an any-worker execution', () => {
    expect(isTargetAllowed({ kind: 'any' }, worker)).toBe(true);
  });
  it('matches a worker list by name (any case) or id', () => {
    expect(isTargetAllowed({ kind: 'workers', names: ['etl01'] }, worker)).toBe(true);
    expect(isTargetAllowed({ kind: 'workers', names: ['w-1'] }, worker)).toBe(true);
    expect(isTargetAllowed({ kind: 'workers', names: ['etl02'] }, worker)).toBe(false);
  });
  it('requires every tag', () => {
    expect(isTargetAllowed({ kind: 'tags', tags: ['LINUX'] }, worker)).toBe(true);
    expect(isTargetAllowed({ kind: 'tags', tags: ['linux', 'gpu'] }, worker)).toBe(false);
  });
});

describe('retryDecision (attempts = retry count + 1)', () => {
  it('ends on success whatever is left', () => {
    expect(retryDecision('succeeded', 1, 3)).toEqual({ status: 'succeeded' });
  });
  it('retries while attempts remain', () => {
    expect(retryDecision('failed', 1, 1)).toEqual({ status: 'retry' });
    expect(retryDecision('lost', 2, 2)).toEqual({ status: 'retry' });
  });
  it('fails when attempts are used up; a lost last attempt ended unexpectedly (SSIS status 6)', () => {
    expect(retryDecision('failed', 1, 0)).toEqual({ status: 'failed' });
    expect(retryDecision('lost', 3, 2)).toEqual({ status: 'endedUnexpectedly' });
  });
});
