import { describe, expect, it } from 'vitest';
import { parseDuration } from './enrolCommands';

describe('durations of --expires and --overlap', () => {
  it.each([
    ['90', 90],
    ['90s', 90],
    ['30m', 1800],
    ['1h', 3600],
    ['2d', 172_800],
    [' 24H ', 86_400],
  ])('%j is %i seconds', (text, seconds) => expect(parseDuration(text, '--expires')).toBe(seconds));

  it.each(['', 'soon', '1.5h', '-1h', '1w'])('refuses %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--overlap')).toThrow(
      /--overlap must be a duration such as 90s, 30m, 1h or 2d/,
    );
    expect(() => parseDuration(text, '--overlap')).toThrow(expect.objectContaining({ field: 'overlap' }));
  });
});
