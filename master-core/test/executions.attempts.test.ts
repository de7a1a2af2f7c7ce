// execution.attempts with real workers: a failed attempt then a retry that succeeds, a stop, an
// attempt lost with its worker and retried elsewhere, and a lost last attempt.
import { describe, expect, it } from 'vitest';
import type { ExecutionRow } from '../protocol/api';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import { attemptOutcome } from '../catalog/executionQueriesRepo';
import { waitForExecution } from '../../e2e/harness/client';
import { useSampleFleet } from './sampleFleet';

const hello = { folderName: 'Samples', projectName: 'HelloScaleOut' };

describe('execution.attempts', () => {
  const fleet = useSampleFleet(['one', 'two']);
  const { workers } = fleet;

  const waitFor = (executionId: number, predicate: (e: ExecutionRow) => boolean) =>
    waitForExecution(fleet.client, executionId, predicate);
  const attemptsOf = async (executionId: number) =>
    (await fleet.client.call('execution.attempts', { executionId })).attempts;

  it('lists nothing for a queued execution, and refuses an unknown or invalid id naming the field', async () => {
    const { executionId } = await fleet.client.call('execution.create', {
      ...hello,
      packageName: 'Hello',
      targeting: { kind: 'workers', names: ['nobody'] },
    });
    expect(await attemptsOf(executionId)).toEqual([]);
    await fleet.client.call('execution.stop', { executionId });
    await expect(fleet.client.call('execution.attempts', { executionId: 999_999 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      field: 'executionId',
      message: 'execution 999999 does not exist',
    });
    for (const executionId of [0, -1, 1.5, '7']) {
      await expect(
        fleet.client.call('execution.attempts', { executionId } as unknown as { executionId: number }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'executionId' });
    }
  });

  it('shows a failed attempt and the retry that succeeded, oldest first, with worker, machine and exit code', async () => {
    const { executionId } = await fleet.client.call('execution.create', {
      ...hello,
      packageName: 'Flaky',
      retryCount: 1,
    });
    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    const attempts = await attemptsOf(executionId);
    expect(attempts.map((a) => [a.attemptNumber, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'succeeded'],
    ]);
    const { workers: rows } = await fleet.client.call('worker.list', {});
    for (const attempt of attempts) {
      const worker = rows.find((w) => w.workerId === attempt.workerId)!;
      expect(attempt).toMatchObject({ workerName: worker.name, machineName: worker.machineName });
      expect(Date.parse(attempt.endedAt!)).toBeGreaterThanOrEqual(Date.parse(attempt.startedAt));
    }
    expect(attempts[0]!.error).toMatch(/\S/);
    expect(attempts[1]).toMatchObject({ error: null, exitCode: 0 });
    expect(Date.parse(attempts[1]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(attempts[0]!.endedAt!));
  });

  it('shows a running attempt, then canceled once an operator stops the execution', async () => {
    const { executionId } = await fleet.client.call('execution.create', {
      ...hello,
      packageName: 'Countdown',
      parameters: { Seconds: 30 },
      retryCount: 2,
    });
    await waitFor(executionId, (e) => e.status === ExecutionStatus.running);
    expect((await attemptsOf(executionId)).map((a) => [a.outcome, a.endedAt])).toEqual([['running', null]]);
    await fleet.client.call('execution.stop', { executionId });
    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.canceled);
    expect((await attemptsOf(executionId)).map((a) => a.outcome)).toEqual(['canceled']);
  });

  it('shows an attempt lost with its worker, then the retry on another worker', async () => {
    const { executionId } = await fleet.client.call('execution.create', {
      ...hello,
      packageName: 'Countdown',
      parameters: { Seconds: 3 },
      retryCount: 1,
    });
    const running = await waitFor(
      executionId,
      (e) => e.status === ExecutionStatus.running && e.workerName !== null,
    );
    const victim = running.workerName!;
    await workers.get(victim)!.stop('SIGKILL');
    workers.delete(victim);
    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    const attempts = await attemptsOf(executionId);
    expect(attempts.map((a) => [a.outcome, a.workerName])).toEqual([
      ['lost', victim],
      ['succeeded', done.workerName],
    ]);
    expect(attempts[0]!.error).toMatch(/stopped renewing its lease/);
  });

  it('shows a lost last attempt when the execution ended unexpectedly', async () => {
    const [name, survivor] = [...workers.entries()][0]!;
    const { executionId } = await fleet.client.call('execution.create', {
      ...hello,
      packageName: 'Countdown',
      parameters: { Seconds: 30 },
    });
    await waitFor(executionId, (e) => e.status === ExecutionStatus.running);
    await survivor.stop('SIGKILL');
    workers.delete(name);
    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.endedUnexpectedly);
    expect((await attemptsOf(executionId)).map((a) => [a.outcome, a.workerName])).toEqual([['lost', name]]);
  });

  it('keeps a failed attempt failed when the execution was stopped later, while queued for its retry', () => {
    // The stop canceled the queued execution in its own transaction: the end times differ.
    const execution = {
      status: ExecutionStatus.canceled,
      endTime: '2026-03-01T10:00:05.000Z',
      lastAttempt: 1,
      retriedLost: new Set<number>(),
    };
    expect(
      attemptOutcome({ attempt_number: 1, status: 4, end_time: '2026-03-01T10:00:01.000Z' }, execution),
    ).toBe('failed');
    expect(attemptOutcome({ attempt_number: 1, status: 4, end_time: execution.endTime }, execution)).toBe(
      'canceled',
    );
    expect(attemptOutcome({ attempt_number: 1, status: 6, end_time: null }, execution)).toBe('canceled');
  });
});
