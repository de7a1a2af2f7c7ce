import { describe, expect, it } from 'vitest';
import {
  clearSessionConnection,
  hashWithoutToken,
  normalizeBaseUrl,
  readTokenFromHash,
  isSameOrigin,
  recentMasters,
  rememberMaster,
  remoteConsoleUrl,
  resolveStartupConnection,
  saveSessionConnection,
  RECENT_MASTERS_KEY,
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

describe('recent masters', () => {
  it('keeps the most recent first, without duplicates, at most eight, URLs only', () => {
    const store = memoryStore();
    for (let i = 0; i < 10; i++) rememberMaster(store, `http://m${i}:8390`);
    rememberMaster(store, 'http://m5:8390');
    const list = recentMasters(store);
    expect(list[0]).toBe('http://m5:8390');
    expect(list).toHaveLength(8);
    expect(new Set(list).size).toBe(8);
    expect(store.data.get('scaleout.masterUrl')).toBe('http://m5:8390');
  });

  it('ignores a damaged list instead of trusting it', () => {
    const store = memoryStore();
    store.setItem(RECENT_MASTERS_KEY, '{not json');
    expect(recentMasters(store)).toEqual([]);
    store.setItem(RECENT_MASTERS_KEY, JSON.stringify(['javascript:alert(1)', 42, 'http://ok:1/']));
    expect(recentMasters(store)).toEqual(['http://ok:1']);
  });
});

describe('connecting to another master', () => {
  it('opens that master’s own console with the token in the fragment, which reads back intact', () => {
    const url = remoteConsoleUrl('https://etl-master:8390', 'a+b/c=d&e');
    expect(url.startsWith('https://etl-master:8390/#token=')).toBe(true);
    expect(readTokenFromHash(new URL(url).hash)).toBe('a+b/c=d&e');
  });

  it('tells this master from another by origin', () => {
    expect(isSameOrigin('http://127.0.0.1:8390', 'http://127.0.0.1:8390')).toBe(true);
    expect(isSameOrigin('http://127.0.0.1:8391', 'http://127.0.0.1:8390')).toBe(false);
    expect(isSameOrigin('not a url', 'http://127.0.0.1:8390')).toBe(false);
  });
});
