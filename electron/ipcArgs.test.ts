import { describe, expect, it } from 'vitest';
import { NOTIFY_BODY_MAX_LENGTH, NOTIFY_TITLE_MAX_LENGTH } from './ipcChannels';
import { isTrustedSender, parseConnectArgs, parseNoArgs, parseNotifyArgs } from './ipcArgs';

const consoleOrigin = 'http://127.0.0.1:53123';

describe('isTrustedSender', () => {
  it('trusts the console page only', () => {
    expect(isTrustedSender('http://127.0.0.1:53123/#token=x', consoleOrigin)).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:9999/', consoleOrigin)).toBe(false);
    expect(isTrustedSender('https://example.com/', consoleOrigin)).toBe(false);
    expect(isTrustedSender('about:blank', consoleOrigin)).toBe(false);
    expect(isTrustedSender(null, consoleOrigin)).toBe(false);
    expect(isTrustedSender(undefined, consoleOrigin)).toBe(false);
  });
});

describe('parseNoArgs', () => {
  it('accepts no arguments and refuses any', () => {
    expect(parseNoArgs([])).toEqual({ ok: true, value: null });
    expect(parseNoArgs(['x'])).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('parseNotifyArgs', () => {
  it('accepts a title and a body', () => {
    expect(parseNotifyArgs(['Done', 'All packages ran'])).toEqual({
      ok: true,
      value: { title: 'Done', body: 'All packages ran' },
    });
    expect(parseNotifyArgs(['Done', ''])).toMatchObject({ ok: true });
  });

  it('refuses the wrong number of arguments', () => {
    expect(parseNotifyArgs(['only a title'])).toMatchObject({ ok: false });
    expect(parseNotifyArgs(['a', 'b', 'c'])).toMatchObject({ ok: false });
  });

  it('refuses non-strings and names the field', () => {
    const result = parseNotifyArgs([{ toString: () => 'x' }, 'body']);
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    if (!result.ok) expect(result.error.message).toContain('title');
    const body = parseNotifyArgs(['title', 42]);
    if (!body.ok) expect(body.error.message).toContain('body');
    else expect.fail('a number body was accepted');
  });

  it('refuses an empty title', () => {
    expect(parseNotifyArgs(['   ', 'body'])).toMatchObject({ ok: false });
  });

  it('refuses over-long strings rather than truncating them', () => {
    expect(
      parseNotifyArgs(['t'.repeat(NOTIFY_TITLE_MAX_LENGTH), 'b'.repeat(NOTIFY_BODY_MAX_LENGTH)]),
    ).toMatchObject({ ok: true });
    expect(parseNotifyArgs(['t'.repeat(NOTIFY_TITLE_MAX_LENGTH + 1), 'b'])).toMatchObject({ ok: false });
    expect(parseNotifyArgs(['t', 'b'.repeat(NOTIFY_BODY_MAX_LENGTH + 1)])).toMatchObject({ ok: false });
  });
});

describe('parseConnectArgs', () => {
  it('answers the origin of an http(s) master URL', () => {
    expect(parseConnectArgs(['https://etl-master.example:8390/'])).toEqual({
      ok: true,
      value: 'https://etl-master.example:8390',
    });
    expect(parseConnectArgs(['http://10.0.0.5:8390'])).toMatchObject({
      ok: true,
      value: 'http://10.0.0.5:8390',
    });
  });

  it('refuses other schemes, credentials in the URL, wrong argument counts and types', () => {
    for (const args of [
      ['file:///etc/passwd'],
      ['javascript:alert(1)'],
      ['https://user:pw@master:8390'],
      [],
      ['http://a', 'http://b'],
      [42],
      ['https://' + 'a'.repeat(3000)],
    ]) {
      expect(parseConnectArgs(args), JSON.stringify(args).slice(0, 60)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    }
  });
});
