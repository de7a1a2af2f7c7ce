import { describe, expect, it } from 'vitest';
import type { ParameterInfo } from '../../master-core/protocol/api';
import {
  advancedFieldKey,
  buildExecutionRequests,
  connectionFieldKey,
  errorsOfTarget,
  fieldKeyForApiError,
  initialExecuteForm,
  missingSummary,
  normalizeTags,
  packageOptions,
  parameterFieldKey,
  parseParameterInput,
  withAdvancedForAll,
  withConnectionOverride,
  withPackageOptions,
  withParameterInput,
} from './executeRequest';
import type { ExecuteFormState } from './executeRequest';
import type { ExecuteTarget } from './executeTargets';

function param(
  reference: string,
  dataType: ParameterInfo['dataType'],
  extra: Partial<ParameterInfo> = {},
): ParameterInfo {
  return {
    name: reference.split('::')[1] ?? reference,
    reference,
    dataType,
    defaultValue: null,
    required: false,
    sensitive: false,
    description: '',
    serverValue: null,
    ...extra,
  };
}

const target: ExecuteTarget = {
  key: 'F/P/Load',
  folderName: 'F',
  projectName: 'P',
  packageName: 'Load',
  projectParameters: [
    param('$Project::Env', 'String', { defaultValue: 'dev' }),
    param('$Project::Conn', 'String'),
    param('$Project::Secret', 'String', { sensitive: true }),
  ],
  packageParameters: [
    param('$Package::Days', 'Int32'),
    param('$Package::Full', 'Boolean', { defaultValue: false }),
    param('$Package::Day', 'DateTime', { required: true }),
  ],
  projectConnectionManagers: [{ name: 'Warehouse', type: 'postgresql', description: '' }],
  packageConnectionManagers: [{ name: 'Out', type: 'flatFile', description: '' }],
};
const other: ExecuteTarget = {
  ...target,
  key: 'G/Q/Other',
  folderName: 'G',
  projectName: 'Q',
  packageName: 'Other',
  packageParameters: [],
};

const form = (patch: Partial<ExecuteFormState>): ExecuteFormState => ({ ...initialExecuteForm(), ...patch });

describe('buildExecutionRequests', () => {
  it('builds one input per package with only what was set, overrides typed, sensitive keys listed', () => {
    let f = form({ machineMode: 'workers', selectedWorkers: ['w1', 'w2', 'w1'] });
    f = withParameterInput(f, target.key, '$Package::Days', ' 7 ');
    f = withParameterInput(f, target.key, '$Package::Full', true);
    f = withParameterInput(f, target.key, '$Package::Day', '2026-01-31');
    f = withParameterInput(f, target.key, '$Project::Secret', 's3');
    f = withConnectionOverride(f, target.key, 'CM.Warehouse.Password', 'pw');
    f = withConnectionOverride(f, target.key, 'CM.Out.ColumnNamesInFirstDataRow', 'false');
    f = withPackageOptions(f, target.key, {
      referenceId: 4,
      retryCount: '2',
      priority: '-5',
      loggingLevel: 3,
      timeoutSeconds: '1.5',
      maxQueueWaitSeconds: '600',
    });
    f = withParameterInput(f, other.key, '$Package::Day', 'x'); // not a parameter of Other: ignored
    const result = buildExecutionRequests([target, { ...other, packageParameters: [] }], f);
    expect(result).toEqual({
      ok: true,
      requests: [
        {
          targetKey: 'F/P/Load',
          sensitiveKeys: ['$Project::Secret', 'CM.Warehouse.Password'],
          input: {
            folderName: 'F',
            projectName: 'P',
            packageName: 'Load',
            parameters: {
              '$Project::Secret': 's3',
              '$Package::Days': 7,
              '$Package::Full': true,
              '$Package::Day': '2026-01-31',
              'CM.Warehouse.Password': 'pw',
              'CM.Out.ColumnNamesInFirstDataRow': false,
            },
            referenceId: 4,
            retryCount: 2,
            priority: -5,
            loggingLevel: 3,
            timeoutMs: 1500,
            maxQueueWaitMs: 600_000,
            targeting: { kind: 'workers', names: ['w1', 'w2'] },
          },
        },
        {
          targetKey: 'G/Q/Other',
          sensitiveKeys: [],
          input: {
            folderName: 'G',
            projectName: 'Q',
            packageName: 'Other',
            parameters: {},
            retryCount: 0,
            priority: 0,
            loggingLevel: 1,
            timeoutMs: null,
            maxQueueWaitMs: null,
            targeting: { kind: 'workers', names: ['w1', 'w2'] },
          },
        },
      ],
    });
  });

  it('refuses, listing every missing required parameter by package and every bad field', () => {
    const second: ExecuteTarget = {
      ...other,
      packageParameters: [param('$Package::Region', 'String', { required: true })],
    };
    let f = form({ machineMode: 'tags', tags: [' ', ''] });
    f = withParameterInput(f, target.key, '$Package::Days', '7.5');
    f = withConnectionOverride(f, target.key, 'CM.Out.Encoding', 'ebcdic');
    f = withConnectionOverride(f, target.key, 'CM.Gone.ConnectionString', 'x');
    f = withPackageOptions(f, target.key, { retryCount: '101', maxQueueWaitSeconds: '-1' });
    const result = buildExecutionRequests([target, second], f);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      targeting: 'Enter at least one tag',
      [parameterFieldKey(target.key, '$Package::Days')]: '$Package::Days: expected a whole number (Int32)',
      [parameterFieldKey(target.key, '$Package::Day')]: '$Package::Day is required',
      [parameterFieldKey(second.key, '$Package::Region')]: '$Package::Region is required',
      [connectionFieldKey(target.key, 'CM.Out.Encoding')]:
        'CM.Out.Encoding: must be one of utf8, utf16le, latin1, ascii',
      [connectionFieldKey(target.key, 'CM.Gone.ConnectionString')]:
        'CM.Gone.ConnectionString: the package has no such connection manager property',
      [advancedFieldKey(target.key, 'retryCount')]: 'Retry count must be a whole number from 0 to 100',
      [advancedFieldKey(target.key, 'maxQueueWaitSeconds')]:
        'Maximum queue wait must be a positive number of seconds',
    });
    expect(missingSummary(result.missing)).toBe(
      'Required parameters without a value: Load: $Package::Day; Other: $Package::Region',
    );
    expect(errorsOfTarget(result.errors, second.key)).toEqual([
      parameterFieldKey(second.key, '$Package::Region'),
    ]);
  });

  it('takes a required parameter as set by a server value or, with an environment chosen, by a variable', () => {
    const t: ExecuteTarget = {
      ...other,
      packageParameters: [
        param('$Package::A', 'String', { required: true, serverValue: { kind: 'value', value: 'x' } }),
        param('$Package::B', 'String', {
          required: true,
          serverValue: { kind: 'reference', variableName: 'Bv' },
        }),
      ],
    };
    const without = buildExecutionRequests([t], form({}));
    expect(without.ok).toBe(false);
    if (!without.ok)
      expect(without.errors[parameterFieldKey(t.key, '$Package::B')]).toBe(
        '$Package::B is required; it takes environment variable Bv: choose an environment or enter a value',
      );
    expect(buildExecutionRequests([t], withPackageOptions(form({}), t.key, { referenceId: 1 })).ok).toBe(
      true,
    );
  });
});

