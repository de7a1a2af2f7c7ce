import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setConnectionStringPart, splitOverrides } from '../connections/overrides';
import { openSqlite } from '../connections/sqlite';
import { runTestPackage } from './engineKit';

/** Connection manager overrides (CM.<Name>.<Property>) in real package runs against real SQLite files. */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cm-overrides-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function rows(file: string, sql: string): Promise<unknown[]> {
  const db = await openSqlite({ file, mode: 'readOnly' });
  try {
    return (await db.query(sql)).rows;
  } finally {
    await db.close();
  }
}

const writeTo = (name: string, connection: string, value: string) => ({
  name,
  type: 'executeSql',
  connection,
  sqlStatement: `CREATE TABLE IF NOT EXISTS t (v TEXT); INSERT INTO t VALUES ('${value}')`,
});

describe('connection manager overrides in a package run', () => {
  it('sets a package manager’s ConnectionString: the task writes to the overriding file, not the design one', async () => {
    const design = join(dir, 'design.sqlite');
    const chosen = join(dir, 'chosen.sqlite');
    const run = await runTestPackage(
      {
        connectionManagers: [{ name: 'Out', type: 'sqlite', connectionString: design }],
        tasks: [writeTo('Write', 'Out', 'package')],
      },
      { parameterValues: { '$Package::CM.Out.ConnectionString': chosen } },
    );
    expect(run.error).toBeNull();
    expect(run.outcome).toBe('succeeded');
    expect(await rows(chosen, 'SELECT v FROM t')).toEqual([{ v: 'package' }]);
    expect(existsSync(design)).toBe(false);
  });

  it('sets a project manager for the package and the child packages it runs; a package override stays in its package', async () => {
    const projectFile = join(dir, 'project.sqlite');
    const parentOwn = join(dir, 'parent.sqlite');
    const run = await runTestPackage(
      {
        connectionManagers: [{ name: 'Own', type: 'sqlite', connectionString: join(dir, 'unused.sqlite') }],
        tasks: [
          writeTo('Parent', 'Shared', 'parent'),
          writeTo('ParentOwn', 'Own', 'own'),
          { name: 'Run child', type: 'executePackage', packageName: 'Child' },
        ],
        precedenceConstraints: [
          { from: 'Parent', to: 'ParentOwn' },
          { from: 'ParentOwn', to: 'Run child' },
        ],
      },
      {
        projectConnections: [
          { name: 'Shared', type: 'sqlite', connectionString: join(dir, 'design.sqlite') },
        ],
        childPackages: [
          {
            name: 'Child',
            connectionManagers: [
              { name: 'Own', type: 'sqlite', connectionString: join(dir, 'child.sqlite') },
            ],
            tasks: [writeTo('Child', 'Shared', 'child'), writeTo('ChildOwn', 'Own', 'child-own')],
            precedenceConstraints: [{ from: 'Child', to: 'ChildOwn' }],
          },
        ],
        parameterValues: {
          '$Project::CM.Shared.ConnectionString': projectFile,
          '$Package::CM.Own.ConnectionString': parentOwn,
        },
      },
    );
    expect(run.error).toBeNull();
    expect(await rows(projectFile, 'SELECT v FROM t ORDER BY rowid')).toEqual([
      { v: 'parent' },
      { v: 'child' },
    ]);
    expect(await rows(parentOwn, 'SELECT v FROM t')).toEqual([{ v: 'own' }]);
    // The child's own manager of the same name keeps its design value.
    expect(await rows(join(dir, 'child.sqlite'), 'SELECT v FROM t')).toEqual([{ v: 'child-own' }]);
    expect(existsSync(join(dir, 'design.sqlite'))).toBe(false);
  });

  it('applies overrides before property expressions, which win', async () => {
    const byExpression = join(dir, 'expression.sqlite');
    const run = await runTestPackage(
      {
        parameters: [{ name: 'Path', dataType: 'String', defaultValue: byExpression }],
        connectionManagers: [
          {
            name: 'Out',
            type: 'sqlite',
            connectionString: join(dir, 'design.sqlite'),
            propertyExpressions: { connectionString: '@[$Package::Path]' },
          },
        ],
        tasks: [writeTo('Write', 'Out', 'x')],
      },
      {
        parameterValues: {
          '$Package::Path': byExpression,
          '$Package::CM.Out.ConnectionString': join(dir, 'override.sqlite'),
        },
      },
    );
    expect(run.error).toBeNull();
    expect(await rows(byExpression, 'SELECT v FROM t')).toEqual([{ v: 'x' }]);
    expect(existsSync(join(dir, 'override.sqlite'))).toBe(false);
  });

  it('sets typed properties (ReadOnly) and names the manager when a task then fails', async () => {
    const file = join(dir, 'ro.sqlite');
    const first = await runTestPackage({
      connectionManagers: [{ name: 'Db', type: 'sqlite', connectionString: file }],
      tasks: [writeTo('Seed', 'Db', 'seed')],
    });
    expect(first.outcome).toBe('succeeded');
    const run = await runTestPackage(
      {
        connectionManagers: [{ name: 'Db', type: 'sqlite', connectionString: file }],
        tasks: [writeTo('Write', 'Db', 'more')],
      },
      { parameterValues: { '$Package::CM.Db.ReadOnly': true } },
    );
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/readonly|read-only|read only/i);
    expect(await rows(file, 'SELECT v FROM t')).toEqual([{ v: 'seed' }]);
  });

  it('masks an overriding Password in every message and refuses a value the property cannot take', async () => {
    const run = await runTestPackage(
      {
        connectionManagers: [
          { name: 'Pg', type: 'postgresql', connectionString: 'host=127.0.0.1 port=9 dbname=app user=etl' },
          { name: 'File', type: 'flatFile', connectionString: join(dir, 'x.csv') },
        ],
        tasks: [
          {
            name: 'Show',
            type: 'script',
            code: "log.info('password is pg-Secret-77'); log.info('done');",
          },
          { name: 'UseFile', type: 'executeSql', connection: 'File', sqlStatement: 'SELECT 1' },
        ],
        precedenceConstraints: [{ from: 'Show', to: 'UseFile' }],
      },
      {
        parameterValues: {
          '$Package::CM.Pg.Password': 'pg-Secret-77',
          '$Package::CM.File.Encoding': 'ebcdic',
        },
        sensitiveReferences: ['$Package::CM.Pg.Password'],
      },
    );
    const text = run.lines.join('\n');
    expect(text).toContain('password is ********');
    expect(text).not.toContain('pg-Secret-77');
    expect(run.error).toMatch(/connection manager File: override for encoding: /);
  });
});

