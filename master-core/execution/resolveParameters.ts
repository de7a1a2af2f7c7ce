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

/**
 * Resolves every parameter of a package: supplied value, else design default. Keys of `supplied`
 * may be "$Project::Name", "$Package::Name" or a bare name (package first, then project).
 * Throws naming the parameter when a value is missing for a required one, mistyped, or unknown.
 */
export function resolveParameters(
  scopes: readonly ParameterScope[],
  supplied: Readonly<Record<string, ParameterValue>>,
): Record<string, ParameterValue> {
  const byReference = new Map<string, { dataType: ParameterDataType; def: ParameterDef }>();
  for (const { scope, parameters } of scopes) {
    for (const def of parameters)
      byReference.set(`$${scope}::${def.name}`.toLowerCase(), { dataType: def.dataType, def });
  }
  const given = new Map<string, ParameterValue>();
  for (const [key, value] of Object.entries(supplied)) {
    const reference = key.startsWith('$')
      ? key.toLowerCase()
      : [`$package::${key}`, `$project::${key}`].map((k) => k.toLowerCase()).find((k) => byReference.has(k));
    if (!reference || !byReference.has(reference)) {
      throw new ScaleOutError('VALIDATION_FAILED', `parameter ${key}: the package has no such parameter`, {
        field: `parameters.${key}`,
      });
    }
    given.set(reference, value);
  }
  const resolved: Record<string, ParameterValue> = {};
  for (const { scope, parameters } of scopes) {
    for (const def of parameters) {
      const reference = `$${scope}::${def.name}`;
      const value = given.get(reference.toLowerCase()) ?? def.defaultValue;
      if (value === undefined) {
        if (def.required) {
          throw new ScaleOutError(
            'PARAMETER_REQUIRED',
            `parameter ${reference} is required and has no value`,
            {
              field: `parameters.${reference}`,
            },
          );
        }
        continue;
      }
      resolved[reference] = coerceParameterValue(def.dataType, value, reference);
    }
  }
  return resolved;
}
