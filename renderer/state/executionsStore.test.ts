import { describe, expect, it } from 'vitest';
import type { ExecutionRow } from '../../master-core/protocol/api';
import { isStoppable, patchPage, selectedOnPage, stoppableSelection, stopSummary } from './executionsStore';

function row(executionId: number, status = 5): ExecutionRow {
  return {
    executionId,
    folderName: 'F',
    projectName: 'P',
    packageName: 'Pkg',
    versionId: 1,
    loggingLevel: 1,
    timeoutMs: null,
    targeting: { kind: 'any' },
    environmentName: null,
    status,
    createdAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    endedAt: null,
    workerName: null,
    machineName: null,
    attempts: 0,
    retryCount: 0,
    priority: 0,
    createdBy: 'me',
    lastError: null,
  };
}

describe('patchPage', () => {
  it('replaces a row of the page in place and leaves the page alone for others', () => {
    const page = [row(9, 2), row(4, 5), row(3, 7)];
    const patched = patchPage(page, row(4, 2));
    expect(patched.map((r) => [r.executionId, r.status])).toEqual([
      [9, 2],
      [4, 2],
      [3, 7],
    ]);
    expect(page[1]!.status).toBe(5);
    expect(patchPage(page, row(12, 5))).toBe(page);
  });
});

describe('stoppableSelection and stopSummary', () => {
  it('stops only the selected Pending and Running ones', () => {
    const page = [row(5, 2), row(4, 5), row(3, 7), row(2, 4), row(1, 2)];
    expect(stoppableSelection(page, new Set([5, 4, 3, 2]))).toEqual([5, 4]);
    expect(isStoppable(row(1, 8))).toBe(false);
  });

  it('says how many stopped and how many could not', () => {
    expect(stopSummary(1, [])).toBe('1 execution stopped.');
    expect(stopSummary(2, [{ executionId: 3, message: 'x' }])).toBe(
      '2 executions stopped; 1 could not be stopped.',
    );
  });
});

describe('selectedOnPage', () => {
  it('reads include and exclude (select all) models against the shown rows', () => {
    const page = [row(3), row(2), row(1)];
    expect([...selectedOnPage({ type: 'include', ids: new Set([2, 99]) }, page)]).toEqual([2]);
    expect([...selectedOnPage({ type: 'exclude', ids: new Set([2]) }, page)]).toEqual([3, 1]);
  });
});
