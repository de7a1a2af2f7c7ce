import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionManagerDef } from '../../master-core/protocol/packageFormat';
import { createConnectionRegistry, redactConnectionString } from '../engine/connections/registry';

let workDir: string;
beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'scaleout-registry-'));
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const base = { description: '', propertyExpressions: {} };
function sqlite(name: string, connectionString: string, readOnly = false): ConnectionManagerDef {
  return { ...base, type: 'sqlite', name, connectionString, readOnly };
}
function flatFile(name: string, connectionString: string): ConnectionManagerDef {
  return {
    ...base,
    type: 'flatFile',
    name,
    connectionString,
    delimiter: ';',
    textQualifier: '"',
    columnNamesInFirstDataRow: true,
    encoding: 'latin1',
  };
}
function http(
  name: string,
  connectionString: string,
  headers: Record<string, string> = {},
): ConnectionManagerDef {
  return { ...base, type: 'http', name, connectionString, headers, timeoutMs: 1_000 };
}
function registryOf(defs: ConnectionManagerDef[]) {
  const secrets: string[] = [];
  const registry = createConnectionRegistry(defs, { workDir, addSecret: (s) => secrets.push(s) });
  return { registry, secrets };
}

describe('connection registry errors', () => {
  it('names an unknown connection manager and lists the known ones', async () => {
    const { registry } = registryOf([sqlite('Sales', 'a.db'), flatFile('Export', 'out.csv')]);
    await expect(registry.open('Salse', 'sqlite')).rejects.toThrow(
      'connection manager "Salse" does not exist; known: "Sales", "Export"',
    );
    await expect(registryOf([]).registry.open('X', 'http')).rejects.toThrow(/does not exist; known: none/);
  });

  it('refuses a connection of the wrong type before opening it', async () => {
    const { registry, secrets } = registryOf([flatFile('Export', 'out.csv'), sqlite('Sales', 'a.db')]);
    await expect(registry.open('Export', ['sqlite', 'postgresql'])).rejects.toThrow(
      'connection manager "Export" is a flat file connection; this needs SQLite or PostgreSQL',
    );
    await expect(registry.open('Sales', 'http')).rejects.toThrow(/is a SQLite connection; this needs HTTP/);
    expect(secrets).toEqual([]);
  });

  it('refuses an empty connection string', async () => {
    const { registry } = registryOf([sqlite('Sales', '  ')]);
    await expect(registry.open('Sales', 'sqlite')).rejects.toThrow(
      'connection manager "Sales" has an empty connection string',
    );
  });

  it('says why a connection cannot be opened', async () => {
    const { registry } = registryOf([
      sqlite('Sales', 'missing/sales.db'),
      flatFile('Export', 'missing/out.csv'),
      flatFile('Folder', '.'),
      http('Api', 'not a url'),
      http('Ftp', 'ftp://files.example.com/'),
    ]);
    await expect(registry.open('Sales', 'sqlite')).rejects.toThrow(
      /^cannot open connection manager "Sales" \(missing\/sales\.db\): the folder .*missing does not exist$/,
    );
    await expect(registry.open('Export', 'flatFile')).rejects.toThrow(
      /"Export" .*folder .*missing does not exist/,
    );
    await expect(registry.open('Folder', 'flatFile')).rejects.toThrow(/is a folder, not a file/);
    await expect(registry.open('Api', 'http')).rejects.toThrow(/"Api" .*not a valid URL/);
    await expect(registry.open('Ftp', 'http')).rejects.toThrow(
      /must start with http:\/\/ or https:\/\/, not ftp:/,
    );
  });
});

describe('connection registry', () => {
  it('opens a connection once per name (any case), also for concurrent opens', async () => {
    const { registry } = registryOf([sqlite('Sales', 'once.db')]);
    const [a, b] = await Promise.all([registry.open('Sales', 'sqlite'), registry.open('SALES', ['sqlite'])]);
    expect(a).toBe(b);
    expect(await registry.open('sales', 'sqlite')).toBe(a);
    await a.exec('CREATE TABLE t (x)');
    await registry.closeAll();
  });

  it('tries again after a failed open (the folder may exist by then)', async () => {
    const { registry } = registryOf([sqlite('Later', 'later/db.sqlite')]);
    await expect(registry.open('Later', 'sqlite')).rejects.toThrow(/does not exist/);
    mkdirSync(join(workDir, 'later'));
    const db = await registry.open('Later', 'sqlite');
    expect((await db.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await registry.closeAll();
  });

  it('resolves flat file paths against the work directory and keeps the format', async () => {
    const { registry } = registryOf([flatFile('Export', 'out.csv')]);
    expect(await registry.open('Export', 'flatFile')).toMatchObject({
      type: 'flatFile',
      path: join(workDir, 'out.csv'),
      delimiter: ';',
      textQualifier: '"',
      columnNamesInFirstDataRow: true,
      encoding: 'latin1',
    });
  });

  it('registers HTTP secrets and moves URL credentials into an Authorization header', async () => {
    const { registry, secrets } = registryOf([
      http('Api', 'https://robot:s3cr%40t@api.example.com/v1/', { 'X-Api-Key': 'key-12345' }),
    ]);
    const api = await registry.open('Api', 'http');
    expect(api.baseUrl.href).toBe('https://api.example.com/v1/');
    const basic = `Basic ${Buffer.from('robot:s3cr@t').toString('base64')}`;
    expect(api.headers).toEqual({ 'X-Api-Key': 'key-12345', Authorization: basic });
    expect(api.timeoutMs).toBe(1_000);
    expect(secrets).toEqual(expect.arrayContaining(['s3cr%40t', 's3cr@t', 'key-12345', basic]));
  });

  it('closes every connection with closeAll and never throws', async () => {
    const { registry } = registryOf([sqlite('A', 'a.db'), sqlite('B', 'b.db'), flatFile('F', 'f.csv')]);
    const a = await registry.open('A', 'sqlite');
    const b = await registry.open('B', 'sqlite');
    await registry.open('F', 'flatFile');
    // Closing B already makes its close in closeAll fail: closeAll still resolves.
    await b.close();
    await expect(registry.closeAll()).resolves.toBeUndefined();
    await expect(a.query('SELECT 1')).rejects.toThrow(/closed/i);
    await expect(registry.closeAll()).resolves.toBeUndefined();
  });

  it('exports redactConnectionString for messages', () => {
    expect(redactConnectionString('Host=h;Password=pw;Database=d')).toBe(
      'Host=h;Password=********;Database=d',
    );
  });
});
