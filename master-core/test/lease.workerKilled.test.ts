import { describe, expect, it } from 'vitest';
import { waitForExecution } from '../../e2e/harness/client';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import type { ExecutionRow } from '../protocol/api';
import { useSampleFleet } from './sampleFleet';

/** A worker dies holding work: its lease runs out and the execution is retried on another worker. */
describe('a worker killed mid-execution', () => {
  const fleet = useSampleFleet(['one', 'two']);
  const { workers } = fleet;

  const waitFor = (executionId: number, predicate: (e: ExecutionRow) => boolean) =>
    waitForExecution(fleet.client, executionId, predicate);

  it('retries on the surviving worker and succeeds, saying the first attempt was lost', async () => {
    const { executionId } = await fleet.client.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
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

    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    expect(done.attempts).toBe(2);
    expect(done.workerName).not.toBe(victim);
    const { messages } = await fleet.client.call('execution.messages', { executionId });
    expect(messages.map((m) => m.message).join('\n')).toMatch(
      /Attempt 1 was lost: the worker stopped renewing its lease/,
    );
    expect(messages.filter((m) => m.message === 'lift-off')).toHaveLength(1);
  });

  it('ends unexpectedly (status 6) when no retry is left', async () => {
    const survivor = [...workers.entries()].find(
      ([, w]) => w.child.exitCode === null && w.child.signalCode === null,
    )!;
    const { executionId } = await fleet.client.call('execution.create', {
      folderName: 'Samples',
      projectName: 'HelloScaleOut',
      packageName: 'Countdown',
      parameters: { Seconds: 30 },
    });
    await waitFor(executionId, (e) => e.status === ExecutionStatus.running);
    await survivor[1].stop('SIGKILL');
    const done = await waitFor(executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.endedUnexpectedly);
    expect(done.lastError).toMatch(/stopped renewing its lease/);
  });
});
