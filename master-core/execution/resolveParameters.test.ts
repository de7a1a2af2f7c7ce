import { describe, expect, it } from 'vitest';
import { ScaleOutError } from '../protocol/errors';
import { ParameterDef } from '../protocol/packageFormat';
import { coerceParameterValue, resolveParameters } from './resolveParameters';

const p = (def: Record<string, unknown>) => ParameterDef.parse(def);
const scopes = [
  { scope: 'Project' as const, parameters: [p({ name: 'Env', dataType: 'String', defaultValue: 'Dev' })] },
  {
    scope: 'Package' as const,
    parameters: [
      p({ name: 'Count', dataType: 'Int32', defaultValue: 3 }),
      p({ name: 'Target', dataType: 'String', required: true }),
      p({ name: 'Verbose', dataType: 'Boolean' }),
    ],
  },
];

const values = (list: ReturnType<typeof resolveParameters>) =>
  Object.fromEntries(list.map((p) => [p.reference, p.value]));
const sources = (list: ReturnType<typeof resolveParameters>) =>
  Object.fromEntries(list.map((p) => [p.reference, p.source]));

describe('resolveParameters', () => {
  it('uses supplied values over design defaults, by bare or qualified name', () => {
    const resolved = resolveParameters({
      scopes,
      supplied: { Target: 'db1', '$Project::Env': 'Prod', count: '7' },
    });
    expect(values(resolved)).toEqual({
      '$Project::Env': 'Prod',
      '$Package::Count': 7,
      '$Package::Target': 'db1',
    });
    expect(resolved.find((p) => p.reference === '$Package::Count')).toMatchObject({
      objectType: 30,
      source: 'execution',
    });
  });

  it('takes execution value > server value or environment variable > design default', () => {
    const resolved = resolveParameters({
      scopes,
      supplied: { Count: 1 },
      configured: (reference) =>
        reference === '$Project::Env'
          ? { kind: 'value', value: 'Test' }
          : reference === '$Package::Target' || reference === '$Package::Count'
            ? { kind: 'reference', variableName: 'TARGET' }
            : undefined,
      environment: {
        name: 'Prod',
        variables: new Map([['target', { name: 'TARGET', value: 'prod-db', sensitive: true }]]),
      },
    });
    expect(values(resolved)).toEqual({
      '$Project::Env': 'Test',
      '$Package::Count': 1,
      '$Package::Target': 'prod-db',
    });
    expect(sources(resolved)).toEqual({
      '$Project::Env': 'server',
      '$Package::Count': 'execution',
      '$Package::Target': 'environment',
    });
    // A value from a sensitive variable is sensitive.
    expect(resolved.find((p) => p.reference === '$Package::Target')?.sensitive).toBe(true);
  });

  it('names a required parameter that has no value', () => {
    expect(() => resolveParameters({ scopes, supplied: {} })).toThrow(/\$Package::Target is required/);
    try {
      resolveParameters({ scopes, supplied: {} });
    } catch (error) {
      expect((error as ScaleOutError).code).toBe('PARAMETER_REQUIRED');
      expect((error as ScaleOutError).field).toBe('parameters.$Package::Target');
    }
  });

  it('says when a required parameter references a variable no chosen environment provides', () => {
    const configured = () => ({ kind: 'reference' as const, variableName: 'TARGET' });
    expect(() => resolveParameters({ scopes, supplied: {}, configured })).toThrow(
      /no environment reference was chosen/,
    );
    expect(() =>
      resolveParameters({
        scopes,
        supplied: {},
        configured,
        environment: { name: 'Dev', variables: new Map() },
      }),
    ).toThrow(/environment Dev does not have/);
  });

  it('refuses an unknown parameter, naming it', () => {
    expect(() => resolveParameters({ scopes, supplied: { Target: 'x', Nope: 1 } })).toThrow(
      /Nope: the package has no such parameter/,
    );
  });

  it('refuses a value of the wrong type, naming the parameter', () => {
    expect(() => resolveParameters({ scopes, supplied: { Target: 'x', Count: 'many' } })).toThrow(
      /\$Package::Count: expected an Int32/,
    );
  });
});

describe('coerceParameterValue', () => {
  it.each([
    ['Boolean', 'true', true],
    ['Boolean', '0', false],
    ['Int32', '-12', -12],
    ['Int64', '9007199254740991', 9007199254740991],
    ['Double', '2.5', 2.5],
    ['Decimal', '10.25', '10.25'],
    ['DateTime', '2026-01-31T08:00:00Z', '2026-01-31T08:00:00.000Z'],
    ['String', 5, '5'],
  ] as const)('%s %j -> %j', (type, input, expected) => {
    expect(coerceParameterValue(type, input, 'x')).toEqual(expected);
  });

  it.each([
    ['Int32', '2147483648'],
    ['Int32', '1.5'],
    ['Boolean', 'maybe'],
    ['Double', ''],
    ['Decimal', '1e5'],
    ['DateTime', 'yesterday'],
  ] as const)('refuses %s %j', (type, input) => {
    expect(() => coerceParameterValue(type, input, 'x')).toThrow(ScaleOutError);
  });
});
