import { describe, expect, it } from 'vitest';
import { connectionStringSecrets, parseKeywords, redactConnectionString } from './connectionString';

describe('parseKeywords', () => {
  it('reads libpq pairs separated by spaces, with quoted values and backslash escapes', () => {
    const entries = parseKeywords("host=db.local port = 5432 password='it\\'s a \\\\ b' dbname=sales");
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ['host', 'db.local'],
      ['port', '5432'],
      ['password', "it's a \\ b"],
      ['dbname', 'sales'],
    ]);
  });

  it('reads ADO.NET pairs separated by semicolons; keys may hold spaces, values too', () => {
    const entries = parseKeywords('Host=h; User Id=ann ;Password=my secret;Database="a;b"";c";');
    expect(entries.map((e) => [e.key, e.value])).toEqual([
      ['host', 'h'],
      ['user id', 'ann'],
      ['password', 'my secret'],
      ['database', 'a;b";c'],
    ]);
  });

  it('refuses text that is not pairs, without quoting it', () => {
    expect(() => parseKeywords('host=h secret-word')).toThrow(/key=value pairs separated by spaces/);
    expect(() => parseKeywords('host=h secret-word')).not.toThrow(/secret-word/);
    expect(() => parseKeywords("password='open")).toThrow(/quoted value is not closed/);
  });
});

describe('redactConnectionString', () => {
  it('hides the password of a URL, also one holding @ and percent-escapes', () => {
    expect(redactConnectionString('postgres://ann:s3cret@db:5432/sales')).toBe(
      'postgres://ann:********@db:5432/sales',
    );
    expect(redactConnectionString('postgres://ann:p@ss%2Fw@db/sales?sslmode=require')).toBe(
      'postgres://ann:********@db/sales?sslmode=require',
    );
    expect(redactConnectionString('http://user:pw123@example.com/api')).toBe(
      'http://user:********@example.com/api',
    );
    expect(redactConnectionString('postgres:///sales?host=db&password=x1y2&user=ann')).toBe(
      'postgres:///sales?host=db&password=********&user=ann',
    );
  });

  it('leaves URLs without a password alone', () => {
    expect(redactConnectionString('postgres://db:5432/sales?x=a@b')).toBe('postgres://db:5432/sales?x=a@b');
    expect(redactConnectionString('https://example.com/')).toBe('https://example.com/');
  });

  it('hides password= and pwd= values in both keyword forms', () => {
    expect(redactConnectionString("host=h password='a b c' user=u")).toBe('host=h password=******** user=u');
    expect(redactConnectionString('host=h password=abc user=u')).toBe('host=h password=******** user=u');
    expect(redactConnectionString('Server=h;Pwd=a b;Uid=u')).toBe('Server=h;Pwd=********;Uid=u');
  });

  it('hides everything after password= when the pairs do not parse', () => {
    expect(redactConnectionString("host=h password='unclosed user=u")).toBe('host=h password=********');
  });
});

describe('connectionStringSecrets', () => {
  it('gives the password as written and decoded', () => {
    expect(connectionStringSecrets('postgres://ann:p%40ss@db/sales')).toEqual(['p%40ss', 'p@ss']);
    expect(connectionStringSecrets("host=h password='a b'")).toEqual(['a b', "'a b'"]);
    expect(connectionStringSecrets('postgres://ann@db/sales')).toEqual([]);
    expect(connectionStringSecrets('C:/data/file.db')).toEqual([]);
  });
});
