import { findConnectionProperty, parseOverrideKey } from '../../../master-core/protocol/connectionOverrides';
import type { ConnectionStringPart } from '../../../master-core/protocol/connectionOverrides';
import type { ConnectionManagerDef } from '../../../master-core/protocol/packageFormat';
import { isUrlForm, parseKeywords, usesSemicolons } from './connectionString';

/**
 * Connection manager overrides (`CM.<Name>.<Property>` execution parameters, checked by the master
 * when the execution was created) set on a manager's definition before its property expressions.
 */

export interface ConnectionOverride {
  /** As the execution named it: "CM.Db.ConnectionString". */
  key: string;
  manager: string;
  property: string;
  value: unknown;
}

export interface SplitOverrides {
  /** Overrides of project connection managers (object type 20), for every package of the run. */
  project: ConnectionOverride[];
  /** Overrides of the executed package's own connection managers (object type 30). */
  package: ConnectionOverride[];
  /** Everything else: the parameter values. */
  parameters: Record<string, unknown>;
}

/**
 * Separates the overrides from the parameter values of an assignment. The master stores them
 * as "$Project::CM.X.P" (a project manager) or "$Package::CM.X.P" (the package's); a real
 * parameter of that name (in `isParameter`) stays a parameter.
 */
export function splitOverrides(
  values: Readonly<Record<string, unknown>>,
  isParameter: (key: string) => boolean,
): SplitOverrides {
  const split: SplitOverrides = { project: [], package: [], parameters: {} };
  for (const [key, value] of Object.entries(values)) {
    const match = /^\$(Project|Package)::(CM\..+)$/i.exec(key);
    const parsed = match && !isParameter(key) ? parseOverrideKey(match[2]!) : null;
    if (!match || !parsed) {
      split.parameters[key] = value;
      continue;
    }
    const override = { key: match[2]!, ...parsed, value };
    (match[1]!.toLowerCase() === 'project' ? split.project : split.package).push(override);
  }
  return split;
}

const PART_KEYS: Record<ConnectionStringPart, { keys: string[]; libpq: string; semicolon: string }> = {
  server: { keys: ['host', 'server', 'hostaddr'], libpq: 'host', semicolon: 'Host' },
  database: { keys: ['dbname', 'database'], libpq: 'dbname', semicolon: 'Database' },
  user: { keys: ['user', 'username', 'user id', 'userid', 'uid'], libpq: 'user', semicolon: 'Username' },
  password: { keys: ['password', 'pwd'], libpq: 'password', semicolon: 'Password' },
};
const PORT_KEYS = { keys: ['port'], libpq: 'port', semicolon: 'Port' };

function quoteKeywordValue(value: string, semicolons: boolean): string {
  if (semicolons) {
    return /[;"'=]|^\s|\s$/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
  }
  return /[\s'"\\]/.test(value) || value === ''
    ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
    : value;
}

function setKeyword(
  text: string,
  spec: { keys: string[]; libpq: string; semicolon: string },
  value: string,
): string {
  const semicolons = text.trim() === '' ? false : usesSemicolons(text);
  const entries = text.trim() === '' ? [] : parseKeywords(text);
  const quoted = quoteKeywordValue(value, semicolons);
  const hits = entries.filter((e) => spec.keys.includes(e.key));
  if (hits.length === 0) {
    const key = semicolons ? spec.semicolon : spec.libpq;
    const base = text.trimEnd();
    if (base === '') return `${key}=${quoted}`;
    return semicolons ? `${base.replace(/;$/, '')};${key}=${quoted}` : `${base} ${key}=${quoted}`;
  }
  // Every spelling of the key is set (the last one wins in libpq and Npgsql alike).
  let out = text;
  for (const entry of [...hits].reverse()) out = out.slice(0, entry.start) + quoted + out.slice(entry.end);
  return out;
}

/** "host:port" -> both; a bare host (or an IPv6 address without brackets) -> the host only. */
function splitServer(value: string): { host: string; port: string | null } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value.trim());
  return match ? { host: match[1]!, port: match[2]! } : { host: value.trim(), port: null };
}

/**
 * A PostgreSQL connection string with one part (ServerName, InitialCatalog, UserName, Password)
 * set, in the form it was written: a URL keeps being a URL, key=value pairs keep their style.
 */
export function setConnectionStringPart(text: string, part: ConnectionStringPart, value: string): string {
  if (isUrlForm(text)) {
    const url = new URL(text.trim());
    const hasHost = url.host !== '';
    switch (part) {
      case 'server': {
        const { host, port } = splitServer(value);
        if (hasHost) {
          url.hostname = host;
          url.port = port ?? '';
        } else {
          url.searchParams.set('host', host);
          if (port) url.searchParams.set('port', port);
          else url.searchParams.delete('port');
        }
        break;
      }
      case 'database':
        url.pathname = `/${encodeURIComponent(value)}`;
        break;
      case 'user':
        if (hasHost) url.username = encodeURIComponent(value);
        else url.searchParams.set('user', value);
        break;
      case 'password':
        if (hasHost) url.password = encodeURIComponent(value);
        else url.searchParams.set('password', value);
        break;
    }
    return url.toString();
  }
  if (part === 'server') {
    const { host, port } = splitServer(value);
    const withHost = setKeyword(text, PART_KEYS.server, host);
    return port ? setKeyword(withHost, PORT_KEYS, port) : withHost;
  }
  return setKeyword(text, PART_KEYS[part], value);
}

/**
 * The definition with the overrides set (as plain data; the caller validates it against the
 * schema after its property expressions). An override the type does not have is refused
 * (the master checks this too; a package redeployed in between could differ).
 */
export function applyOverrides(
  cm: ConnectionManagerDef,
  overrides: readonly ConnectionOverride[],
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...cm };
  for (const override of overrides) {
    if (override.manager.toLowerCase() !== cm.name.toLowerCase()) continue;
    const property = findConnectionProperty(cm.type, override.property);
    if (!property)
      throw new Error(`override ${override.key}: a ${cm.type} connection manager has no such property`);
    if (property.target.kind === 'field') {
      copy[property.target.field] = override.value;
    } else {
      try {
        copy.connectionString = setConnectionStringPart(
          String(copy.connectionString ?? ''),
          property.target.part,
          String(override.value),
        );
      } catch (error) {
        // Never quote the connection string: it may hold a password.
        throw new Error(
          `override ${override.key}: the connection string cannot take it (${error instanceof Error ? error.message : String(error)})`,
          { cause: error },
        );
      }
    }
  }
  return copy;
}
