import { describe, expect, it } from 'vitest';
import { ParameterDef } from '../protocol/packageFormat';
import {
  connectionProperties,
  connectionStringHasPassword,
  findConnectionProperty,
  parseOverrideKey,
} from '../protocol/connectionOverrides';
import { resolveParameters } from './resolveParameters';

const scopes = [
  {
    scope: 'Project' as const,
    parameters: [ParameterDef.parse({ name: 'Env', dataType: 'String', defaultValue: 'dev' })],
    connectionManagers: [
      { name: 'Warehouse', type: 'postgresql' as const },
      { name: 'Shared', type: 'sqlite' as const },
    ],
  },
  {
    scope: 'Package' as const,
    parameters: [],
    connectionManagers: [
      { name: 'Shared', type: 'flatFile' as const },
      { name: 'My.Api', type: 'http' as const },
    ],
  },
];

const resolve = (supplied: Record<string, string | number | boolean>) =>
  resolveParameters({ scopes, supplied });

describe('connection manager overrides in execution.create parameters', () => {
  it('are checked, typed, named canonically and stored as project (20) or package (30) values', () => {
    const resolved = resolve({
      'cm.warehouse.password': 'pw',
      'CM.Warehouse.ServerName': 'db2:5433',
      'CM.Shared.ColumnNamesInFirstDataRow': 'false',
      'CM.My.Api.TimeoutMs': '2500',
    });
    expect(resolved.filter((p) => p.reference.startsWith('CM.'))).toEqual([
      {
        reference: 'CM.Warehouse.Password',
        name: 'CM.Warehouse.Password',
        objectType: 20,
        dataType: 'String',
        sensitive: true,
        value: 'pw',
        source: 'execution',
      },
      expect.objectContaining({ reference: 'CM.Warehouse.ServerName', objectType: 20, sensitive: false }),
      // The package's Shared (flat file) wins over the project's (SQLite), as at run time.
      expect.objectContaining({
        reference: 'CM.Shared.ColumnNamesInFirstDataRow',
        objectType: 30,
        dataType: 'Boolean',
        value: false,
      }),
      expect.objectContaining({ reference: 'CM.My.Api.TimeoutMs', objectType: 30, value: 2500 }),
    ]);
    expect(resolved.find((p) => p.reference === '$Project::Env')?.value).toBe('dev');
  });

  it('also take the form execution.parameters rows give ($Project::CM.X.P), the manager deciding the scope', () => {
    const resolved = resolve({ '$Package::CM.Warehouse.UserName': 'etl' }).filter((p) =>
      p.reference.startsWith('CM.'),
    );
    expect(resolved).toEqual([
      expect.objectContaining({ reference: 'CM.Warehouse.UserName', objectType: 20, value: 'etl' }),
    ]);
    expect(() => resolve({ '$Project::CM.Nope.Password': 'x' })).toThrow(
      expect.objectContaining({ field: 'parameters.$Project::CM.Nope.Password' }),
    );
  });

  it('marks a ConnectionString sensitive when it carries a password', () => {
    const [cs] = resolve({ 'CM.Warehouse.ConnectionString': 'postgres://u:secret@h/db' }).filter((p) =>
      p.reference.startsWith('CM.'),
    );
    expect(cs).toMatchObject({ sensitive: true });
    const [plain] = resolve({ 'CM.Warehouse.ConnectionString': 'host=h dbname=db' }).filter((p) =>
      p.reference.startsWith('CM.'),
    );
    expect(plain).toMatchObject({ sensitive: false });
  });

  it('refuses an unknown manager, an unknown property and a bad value, naming the key', () => {
    expect(() => resolve({ 'CM.Nope.ConnectionString': 'x' })).toThrow(
      expect.objectContaining({
        field: 'parameters.CM.Nope.ConnectionString',
        message: expect.stringMatching(
          /CM\.Nope\.ConnectionString: the package and its project have no connection manager "Nope" \(they have: Shared, My\.Api, Warehouse\)/,
        ),
      }),
    );
    expect(() => resolve({ 'CM.Shared.InitialCatalog': 'x' })).toThrow(
      expect.objectContaining({
        field: 'parameters.CM.Shared.InitialCatalog',
        message: expect.stringContaining(
          'a flatFile connection manager has no property "InitialCatalog" to override (it has: ConnectionString, Delimiter',
        ),
      }),
    );
    expect(() => resolve({ 'CM.Shared.Encoding': 'ebcdic' })).toThrow(
      /CM\.Shared\.Encoding: must be one of utf8, utf16le, latin1, ascii/,
    );
    expect(() => resolve({ 'CM.My.Api.TimeoutMs': 'soon' })).toThrow(/CM\.My\.Api\.TimeoutMs/);
    expect(() => resolve({ 'CM.Warehouse': 'x' })).toThrow(/write it CM\.<ConnectionManager>\.<Property>/);
    expect(() => resolve({ Nope: 'x' })).toThrow(/parameter Nope: the package has no such parameter/);
  });
});

describe('connection property catalogue', () => {
  it('offers SSIS names per type and finds them ignoring case', () => {
    expect(connectionProperties('postgresql').map((p) => p.name)).toEqual([
      'ConnectionString',
      'ServerName',
      'InitialCatalog',
      'UserName',
      'Password',
    ]);
    expect(findConnectionProperty('sqlite', 'connectionstring')?.name).toBe('ConnectionString');
    expect(parseOverrideKey('CM.a.b.Password')).toEqual({ manager: 'a.b', property: 'Password' });
    expect(parseOverrideKey('CM.a.')).toBeNull();
    expect(connectionStringHasPassword('Host=a;Password=x')).toBe(true);
    expect(connectionStringHasPassword('postgres://u@h/db?sslmode=require')).toBe(false);
  });
});
