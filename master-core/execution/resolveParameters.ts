import { ScaleOutError } from '../protocol/errors';
import type {
  ConnectionType,
  ParameterDataType,
  ParameterDef,
  ParameterValue,
} from '../protocol/packageFormat';
import {
  connectionProperties,
  findConnectionProperty,
  isOverrideKey,
  isSensitiveOverride,
  overrideKey,
  parseOverrideKey,
} from '../protocol/connectionOverrides';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Converts a supplied value (from a flag, a form or JSON) to the parameter's data type. */
export function coerceParameterValue(
  dataType: ParameterDataType,
  value: ParameterValue,
  field: string,
): ParameterValue {
  const fail = (why: string): never => {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `parameter ${field}: ${why} (got ${JSON.stringify(value)})`,
      {
        field: `parameters.${field}`,
      },
    );
  };
  switch (dataType) {
    case 'String':
      return String(value);
    case 'Boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (['true', '1', 'yes'].includes(text)) return true;
      if (['false', '0', 'no'].includes(text)) return false;
      return fail('expected a Boolean (true or false)');
    }
    case 'Int32':
    case 'Int64': {
      const text = String(value).trim();
      if (!/^-?\d+$/.test(text)) return fail(`expected an ${dataType} integer`);
      const n = Number(text);
      if (dataType === 'Int32' && (n < INT32_MIN || n > INT32_MAX)) return fail('out of Int32 range');
      if (!Number.isSafeInteger(n)) return fail('out of the range this version supports for Int64');
      return n;
    }
    case 'Double': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isFinite(n)) return fail('expected a number');
      return n;
    }
    case 'Decimal': {
      const text = String(value).trim();
      if (!/^-?\d+(\.\d+)?$/.test(text)) return fail('expected a decimal number such as 12.50');
      return text;
    }
    case 'DateTime': {
      const text = String(value).trim();
      if (Number.isNaN(Date.parse(text))) return fail('expected a date/time such as 2026-01-31T08:00:00Z');
      return new Date(text).toISOString();
    }
  }
}

export interface ParameterScope {
  scope: 'Project' | 'Package';
  parameters: readonly ParameterDef[];
  /** Its connection managers, which `CM.<Name>.<Property>` overrides may set. */
  connectionManagers?: readonly { name: string; type: ConnectionType }[];
}

/** A server-side value set with Configure: a literal, or the name of an environment variable. */
export type ConfiguredValue =
  { kind: 'value'; value: ParameterValue } | { kind: 'reference'; variableName: string };

export interface EnvironmentVariable {
  name: string;
  value: ParameterValue;
  sensitive: boolean;
}

export interface ResolvedParameter {
  /** "$Project::X", "$Package::X", or "CM.<ConnectionManager>.<Property>" for an override. */
  reference: string;
  objectType: 20 | 30;
  name: string;
  dataType: ParameterDataType;
  sensitive: boolean;
  value: ParameterValue;
  source: 'execution' | 'server' | 'environment' | 'default';
}

export interface ResolveInput {
  scopes: readonly ParameterScope[];
  /** Values given for this execution: keys "Name", "$Package::Name" or "$Project::Name". */
  supplied: Readonly<Record<string, ParameterValue>>;
  /** Server values by reference ("$Package::Name"), case-insensitive lookups done by the caller. */
  configured?: (reference: string) => ConfiguredValue | undefined;
  /** Variables of the environment the execution chose, by lower-case name; null when none. */
  environment?: { name: string; variables: ReadonlyMap<string, EnvironmentVariable> } | null;
}

/** "CM.X.P" as given, or as execution.parameters rows name it ("$Project::CM.X.P", "$Package::CM.X.P"). */
const overrideKeyOf = (key: string) => key.replace(/^\$(Project|Package)::/i, '');

function suppliedByReference(
  scopes: readonly ParameterScope[],
  supplied: Readonly<Record<string, ParameterValue>>,
) {
  const known = new Set(
    scopes.flatMap(({ scope, parameters }) => parameters.map((d) => `$${scope}::${d.name}`.toLowerCase())),
  );
  const given = new Map<string, ParameterValue>();
  const overrides: [string, ParameterValue][] = [];
  for (const [key, value] of Object.entries(supplied)) {
    const reference = key.startsWith('$')
      ? key.toLowerCase()
      : [`$package::${key}`, `$project::${key}`].map((k) => k.toLowerCase()).find((k) => known.has(k));
    if ((!reference || !known.has(reference)) && isOverrideKey(overrideKeyOf(key))) {
      overrides.push([key, value]);
      continue;
    }
    if (!reference || !known.has(reference)) {
      throw new ScaleOutError('VALIDATION_FAILED', `parameter ${key}: the package has no such parameter`, {
        field: `parameters.${key}`,
      });
    }
    given.set(reference, value);
  }
  return { given, overrides };
}