describe('setConnectionStringPart', () => {
  it('keeps a URL a URL, with or without a host', () => {
    expect(setConnectionStringPart('postgres://u:old@db1:5432/app', 'password', 'p@ss w')).toBe(
      'postgres://u:p%40ss%20w@db1:5432/app',
    );
    expect(setConnectionStringPart('postgres://u@db1:5432/app', 'server', 'db2:6543')).toBe(
      'postgres://u@db2:6543/app',
    );
    expect(setConnectionStringPart('postgres://u@db1/app', 'database', 'sales')).toBe(
      'postgres://u@db1/sales',
    );
    expect(setConnectionStringPart('postgres:///app?host=/run/pg', 'user', 'etl')).toBe(
      'postgres:///app?host=%2Frun%2Fpg&user=etl',
    );
  });

  it('replaces or appends a key in either key=value style, quoting when needed', () => {
    expect(setConnectionStringPart('host=a dbname=b password=old', 'password', "it's x")).toBe(
      "host=a dbname=b password='it\\'s x'",
    );
    expect(setConnectionStringPart('host=a dbname=b', 'user', 'etl')).toBe('host=a dbname=b user=etl');
    expect(setConnectionStringPart('Host=a;Database=b;', 'password', 'p;w')).toBe(
      'Host=a;Database=b;Password="p;w"',
    );
    expect(setConnectionStringPart('Server=a;Database=b', 'server', 'c:5433')).toBe(
      'Server=c;Database=b;Port=5433',
    );
    expect(setConnectionStringPart('', 'database', 'app')).toBe('dbname=app');
  });
});

describe('splitOverrides', () => {
  it('takes CM.* keys out of the parameters unless a real parameter has that name', () => {
    const split = splitOverrides(
      {
        '$Project::CM.Db.ConnectionString': 'a',
        '$Package::CM.My.Conn.Password': 'b',
        '$Package::CM.Real': 'param',
        '$Package::X': 1,
      },
      (key) => key === '$Package::CM.Real',
    );
    expect(split.project).toEqual([
      { key: 'CM.Db.ConnectionString', manager: 'Db', property: 'ConnectionString', value: 'a' },
    ]);
    expect(split.package).toEqual([
      { key: 'CM.My.Conn.Password', manager: 'My.Conn', property: 'Password', value: 'b' },
    ]);
    expect(split.parameters).toEqual({ '$Package::CM.Real': 'param', '$Package::X': 1 });
  });
});
