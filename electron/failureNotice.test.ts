import { describe, expect, it } from 'vitest';
import type { ExecutionRow } from '../master-core/protocol/api';
import { failureNotice } from './failureNotice';

function execution(overrides: Partial<ExecutionRow>): ExecutionRow {
  return {
    executionId: 12,
    folderName: 'Samples',
    projectName: 'HelloScaleOut',
    packageName: 'Hello',
    versionId: 1,
    loggingLevel: 1,
    timeoutMs: null,
    targeting: { kind: 'any' },
    environmentName: null,
    status: 2,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    endedAt: null,
    workerName: null,
    machineName: null,
    attempts: 1,
    retryCount: 0,
    priority: 0,
    createdBy: 'operator',
    lastError: null,
    ...overrides,
  };
}

describe('failureNotice', () => {
  it('announces Failed (4) with the package path, worker and error', () => {
    const notice = failureNotice({
      type: 'execution:changed',
      execution: execution({ status: 4, workerName: 'local', lastError: 'Script task: boom' }),
    });
    expect(notice).toEqual({
      executionId: 12,
      title: 'Execution 12: Failed',
      body: 'Samples/HelloScaleOut/Hello on local\nScript task: boom',
    });
  });

  it('announces Ended unexpectedly (6)', () => {
    const notice = failureNotice({ type: 'execution:changed', execution: execution({ status: 6 }) });
    expect(notice?.title).toBe('Execution 12: Ended unexpectedly');
    expect(notice?.body).toBe('Samples/HelloScaleOut/Hello');
  });

  it('stays quiet for every other status', () => {
    for (const status of [1, 2, 3, 5, 7, 8, 9]) {
      expect(failureNotice({ type: 'execution:changed', execution: execution({ status }) })).toBeNull();
    }
  });

  it('ignores other events', () => {
    expect(failureNotice({ type: 'catalog:changed' })).toBeNull();
    expect(failureNotice({ type: 'message:added', executionId: 12 })).toBeNull();
  });

  it('keeps a long error to one short line', () => {
    const notice = failureNotice({
      type: 'execution:changed',
      execution: execution({ status: 4, lastError: `line one\n${'x'.repeat(500)}` }),
    });
    const errorLine = notice?.body.split('\n')[1] ?? '';
    expect(errorLine.length).toBeLessThanOrEqual(200);
    expect(errorLine.startsWith('line one x')).toBe(true);
  });
});
