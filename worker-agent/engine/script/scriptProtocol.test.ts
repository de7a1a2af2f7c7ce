import { describe, expect, it } from 'vitest';
import { runInNewContext } from 'node:vm';
import { ScriptOutbound, parseMessage, toJson } from './scriptProtocol';

describe('toJson', () => {
  it('turns dates, bigints, bytes and undefined into JSON values', () => {
    expect(
      toJson({
        when: new Date('2024-01-02T03:04:05.000Z'),
        small: 12n,
        big: 2n ** 64n,
        bytes: Buffer.from('hi'),
        missing: undefined,
        list: [undefined, 1],
      }),
    ).toEqual({
      when: '2024-01-02T03:04:05.000Z',
      small: 12,
      big: '18446744073709551616',
      bytes: 'aGk=',
      list: [null, 1],
    });
    expect(toJson(undefined)).toBeNull();
  });

  it('reads values of another V8 context', () => {
    const foreign = runInNewContext('({ when: new Date(0), bytes: new Uint8Array([1, 2]) })') as unknown;
    expect(toJson(foreign)).toEqual({ when: '1970-01-01T00:00:00.000Z', bytes: 'AQI=' });
  });

  it('throws on cycles', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => toJson(cycle)).toThrow(/circular/);
  });
});

describe('parseMessage', () => {
  it('accepts a message of the protocol', () => {
    expect(parseMessage(ScriptOutbound, { type: 'script.log', level: 'warning', message: 'x' })).toEqual({
      ok: true,
      value: { type: 'script.log', level: 'warning', message: 'x' },
    });
  });

  it('names the field and the problem of anything else', () => {
    expect(parseMessage(ScriptOutbound, { type: 'script.progress', percent: 101, message: '' })).toEqual({
      ok: false,
      error: 'percent: Too big: expected number to be <=100',
    });
    expect(parseMessage(ScriptOutbound, { type: 'script.done', variables: {}, extra: 1 })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/extra/),
    });
  });
});