/**
 * A connection manager override (`CM.<Name>.<Property>`), checked: the manager must be the
 * package's or its project's (the package's wins, as at run time), the property one that type
 * has; the value is read as the property's type. Stored as a parameter of object type 30
 * (package manager) or 20 (project manager), as SSIS does.
 */
function resolveOverride(
  scopes: readonly ParameterScope[],
  key: string,
  value: ParameterValue,
): ResolvedParameter {
  const fail = (why: string): never => {
    throw new ScaleOutError('VALIDATION_FAILED', `connection manager override ${key}: ${why}`, {
      field: `parameters.${key}`,
    });
  };
  const parsed = parseOverrideKey(overrideKeyOf(key)) ?? fail('write it CM.<ConnectionManager>.<Property>');
  const ordered = [...scopes].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'Package' ? -1 : 1));
  const managers = ordered.flatMap((s) =>
    (s.connectionManagers ?? []).map((cm) => ({ ...cm, scope: s.scope })),
  );
  const manager =
    managers.find((cm) => cm.name.toLowerCase() === parsed.manager.toLowerCase()) ??
    fail(
      `the package and its project have no connection manager "${parsed.manager}"` +
        (managers.length > 0
          ? ` (they have: ${[...new Set(managers.map((cm) => cm.name))].join(', ')})`
          : ' (they have none)'),
    );
  const property =
    findConnectionProperty(manager.type, parsed.property) ??
    fail(
      `a ${manager.type} connection manager has no property "${parsed.property}" to override ` +
        `(it has: ${connectionProperties(manager.type)
          .map((p) => p.name)
          .join(', ')})`,
    );
  const reference = overrideKey(manager.name, property.name);
  const coerced = coerceParameterValue(property.dataType, value, key);
  if (property.values && !property.values.includes(String(coerced)))
    fail(`must be one of ${property.values.join(', ')}`);
  return {
    reference,
    objectType: manager.scope === 'Project' ? 20 : 30,
    name: reference,
    dataType: property.dataType,
    sensitive: isSensitiveOverride(property, coerced),
    value: coerced,
    source: 'execution',
  };
}

/**
 * Resolves every parameter of a package: the execution's value, else the server value (a literal,
 * or a variable of the chosen environment), else the design default. A required parameter left
 * without a value, an unknown one, or a mistyped one is refused, naming it. Connection manager
 * overrides (`CM.<Name>.<Property>` keys) come after the parameters, checked and typed.
 */
export function resolveParameters(input: ResolveInput): ResolvedParameter[] {
  const { given, overrides } = suppliedByReference(input.scopes, input.supplied);
  const resolved: ResolvedParameter[] = [];
  for (const { scope, parameters } of input.scopes) {
    for (const def of parameters) {
      const reference = `$${scope}::${def.name}`;
      let value: ParameterValue | undefined = given.get(reference.toLowerCase());
      let source: ResolvedParameter['source'] = 'execution';
      let sensitive = def.sensitive;
      let missingVariable: string | null = null;
      const configured = value === undefined ? input.configured?.(reference) : undefined;
      if (configured?.kind === 'value') {
        value = configured.value;
        source = 'server';
      } else if (configured?.kind === 'reference') {
        const variable = input.environment?.variables.get(configured.variableName.toLowerCase());
        if (variable) {
          value = variable.value;
          source = 'environment';
          sensitive ||= variable.sensitive;
        } else {
          missingVariable = configured.variableName;
        }
      }
      if (value === undefined && def.defaultValue !== undefined) {
        value = def.defaultValue;
        source = 'default';
      }
      if (value === undefined) {
        if (!def.required) continue;
        const why = missingVariable
          ? input.environment
            ? `; it references environment variable ${missingVariable}, which environment ${input.environment.name} does not have`
            : `; it references environment variable ${missingVariable}, but no environment reference was chosen`
          : '';
        throw new ScaleOutError(
          'PARAMETER_REQUIRED',
          `parameter ${reference} is required and has no value${why}`,
          {
            field: `parameters.${reference}`,
          },
        );
      }
      resolved.push({
        reference,
        objectType: scope === 'Project' ? 20 : 30,
        name: def.name,
        dataType: def.dataType,
        sensitive,
        value: coerceParameterValue(def.dataType, value, reference),
        source,
      });
    }
  }
  const byReference = new Map<string, ResolvedParameter>();
  for (const [key, value] of overrides) {
    const override = resolveOverride(input.scopes, key, value);
    byReference.set(override.reference.toLowerCase(), override);
  }
  return [...resolved, ...byReference.values()];
}
