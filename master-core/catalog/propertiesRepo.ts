import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import type { PropertyRow } from '../protocol/api';

interface PropertyDef {
  defaultValue: string;
  description: string;
  /** Returns the normalized value, or throws a message saying what is allowed. */
  parse(value: string): string;
}

const int = (min: number, max: number) => (value: string) => {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new Error(`must be a whole number from ${min} to ${max}`);
  }
  return String(Number(value));
};
const bool = (value: string) => {
  const v = value.trim().toUpperCase();
  if (v !== 'TRUE' && v !== 'FALSE') throw new Error('must be TRUE or FALSE');
  return v;
};
const oneOf = (allowed: string[]) => (value: string) => {
  if (!allowed.includes(value.trim())) throw new Error(`must be one of ${allowed.join(', ')}`);
  return value.trim();
};

/** Catalog properties, as SSISDB's catalog.catalog_properties, with their defaults. */
export const propertyDefs: Record<string, PropertyDef> = {
  SERVER_LOGGING_LEVEL: {
    defaultValue: '1',
    description:
      'Default logging level of executions: 0 None, 1 Basic, 2 Performance, 3 Verbose, 4 RuntimeLineage',
    parse: oneOf(['0', '1', '2', '3', '4']),
  },
  RETENTION_WINDOW: {
    defaultValue: '365',
    description: 'Days executions and their messages are kept',
    parse: int(1, 36_500),
  },
  AUDIT_RETENTION_WINDOW: {
    defaultValue: '365',
    description: 'Days audit entries are kept (not an SSISDB property: SSIS has no audit log)',
    parse: int(1, 36_500),
  },
  OPERATION_CLEANUP_ENABLED: {
    defaultValue: 'TRUE',
    description: 'Whether the retention cleanup runs (executions and audit entries)',
    parse: bool,
  },
  MAX_PROJECT_VERSIONS: {
    defaultValue: '10',
    description: 'Versions kept per project when version cleanup is on',
    parse: int(1, 9999),
  },
  VERSION_CLEANUP_ENABLED: {
    defaultValue: 'TRUE',
    description: 'Whether old project versions are removed',
    parse: bool,
  },
  DEFAULT_EXECUTION_MODE: {
    defaultValue: '1',
    description: '0 Server, 1 Scale Out (every execution here runs in Scale Out)',
    parse: oneOf(['1']),
  },
};

export function createPropertiesRepo(db: Db) {
  async function list(): Promise<PropertyRow[]> {
    const rows = await db.all<{ property_name: string; property_value: string }>(
      'SELECT * FROM catalog_properties',
    );
    const stored = new Map(rows.map((r) => [r.property_name, r.property_value]));
    return Object.entries(propertyDefs).map(([name, def]) => ({
      name,
      value: stored.get(name) ?? def.defaultValue,
      description: def.description,
    }));
  }

  async function get(name: keyof typeof propertyDefs): Promise<string> {
    const row = await db.get<{ property_value: string }>(
      'SELECT property_value FROM catalog_properties WHERE property_name = ?',
      [name],
    );
    return row?.property_value ?? propertyDefs[name]!.defaultValue;
  }

  async function set(name: string, value: string): Promise<void> {
    const def = propertyDefs[name.toUpperCase()];
    if (!def) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `unknown catalog property ${name}; known: ${Object.keys(propertyDefs).join(', ')}`,
        {
          field: 'name',
        },
      );
    }
    let normalized: string;
    try {
      normalized = def.parse(value);
    } catch (error) {
      throw new ScaleOutError(
        'VALIDATION_FAILED',
        `property ${name.toUpperCase()} ${(error as Error).message} (got "${value}")`,
        {
          field: 'value',
        },
      );
    }
    await db.run(
      `INSERT INTO catalog_properties (property_name, property_value) VALUES (?, ?)
       ON CONFLICT (property_name) DO UPDATE SET property_value = excluded.property_value`,
      [name.toUpperCase(), normalized],
    );
  }

  return { list, get, set };
}

export type PropertiesRepo = ReturnType<typeof createPropertiesRepo>;