describe('parseParameterInput', () => {
  it('reads each data type and names the parameter when a value does not fit', () => {
    expect(parseParameterInput(param('$Package::N', 'Int64'), '9007199254740991')).toEqual({
      value: 9007199254740991,
    });
    expect(parseParameterInput(param('$Package::N', 'Int32'), '3000000000').error).toBe(
      '$Package::N: out of the Int32 range',
    );
    expect(parseParameterInput(param('$Package::D', 'Decimal'), '12.50')).toEqual({ value: '12.50' });
    expect(parseParameterInput(param('$Package::D', 'Double'), 'abc').error).toBe(
      '$Package::D: expected a number',
    );
    expect(parseParameterInput(param('$Package::B', 'Boolean'), 'YES')).toEqual({ value: true });
    expect(parseParameterInput(param('$Package::S', 'String'), '  keep  ')).toEqual({ value: '  keep  ' });
    expect(
      parseParameterInput(param('$Package::S', 'String', { required: true, sensitive: true }), ''),
    ).toEqual({});
  });
});

describe('form updates', () => {
  it('sets and clears inputs, and copies one package’s Advanced page to all', () => {
    let f = withParameterInput(initialExecuteForm(), 'a', '$Package::X', '1');
    f = withParameterInput(f, 'a', '$Package::X', '');
    expect(packageOptions(f, 'a').values).toEqual({});
    f = withConnectionOverride(f, 'a', 'CM.Db.ConnectionString', 'x');
    expect(packageOptions(f, 'a').connections).toEqual({ 'CM.Db.ConnectionString': 'x' });
    f = withPackageOptions(f, 'a', { priority: '9', loggingLevel: 3, timeoutSeconds: '60' });
    f = withAdvancedForAll(f, 'a', ['a', 'b']);
    expect(packageOptions(f, 'b')).toMatchObject({ priority: '9', loggingLevel: 3, timeoutSeconds: '60' });
    expect(packageOptions(f, 'b').connections).toEqual({});
    expect(normalizeTags(['linux', ' Linux ', 'gpu,ssd', ''])).toEqual(['linux', 'gpu', 'ssd']);
  });
});

describe('fieldKeyForApiError', () => {
  it('maps the master’s field names to the form’s inputs', () => {
    expect(fieldKeyForApiError(target, 'parameters.$Package::Day')).toBe(
      parameterFieldKey(target.key, '$Package::Day'),
    );
    expect(fieldKeyForApiError(target, 'env')).toBe(parameterFieldKey(target.key, '$Project::Env'));
    expect(fieldKeyForApiError(target, 'parameters.CM.Warehouse.Password')).toBe(
      connectionFieldKey(target.key, 'CM.Warehouse.Password'),
    );
    expect(fieldKeyForApiError(target, 'timeoutMs')).toBe(advancedFieldKey(target.key, 'timeoutSeconds'));
    expect(fieldKeyForApiError(target, 'targeting.names')).toBe('targeting');
    expect(fieldKeyForApiError(target, 'parameters.Nope')).toBeUndefined();
    expect(fieldKeyForApiError(target, undefined)).toBeUndefined();
  });
});
