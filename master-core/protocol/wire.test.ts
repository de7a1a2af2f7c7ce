import { describe, expect, it } from 'vitest';
import { MasterMessage, WorkerMessage, decodeFrame } from './wire';

describe('decodeFrame', () => {
  it('refuses text that is not JSON', () => {
    expect(decodeFrame(WorkerMessage, '{nope')).toEqual({ ok: false, error: 'frame is not valid JSON' });
  });
  it('names the offending field', () => {
    const result = decodeFrame(WorkerMessage, JSON.stringify({ type: 'task.request', credit: -1 }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^credit:/);
  });
  it('refuses unknown message types and extra fields', () => {
    expect(decodeFrame(WorkerMessage, JSON.stringify({ type: 'task.steal' })).ok).toBe(false);
    expect(
      decodeFrame(MasterMessage, JSON.stringify({ type: 'worker.update', enabled: true, extra: 1 })).ok,
    ).toBe(false);
  });
  it('accepts a valid frame', () => {
    const result = decodeFrame(WorkerMessage, JSON.stringify({ type: 'task.request', credit: 2 }));
    expect(result).toEqual({ ok: true, value: { type: 'task.request', credit: 2 } });
  });
});
