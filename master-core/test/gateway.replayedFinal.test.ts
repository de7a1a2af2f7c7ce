import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient } from '../../e2e/harness/client';
import { ExecutionStatus } from '../protocol/codes';
import { echoProject } from './catalogApi.fixture';
import { agentHello } from './agentHello';
import { connectScriptedAgent as connect, finishedReport, takeTask } from './scriptedAgent';
import { agentTlsOptions, startTestMaster } from './masterFixture';

/**
 * An agent's final report sent again after a reconnect (its acknowledgement was lost with the
 * connection) is acknowledged again and changes nothing; it is not "fenced". Found by the chaos
 * soak (seeds 6 and 8): the master refused the replay as a late report of an ended lease.
 */

describe('a replayed final report', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  beforeAll(async () => {
    master = await startTestMaster();
  });
  afterAll(() => master?.cleanup());

  it('is acknowledged again, and the execution stays succeeded with one attempt', async () => {
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('folder.create', { name: 'F' });
    await client.call('project.deploy', { folderName: 'F', bundle: echoProject() });
    const tls = agentTlsOptions(master);

    const first = await connect(master.agentUrl, tls);
    first.send(
      agentHello(master.agentToken, { agentVersion: '99.0.0', workerId: 'w-replay', name: 'replay' }),
    );
    await first.next((f) => f.type === 'master.welcome');
    const { executionId } = await client.call('execution.create', {
      folderName: 'F',
      projectName: 'Echo',
      packageName: 'Say',
      parameters: { Target: 'x' },
    });
    const attemptId = await takeTask(first);
    const finished = finishedReport(attemptId);
    first.send({ type: 'task.started', attemptId, pid: 4242 });
    first.send(finished);
    await first.next((f) => f.type === 'task.ack' && f.attemptId === attemptId && f.finished === true);
    // The connection drops as if the acknowledgement had been lost; the agent sends the report again.
    await first.close();

    const second = await connect(master.agentUrl, tls);
    second.send(
      agentHello(master.agentToken, { agentVersion: '99.0.0', workerId: 'w-replay', name: 'replay' }),
    );
    await second.next((f) => f.type === 'master.welcome');
    second.send(finished);
    const answer = await second.next(
      (f) => (f.type === 'task.ack' || f.type === 'task.rejected') && f.attemptId === attemptId,
    );
    expect(answer).toMatchObject({ type: 'task.ack', finished: true });

    const { execution } = await client.call('execution.get', { executionId });
    expect(execution).toMatchObject({ status: ExecutionStatus.succeeded, attempts: 1 });
    const { attempts } = await client.call('execution.attempts', { executionId });
    expect(attempts.map((a) => a.outcome)).toEqual(['succeeded']);

    // A report with another outcome for that ended attempt is still refused: it is not this one.
    second.send({ ...finished, outcome: 'failed', exitCode: 1, error: 'late' });
    const refused = await second.next((f) => f.type === 'task.rejected' && f.attemptId === attemptId);
    expect(refused.reason).toMatch(/fenced/);
    expect((await client.call('execution.get', { executionId })).execution.status).toBe(
      ExecutionStatus.succeeded,
    );
    await second.close();
  });
});
