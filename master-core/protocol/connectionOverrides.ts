import type { ConnectionType, ParameterDataType } from './packageFormat';

/**
 * Connection manager overrides, as SSIS passes them: execution parameters named
 * `CM.<ConnectionManager>.<Property>` (the manager's name may hold dots; the property is the last
 * segment). The master checks them against the package's and project's connection managers and
 * stores them with the parameter values; the engine sets them before property expressions.
 * Pure: the console uses the same list to offer the properties of each manager.
 */

export const CM_PREFIX = 'CM.';

/** A part of a PostgreSQL connection string that an override sets on its own. */
export type ConnectionStringPart = 'server' | 'database' | 'user' | 'password';

export interface ConnectionPropertyInfo {
  /** SSIS spelling: ConnectionString, ServerName, InitialCatalog, UserName, Password... */
  name: string;
  /** How the value is stored and typed in the form. */
  dataType: Extract<ParameterDataType, 'String' | 'Boolean' | 'Int32'>;
  /** Where it goes: a property of the definition, or a part of its connection string. */
  target: { kind: 'field'; field: string } | { kind: 'part'; part: ConnectionStringPart };
  /** The allowed values, for an enumeration. */
  values?: readonly string[];
  /** Always sensitive (Password); a ConnectionString is sensitive when it carries a password. */
  sensitive: boolean;
  description: string;
}

const field = (
  name: string,
  fieldName: string,
  dataType: ConnectionPropertyInfo['dataType'],
  description: string,
  values?: readonly string[],
): ConnectionPropertyInfo => ({
  name,
  dataType,
  target: { kind: 'field', field: fieldName },
  sensitive: false,
  description,
  ...(values ? { values } : {}),
});

const CONNECTION_STRING = (what: string) => field('ConnectionString', 'connectionString', 'String', what);

const PROPERTIES: Record<ConnectionType, readonly ConnectionPropertyInfo[]> = {
  sqlite: [
    CONNECTION_STRING('Path of the database file'),
    field('ReadOnly', 'readOnly', 'Boolean', 'Open the database read-only'),
  ],
  postgresql: [
    CONNECTION_STRING('URL or key=value pairs'),
    {
      name: 'ServerName',
      dataType: 'String',
      target: { kind: 'part', part: 'server' },
      sensitive: false,
      description: 'Host, or host:port',
    },
    {
      name: 'InitialCatalog',
      dataType: 'String',
      target: { kind: 'part', part: 'database' },
      sensitive: false,
      description: 'Database name',
    },
    {
      name: 'UserName',
      dataType: 'String',
      target: { kind: 'part', part: 'user' },
      sensitive: false,
      description: 'User to connect as',
    },
    {
      name: 'Password',
      dataType: 'String',
      target: { kind: 'part', part: 'password' },
      sensitive: true,
      description: 'Password (encrypted in the catalog, never shown)',
    },
  ],
  flatFile: [
    CONNECTION_STRING('Path of the file'),
    field('Delimiter', 'delimiter', 'String', 'Column delimiter'),
    field('TextQualifier', 'textQualifier', 'String', 'Quote character'),
    field('ColumnNamesInFirstDataRow', 'columnNamesInFirstDataRow', 'Boolean', 'First row holds names'),
    field('Encoding', 'encoding', 'String', 'Text encoding', ['utf8', 'utf16le', 'latin1', 'ascii']),
  ],
  http: [
    CONNECTION_STRING('Base URL'),
    field('TimeoutMs', 'timeoutMs', 'Int32', 'Request timeout in milliseconds'),
  ],
};

/** The properties an override may set on a connection manager of this type. */
export function connectionProperties(type: ConnectionType): readonly ConnectionPropertyInfo[] {
  return PROPERTIES[type];
}

/** The property by name, ignoring case (ConnectionString or connectionString). */
export function findConnectionProperty(
  type: ConnectionType,
  name: string,
): ConnectionPropertyInfo | undefined {
  const lower = name.toLowerCase();
  return PROPERTIES[type].find((p) => p.name.toLowerCase() === lower);
}

export const isOverrideKey = (key: string) => key.toUpperCase().startsWith(CM_PREFIX);

/** `CM.<manager>.<property>` -> its parts; null when the key is not that shape. */
export function parseOverrideKey(key: string): { manager: string; property: string } | null {
  if (!isOverrideKey(key)) return null;
  const rest = key.slice(CM_PREFIX.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { manager: rest.slice(0, dot), property: rest.slice(dot + 1) };
}

export const overrideKey = (manager: string, property: string) => `${CM_PREFIX}${manager}.${property}`;

/** Whether a connection string carries a password (key=value or URL form). */
export function connectionStringHasPassword(text: string): boolean {
  return (
    /(^|[\s;])\s*(ssl)?(password|pwd)\s*=/i.test(text) ||
    /^\s*[a-z][a-z0-9+.-]*:\/\/[^:@/?#\s]*:[^/?#]*@/i.test(text) ||
    /[?&](ssl)?password=/i.test(text)
  );
}

/** Whether this override's value is secret: a Password, or a connection string with a password. */
export function isSensitiveOverride(property: ConnectionPropertyInfo, value: unknown): boolean {
  if (property.sensitive) return true;
  return (
    property.name === 'ConnectionString' && typeof value === 'string' && connectionStringHasPassword(value)
  );
}
