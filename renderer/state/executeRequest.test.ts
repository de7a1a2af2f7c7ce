import { describe, expect, it } from 'vitest';
import type { ParameterInfo } from '../../master-core/protocol/api';
import {
  buildExecutionRequests,
  fieldKeyForApiError,
  initialExecuteForm,
  parameterFieldKey,
  parseParameterInput,
  parseTags,
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
  } as ParameterInfo;
}

const target: ExecuteTarget = {
  key: 'F/P/Load',
  folderName: 'F',
  projectName: 'P',
  packageName: 'Load',
  projectParameters: [
    param('$Project::Env', 'String', { defaultValue: 'dev' }),
    param('$Project::Conn', 'String'),
  ],
  packageParameters: [
    param('$Package::Days', 'Int32'),
    param('$Package::Full', 'Boolean', { defaultValue: false }),
    param('$Package::Day', 'DateTime', { required: true }),
  ],
};
const other: ExecuteTarget = { ...target, key: 'F/P/Other', packageName: 'Other', packageParameters: [] };

const form = (patch: Partial<ExecuteFormState>): ExecuteFormState => ({ ...initialExecuteForm(), ...patch });

describe('buildExecutionRequests', () => {
  it('builds one input per package with only the filled parameters', () => {
    const result = buildExecutionRequests(
      [target, other],
      form({
        values: {
          'F/P/Load': {
            '$Project::Conn': '',
            '$Package::Days': ' 7 ',
            '$Package::Full': true,
            '$Package::Day': '2026-01-31',
          },
        },
        retryCount: '2',
        priority: '-5',
        loggingLevel: 3,
        timeoutSeconds: '1.5',
        machineMode: 'workers',
        selectedWorkers: ['w1', 'w2', 'w1'],
      }),
    );
    expect(result).toEqual({
      ok: true,
      requests: [
        {
          targetKey: 'F/P/Load',
          input: {
            folderName: 'F',
            projectName: 'P',
            packageName: 'Load',
            parameters: { '$Package::Days': 7, '$Package::Full': true, '$Package::Day': '2026-01-31' },
            retryCount: 2,
            priority: -5,
            loggingLevel: 3,
            timeoutMs: 1500,
            targeting: { kind: 'workers', names: ['w1', 'w2'] },
          },
        },
        {
          targetKey: 'F/P/Other',
          input: {
            folderName: 'F',
            projectName: 'P',
            packageName: 'Other',
            parameters: {},
            retryCount: 2,
            priority: -5,
            loggingLevel: 3,
            timeoutMs: 1500,
            targeting: { kind: 'workers', names: ['w1', 'w2'] },
          },
        },
      ],
    });
  });

  it('uses the defaults: no retries, priority 0, Basic logging, no timeout, any worker', () => {
    const result = buildExecutionRequests([other], initialExecuteForm());
    expect(result.ok && result.requests[0]?.input).toMatchObject({
      retryCount: 0,
      priority: 0,
      loggingLevel: 1,
      timeoutMs: null,
      targeting: { kind: 'any' },
    });
  });

  it('names each bad field', () => {
    const result = buildExecutionRequests(
      [target],
      form({
        values: { 'F/P/Load': { '$Package::Days': '1.5' } },
        retryCount: '101',
        priority: 'x',
        timeoutSeconds: '0',
        machineMode: 'tags',
        tagsText: ' , ',
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      [parameterFieldKey('F/P/Load', '$Package::Days')]: '$Package::Days: expected a whole number (Int32)',
      [parameterFieldKey('F/P/Load', '$Package::Day')]: '$Package::Day is required',
      retryCount: 'Retry count must be a whole number from 0 to 100',
      priority: 'Priority must be a whole number from -1000 to 1000',
      timeoutSeconds: 'Timeout must be a positive number of seconds',
      targeting: 'Enter at least one tag',
    });
  });

  it('asks for a worker when "Selected workers" has none', () => {
    const result = buildExecutionRequests([other], form({ machineMode: 'workers' }));
    expect(result).toEqual({ ok: false, errors: { targeting: 'Select at least one worker' } });
  });
});

describe('parseParameterInput', () => {
  it('converts by data type', () => {
    expect(parseParameterInput(param('$Package::A', 'Int64'), '9007199254740991')).toEqual({
      value: 9007199254740991,
    });
    expect(parseParameterInput(param('$Package::A', 'Int64'), '9007199254740993').error).toMatch(/Int64/);
    expect(parseParameterInput(param('$Package::A', 'Int32'), '2147483648').error).toMatch(/Int32/);
    expect(parseParameterInput(param('$Package::A', 'Double'), '-2.5e3')).toEqual({ value: -2500 });
    expect(parseParameterInput(param('$Package::A', 'Decimal'), '12.50')).toEqual({ value: '12.50' });
    expect(parseParameterInput(param('$Package::A', 'Decimal'), '1e3').error).toMatch(/decimal/);
    expect(parseParameterInput(param('$Package::A', 'DateTime'), 'soon').error).toMatch(/date/);
    expect(parseParameterInput(param('$Package::A', 'String'), '  padded ')).toEqual({ value: '  padded ' });
    expect(parseParameterInput(param('$Package::A', 'Boolean'), false)).toEqual({ value: false });
  });

  it('leaves an empty input to the default, unless a required parameter has none', () => {
    expect(
      parseParameterInput(param('$Package::A', 'String', { required: true, defaultValue: 'x' }), ''),
    ).toEqual({});
    expect(parseParameterInput(param('$Package::A', 'String', { required: true }), undefined)).toEqual({
      error: '$Package::A is required',
    });
  });
});

describe('parseTags', () => {
  it('splits, trims and drops empty and repeated tags', () => {
    expect(parseTags(' gpu, linux ,,GPU, ')).toEqual(['gpu', 'linux']);
  });
});

describe('fieldKeyForApiError', () => {
  it('maps parameter fields, whatever their case or prefix', () => {
    expect(fieldKeyForApiError(target, 'parameters.$Package::Days')).toBe(
      parameterFieldKey('F/P/Load', '$Package::Days'),
    );
    expect(fieldKeyForApiError(target, '$project::env')).toBe(parameterFieldKey('F/P/Load', '$Project::Env'));
    expect(fieldKeyForApiError(target, 'parameters.Conn')).toBe(
      parameterFieldKey('F/P/Load', '$Project::Conn'),
    );
  });

  it('maps the shared options and ignores the rest', () => {
    expect(fieldKeyForApiError(target, 'timeoutMs')).toBe('timeoutSeconds');
    expect(fieldKeyForApiError(target, 'targeting.names.0')).toBe('targeting');
    expect(fieldKeyForApiError(target, 'folderName')).toBeUndefined();
    expect(fieldKeyForApiError(target, 'constructor')).toBeUndefined();
    expect(fieldKeyForApiError(target, undefined)).toBeUndefined();
  });
});

describe('withParameterInput', () => {
  it('sets and clears one input without touching the others', () => {
    const start = initialExecuteForm();
    const set = withParameterInput(start, 'F/P/Load', '$Package::Days', '3');
    expect(set.values).toEqual({ 'F/P/Load': { '$Package::Days': '3' } });
    expect(start.values).toEqual({});
    const unchecked = withParameterInput(set, 'F/P/Load', '$Package::Full', false);
    expect(unchecked.values['F/P/Load']).toEqual({ '$Package::Days': '3', '$Package::Full': false });
    expect(withParameterInput(unchecked, 'F/P/Load', '$Package::Days', '').values['F/P/Load']).toEqual({
      '$Package::Full': false,
    });
  });
});
