import { ScaleOutError } from '../protocol/errors';
import type { ParameterDataType, ParameterDef, ParameterValue } from '../protocol/packageFormat';

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

function suppliedByReference(
  scopes: readonly ParameterScope[],
  supplied: Readonly<Record<string, ParameterValue>>,
) {
  const known = new Set(
    scopes.flatMap(({ scope, parameters }) => parameters.map((d) => `$${scope}::${d.name}`.toLowerCase())),
  );
  const given = new Map<string, ParameterValue>();
  for (const [key, value] of Object.entries(supplied)) {
    const reference = key.startsWith('$')
      ? key.toLowerCase()
      : [`$package::${key}`, `$project::${key}`].map((k) => k.toLowerCase()).find((k) => known.has(k));
    if (!reference || !known.has(reference)) {
      throw new ScaleOutError('VALIDATION_FAILED', `parameter ${key}: the package has no such parameter`, {
        field: `parameters.${key}`,
      });
    }
    given.set(reference, value);
  }
  return given;
}

/**
 * Resolves every parameter of a package: the execution's value, else the server value (a literal,
 * or a variable of the chosen environment), else the design default. A required parameter left
 * without a value, an unknown one, or a mistyped one is refused, naming it.
 */
export function resolveParameters(input: ResolveInput): ResolvedParameter[] {
  const given = suppliedByReference(input.scopes, input.supplied);
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
  return resolved;
}
