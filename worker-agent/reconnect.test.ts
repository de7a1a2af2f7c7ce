import { describe, expect, it } from 'vitest';
import { CloseCode } from '../master-core/protocol/wire';
import { RECONNECT_BASE_MS, RECONNECT_CAP_MS, closeDecision, nextDelayMs } from './reconnect';

describe('nextDelayMs (full jitter, capped exponential)', () => {
  const ceiling = (failures: number) => Math.min(RECONNECT_CAP_MS, RECONNECT_BASE_MS * 2 ** (failures - 1));

  it('stays within [0, min(cap, base * 2^(failures-1))) for any random value', () => {
    for (let failures = 1; failures <= 60; failures += 1) {
      for (const r of [0, 1e-9, 0.25, 0.5, 0.999999, 1 - Number.EPSILON, 1]) {
        const delay = nextDelayMs(failures, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling(failures));
        expect(Number.isInteger(delay)).toBe(true);
      }
    }
  });

  it('doubles from 100 ms to the 5 s cap', () => {
    const top = (failures: number) => nextDelayMs(failures, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map(top)).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999, 4999]);
    expect(nextDelayMs(3, () => 0.5)).toBe(200);
    expect(nextDelayMs(1, () => 0)).toBe(0);
  });

  it('spreads a fleet: real randomness gives different delays, all within bounds', () => {
    const delays = Array.from({ length: 200 }, () => nextDelayMs(10));
    expect(Math.max(...delays)).toBeLessThan(RECONNECT_CAP_MS);
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  it('treats nonsense input as the first failure and clamps a broken random source', () => {
    expect(nextDelayMs(0, () => 0.5)).toBe(50);
    expect(nextDelayMs(-3, () => 2)).toBeLessThan(RECONNECT_BASE_MS);
    expect(nextDelayMs(2, () => -1)).toBe(0);
  });
});

describe('closeDecision', () => {
  it('stops for good on a refused token, a refused protocol version, or a replaced identity', () => {
    expect(closeDecision(CloseCode.authFailed, 'agent token not accepted')).toEqual({
      kind: 'fatal',
      reason: "the master refused this worker's credential (4001: agent token not accepted)",
    });
    expect(closeDecision(CloseCode.versionMismatch, '')).toMatchObject({
      kind: 'fatal',
      reason: expect.stringMatching(/protocol version \(4002\)$/),
    });
    expect(closeDecision(CloseCode.replaced, 'replaced by a newer connection')).toMatchObject({
      kind: 'fatal',
      reason: expect.stringMatching(/another agent with this worker id connected .*4004: replaced/),
    });
    expect(closeDecision(CloseCode.revoked, 'worker revoked by console')).toEqual({
      kind: 'fatal',
      reason:
        'the master revoked this worker (4007: worker revoked by console); enrol it again with a new token to bring it back',
    });
  });

  it('reconnects on anything else: busy master, violations, going away, abnormal closes', () => {
    for (const code of [1000, 1001, 1006, 1011, CloseCode.tryAgainLater, 4003, 4005, 4006, 4999])
      expect(closeDecision(code, 'x')).toEqual({ kind: 'reconnect' });
  });
});
