import { describe, expect, it } from 'vitest';
import type { ExecutionParameterRow, ExecutionRow } from '../../master-core/protocol/api';
import {
  describeOptions,
  matchReference,
  parseTypedValue,
  runAgainRequest,
  sensitiveToReenter,
} from './runAgain';

const execution: ExecutionRow = {
  executionId: 42,
  folderName: 'Samples',
  projectName: 'HelloScaleOut',
  packageName: 'Hello',
  versionId: 3,
  status: 4,
  createdAt: '2026-11-29T10:00:00.000Z',
  startedAt: '2026-11-29T10:00:01.000Z',
  endedAt: '2026-11-29T10:00:05.000Z',
  workerName: 'etl-01',
  machineName: 'etl-01.example',
  attempts: 2,
  retryCount: 1,
  priority: 5,
  loggingLevel: 3,
  timeoutMs: 60_000,
  targeting: { kind: 'tags', tags: ['etl'] },
  environmentName: null,
  createdBy: 'ops',
  lastError: 'boom',
};

const param = (over: Partial<ExecutionParameterRow>): ExecutionParameterRow => ({
  objectType: 30,
  name: 'P',
  dataType: 'String',
  sensitive: false,
  value: 'v',
  source: 'execution',
  ...over,
});

const parameters: ExecutionParameterRow[] = [
  param({ objectType: 20, name: 'Mode', value: 'full' }),
  param({ objectType: 30, name: 'Rows', dataType: 'Int32', value: 2000 }),
  param({ objectType: 30, name: 'Greeting', value: 'hi', source: 'default' }),
  param({ objectType: 20, name: 'Server', value: 'db1', source: 'server' }),
  param({ objectType: 50, name: 'LOGGING_LEVEL', dataType: 'Int32', value: 3, source: 'system' }),
];

describe('runAgainRequest', () => {
  it('repeats the values set at execution and the execution’s options, nothing resolved by the master', () => {
    expect(runAgainRequest(execution, parameters, {}, null)).toEqual({
      ok: true,
      input: {
        folderName: 'Samples',
        projectName: 'HelloScaleOut',
        packageName: 'Hello',
        parameters: { '$Project::Mode': 'full', '$Package::Rows': 2000 },
        retryCount: 1,
        priority: 5,
        loggingLevel: 3,
        timeoutMs: 60_000,
        targeting: { kind: 'tags', tags: ['etl'] },
      },
    });
  });

  it('asks for sensitive values again and uses what was typed, as its data type', () => {
    const withSecret = [
      ...parameters,
      param({ objectType: 20, name: 'Password', sensitive: true, value: null }),
      param({ objectType: 30, name: 'Pin', dataType: 'Int32', sensitive: true, value: null }),
    ];
    expect(sensitiveToReenter(withSecret).map((p) => p.name)).toEqual(['Password', 'Pin']);
    expect(runAgainRequest(execution, withSecret, { '$Project::Password': 's3cret' }, null)).toEqual({
      ok: false,
      errors: {
        '$Package::Pin': '$Package::Pin: enter the value again (it is sensitive, so it was not kept)',
      },
    });
    const ok = runAgainRequest(
      execution,
      withSecret,
      { '$Project::Password': 's3cret', '$Package::Pin': '42' },
      7,
    );
    expect(ok.ok && ok.input.parameters).toEqual({
      '$Project::Mode': 'full',
      '$Package::Rows': 2000,
      '$Project::Password': 's3cret',
      '$Package::Pin': 42,
    });
    expect(ok.ok && ok.input.referenceId).toBe(7);
  });
});

describe('parseTypedValue', () => {
  it('reads each data type and names the parameter when it cannot', () => {
    expect(parseTypedValue('$Package::B', 'Boolean', 'Yes')).toEqual({ value: true });
    expect(parseTypedValue('$Package::D', 'Double', '1.5')).toEqual({ value: 1.5 });
    expect(parseTypedValue('$Package::I', 'Int32', '3000000000')).toEqual({
      error: '$Package::I: out of range for Int32',
    });
    expect(parseTypedValue('$Package::I', 'Int64', '1.5')).toEqual({
      error: '$Package::I: expected a whole number (Int64)',
    });
    expect(parseTypedValue('$Package::S', 'String', ' keep spaces ')).toEqual({ value: ' keep spaces ' });
  });
});

describe('matchReference', () => {
  const refs = [
    { referenceId: 3, referenceType: 'A' as const, environmentFolderName: 'Shared', environmentName: 'Prod' },
    {
      referenceId: 4,
      referenceType: 'R' as const,
      environmentFolderName: 'Samples',
      environmentName: 'Prod',
    },
  ];
  it('finds the project’s reference to the same environment, its own folder first', () => {
    expect(matchReference({ ...execution, environmentName: null }, refs)).toEqual({ referenceId: null });
    expect(matchReference({ ...execution, environmentName: 'Prod' }, refs)).toEqual({ referenceId: 4 });
    expect(matchReference({ ...execution, environmentName: 'Prod' }, [refs[0]!])).toEqual({ referenceId: 3 });
    expect(matchReference({ ...execution, environmentName: 'Test' }, refs)).toEqual({
      error: 'Samples\\HelloScaleOut no longer references the environment Test',
    });
  });
});

describe('describeOptions', () => {
  it('names every option Run again repeats', () => {
    expect(describeOptions(execution)).toBe(
      'Retry count 1, priority 5, logging level Verbose, timeout 60 s, on workers tagged etl',
    );
    expect(
      describeOptions({ ...execution, timeoutMs: null, targeting: { kind: 'any' }, loggingLevel: 1 }),
    ).toBe('Retry count 1, priority 5, logging level Basic, no timeout, on any worker');
  });
});
