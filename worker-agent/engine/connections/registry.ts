import { ScaleOutError, coerceError } from '../../../master-core/protocol/errors';
import type { ConnectionManagerDef } from '../../../master-core/protocol/packageFormat';
import { REDACTED, connectionStringSecrets, redactConnectionString } from './connectionString';
import { openFlatFile } from './flatFile';
import { httpSecrets, openHttp } from './http';
import { openPostgres } from './postgres';
import { openSqlite, parseSqliteConnectionString } from './sqlite';
import type { AnyConnection, ConnectionHandle, ConnectionType } from './types';

export { redactConnectionString } from './connectionString';

export interface ConnectionRegistryOptions {
  /** Relative file paths (SQLite, flat files) resolve against it. */
  workDir: string;
  /** Called with every secret part of a connection before it is opened. */
  addSecret(value: string): void;
}

export interface ConnectionRegistry {
  /** Opens the named connection manager once (later calls share it) and checks its type. */
  open<T extends ConnectionType>(name: string, type: T | readonly T[]): Promise<ConnectionHandle<T>>;
  /** Closes every opened connection; best effort, never throws. */
  closeAll(): Promise<void>;
}

const TYPE_LABELS: Record<ConnectionType, { name: string; article: string }> = {
  sqlite: { name: 'SQLite', article: 'a' },
  postgresql: { name: 'PostgreSQL', article: 'a' },
  flatFile: { name: 'flat file', article: 'a' },
  http: { name: 'HTTP', article: 'an' },
};

function secretsOf(def: ConnectionManagerDef): string[] {
  return def.type === 'http' ? httpSecrets(def) : connectionStringSecrets(def.connectionString);
}

async function openDef(def: ConnectionManagerDef, workDir: string): Promise<AnyConnection> {
  switch (def.type) {
    case 'sqlite':
      return openSqlite(parseSqliteConnectionString(def.connectionString, workDir, def.readOnly));
    case 'postgresql':
      return openPostgres(def.connectionString);
    case 'flatFile':
      return openFlatFile(def, workDir);
    case 'http':
      return openHttp(def);
  }
}

/** Replaces each secret in a driver's message (a driver may echo what it was given). */
function mask(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/**
 * The connections of one package run. The definitions are the package's and the project's
 * connection managers, merged and with their property expressions applied (by the engine).
 */
export function createConnectionRegistry(
  defs: readonly ConnectionManagerDef[],
  options: ConnectionRegistryOptions,
): ConnectionRegistry {
  const byName = new Map(defs.map((d) => [d.name.toLowerCase(), d]));
  const opened = new Map<string, Promise<AnyConnection>>();

  function find(name: string): ConnectionManagerDef {
    const def = byName.get(name.toLowerCase());
    if (def) return def;
    const known = defs.map((d) => `"${d.name}"`).join(', ') || 'none';
    throw new ScaleOutError('NOT_FOUND', `connection manager "${name}" does not exist; known: ${known}`);
  }

  function check(def: ConnectionManagerDef, types: readonly ConnectionType[]): void {
    if (!types.includes(def.type)) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `connection manager "${def.name}" is ${TYPE_LABELS[def.type].article} ${TYPE_LABELS[def.type].name} ` +
          `connection; this needs ${types.map((t) => TYPE_LABELS[t].name).join(' or ')}`,
      );
    }
    if (!def.connectionString.trim()) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `connection manager "${def.name}" has an empty connection string`,
      );
    }
  }

  function start(def: ConnectionManagerDef, key: string): Promise<AnyConnection> {
    const secrets = secretsOf(def);
    for (const secret of secrets) options.addSecret(secret);
    const opening: Promise<AnyConnection> = openDef(def, options.workDir).catch((error: unknown) => {
      // A later task may try again (the file may exist by then).
      if (opened.get(key) === opening) opened.delete(key);
      const reason = coerceError(error).message;
      const masked = mask(reason, secrets);
      throw new ScaleOutError(
        'UNAVAILABLE',
        `cannot open connection manager "${def.name}" (${redactConnectionString(def.connectionString)}): ${masked}`,
        // The driver's error may hold a secret: keep it only when its message did not.
        masked === reason ? { cause: error } : {},
      );
    });
    opened.set(key, opening);
    return opening;
  }

  return {
    async open<T extends ConnectionType>(name: string, type: T | readonly T[]) {
      const def = find(name);
      check(def, typeof type === 'string' ? [type as T] : (type as readonly T[]));
      const key = def.name.toLowerCase();
      const connection = opened.get(key) ?? start(def, key);
      return (await connection) as ConnectionHandle<T>;
    },
    async closeAll() {
      const pending = [...opened.values()];
      opened.clear();
      const results = await Promise.allSettled(pending);
      await Promise.allSettled(
        results.map((r) => (r.status === 'fulfilled' ? r.value.close() : Promise.resolve())),
      );
    },
  };
}
