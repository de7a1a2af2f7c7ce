import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_URL_MAX_LENGTH,
  isAllowedNavigation,
  isSafeExternalUrl,
  originOf,
} from './navigationPolicy';

const consoleOrigin = 'http://127.0.0.1:53123';

describe('isAllowedNavigation', () => {
  it('allows any path, query or hash on the console origin', () => {
    expect(isAllowedNavigation('http://127.0.0.1:53123/', consoleOrigin)).toBe(true);
    expect(isAllowedNavigation('http://127.0.0.1:53123/executions?id=4#token=abc', consoleOrigin)).toBe(true);
  });

  it('accepts the origin given with a trailing path', () => {
    expect(isAllowedNavigation('http://127.0.0.1:53123/x', 'http://127.0.0.1:53123/')).toBe(true);
  });

  it('refuses another port, host or scheme', () => {
    expect(isAllowedNavigation('http://127.0.0.1:8390/', consoleOrigin)).toBe(false);
    expect(isAllowedNavigation('http://localhost:53123/', consoleOrigin)).toBe(false);
    expect(isAllowedNavigation('https://127.0.0.1:53123/', consoleOrigin)).toBe(false);
    expect(isAllowedNavigation('https://example.com/', consoleOrigin)).toBe(false);
  });

  it('refuses look-alike hosts that merely start with the origin', () => {
    expect(isAllowedNavigation('http://127.0.0.1:53123.evil.example/', consoleOrigin)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:53123@evil.example/', consoleOrigin)).toBe(false);
  });

  it('refuses non-http schemes and garbage', () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,hi',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(isAllowedNavigation(url, consoleOrigin)).toBe(false);
    }
  });

  it('refuses everything when the console origin itself is not an http origin', () => {
    expect(isAllowedNavigation('file:///a', 'file:///a')).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:1/', 'nonsense')).toBe(false);
  });
});

describe('isSafeExternalUrl', () => {
  it('accepts plain https links', () => {
    expect(isSafeExternalUrl('https://learn.microsoft.com/sql/integration-services/scale-out')).toBe(true);
    expect(isSafeExternalUrl('https://example.com:8443/a?b=c#d')).toBe(true);
  });

  it('refuses other schemes', () => {
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'mailto:a@b.c',
    ]) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });

  it('refuses embedded credentials, whitespace and control characters', () => {
    expect(isSafeExternalUrl('https://user:pass@example.com/')).toBe(false);
    expect(isSafeExternalUrl('https://user@example.com/')).toBe(false);
    expect(isSafeExternalUrl('https://example.com/a b')).toBe(false);
    expect(isSafeExternalUrl('https://example.com/\n')).toBe(false);
    expect(isSafeExternalUrl(' https://example.com/')).toBe(false);
  });

  it('refuses over-long and unparsable URLs', () => {
    expect(isSafeExternalUrl(`https://example.com/${'a'.repeat(EXTERNAL_URL_MAX_LENGTH)}`)).toBe(false);
    expect(isSafeExternalUrl('https://')).toBe(false);
    expect(isSafeExternalUrl('')).toBe(false);
  });
});

describe('originOf', () => {
  it('gives scheme, host and port of http(s) URLs only', () => {
    expect(originOf('http://127.0.0.1:53123/a#b')).toBe('http://127.0.0.1:53123');
    expect(originOf('https://example.com/')).toBe('https://example.com');
    expect(originOf('file:///a')).toBeNull();
  });
});

describe('isSafeExternalUrl on raw control characters', () => {
  it('refuses NUL, DEL and other C0 characters that URL parsing would strip', () => {
    for (const char of ['\u0000', '\u0007', '\u001f', '\u007f', '\t']) {
      expect(isSafeExternalUrl(`https://exa${char}mple.com/`)).toBe(false);
    }
  });
});
