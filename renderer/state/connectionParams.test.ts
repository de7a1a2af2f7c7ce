import { describe, expect, it } from 'vitest';
import {
  clearSessionConnection,
  hashWithoutToken,
  normalizeBaseUrl,
  readTokenFromHash,
  resolveStartupConnection,
  saveSessionConnection,
} from './connectionParams';
import type { KeyValueStore } from './connectionParams';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
    removeItem: (key) => void data.delete(key),
  };
}

describe('token in the fragment', () => {
  it('reads and strips it', () => {
    expect(readTokenFromHash('#token=abc%2B1')).toBe('abc+1');
    expect(readTokenFromHash('#x=1&token=t')).toBe('t');
    expect(readTokenFromHash('')).toBeNull();
    expect(readTokenFromHash('#token=')).toBeNull();
    expect(hashWithoutToken('#token=t')).toBe('');
    expect(hashWithoutToken('#x=1&token=t')).toBe('#x=1');
  });
});

describe('resolveStartupConnection', () => {
  it('prefers the fragment token with this origin', () => {
    const session = memoryStore();
    saveSessionConnection(session, { baseUrl: 'http://other:1', token: 'old' });
    expect(resolveStartupConnection('#token=new', 'http://127.0.0.1:8390', session)).toEqual({
      baseUrl: 'http://127.0.0.1:8390',
      token: 'new',
    });
  });

  it('asks to connect for "#connect", even with a saved session', () => {
    const session = memoryStore();
    saveSessionConnection(session, { baseUrl: 'http://remote:8390', token: 's' });
    expect(resolveStartupConnection('#connect', 'http://127.0.0.1:8390', session)).toBeNull();
    // A token in the fragment still wins: the master opening its own console.
    expect(resolveStartupConnection('#connect&token=t', 'http://127.0.0.1:8390', session)).toEqual({
      baseUrl: 'http://127.0.0.1:8390',
      token: 't',
    });
  });

  it('falls back to the saved session, then to nothing', () => {
    const session = memoryStore();
    expect(resolveStartupConnection('', 'http://127.0.0.1:8390', session)).toBeNull();
    saveSessionConnection(session, { baseUrl: 'http://remote:8390', token: 's' });
    expect(resolveStartupConnection('', 'http://127.0.0.1:8390', session)).toEqual({
      baseUrl: 'http://remote:8390',
      token: 's',
    });
    clearSessionConnection(session);
    expect(session.data.size).toBe(0);
  });
});

describe('normalizeBaseUrl', () => {
  it('keeps scheme, host, port and path without trailing slashes', () => {
    expect(normalizeBaseUrl(' http://host:8390/ ')).toBe('http://host:8390');
    expect(normalizeBaseUrl('https://host/scaleout/')).toBe('https://host/scaleout');
    expect(normalizeBaseUrl('ftp://host')).toBeNull();
    expect(normalizeBaseUrl('not a url')).toBeNull();
  });
});
