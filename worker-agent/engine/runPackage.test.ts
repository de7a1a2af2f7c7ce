import { describe, expect, it } from 'vitest';
import { MessageType } from '../../master-core/protocol/codes';
import { PackageDef } from '../../master-core/protocol/packageFormat';
import type { TaskAssignment } from '../../master-core/protocol/wire';
import type { EngineEvent } from './events';
import { runPackage } from './runPackage';

function assignment(tasks: unknown[], extra: Partial<TaskAssignment> = {}): TaskAssignment {
  return {
    attemptId: 'a',
    executionId: 7,
    attemptNumber: 1,
    folderName: 'F',
    projectName: 'P',
    packageName: 'Pkg',
    package: PackageDef.parse({ name: 'Pkg', variables: [{ name: 'Out', dataType: 'String' }], tasks }),
    parameterValues: { '$Package::N': 3 },
    loggingLevel: 1,
    timeoutMs: null,
    sensitiveReferences: [] as string[],
    ...extra,
  };
}

async function run(a: TaskAssignment, signal = new AbortController().signal) {
  const events: EngineEvent[] = [];
  const result = await runPackage(a, 'host', (e) => events.push(e), signal);
  return { result, events, text: events.map((e) => `${e.sourceName}|${e.messageType}|${e.message}`) };
}

const node = '@[System::NodePath]';

describe('runPackage', () => {
  it('runs tasks in order; a script sets a variable a process task reads', async () => {
    const { result, text } = await run(
      assignment([
        {
          name: 'Set',
          type: 'script',
          code: "User.Out = 'n=' + $Package.N; await new Promise((r) => setTimeout(r, 5));",
        },
        {
          name: 'Echo',
          type: 'process',
          command: node,
          args: ['-e', 'console.log(process.argv[1]); console.error("careful")', '@[User::Out]'],
        },
      ]),
    );
    expect(result).toMatchObject({ outcome: 'succeeded', error: null });
    expect(result.statistics.map((st) => [st.executionPath, st.result])).toEqual([
      ['\\Package\\Set', 0],
      ['\\Package\\Echo', 0],
    ]);
    expect(result.statistics.every((st) => st.endMs >= st.startMs)).toBe(true);
    expect(text).toContain(`Echo|${MessageType.information}|n=3`);
    expect(text).toContain(`Echo|${MessageType.warning}|careful`);
    const setDone = text.findIndex((t) => t.startsWith(`Set|${MessageType.postExecute}|Set: finished in`));
    expect(setDone).toBeGreaterThan(-1);
    expect(setDone).toBeLessThan(text.findIndex((t) => t.startsWith('Echo|')));
  });

  it('fails on an unexpected exit code and stops before later tasks', async () => {
    const { result, events } = await run(
      assignment([
        { name: 'Bad', type: 'process', command: node, args: ['-e', 'process.exit(3)'] },
        { name: 'Never', type: 'script', code: "log.info('should not run')" },
      ]),
    );
    expect(result).toMatchObject({
      outcome: 'failed',
      error: 'task Bad failed: process exited with code 3; the task expects 0',
    });
    expect(result.statistics.map((st) => [st.taskName, st.result])).toEqual([['Bad', 1]]);
    expect(events.find((e) => e.messageType === MessageType.taskFailed)?.packagePath).toBe('\\Package\\Bad');
    expect(events.some((e) => e.messageType === MessageType.taskFailed && e.sourceName === 'Bad')).toBe(true);
    expect(events.some((e) => e.sourceName === 'Never')).toBe(false);
  });

  it('names a program that cannot start', async () => {
    const { result } = await run(
      assignment([{ name: 'Missing', type: 'process', command: '/no/such/program' }]),
    );
    expect(result.error).toMatch(/cannot start \/no\/such\/program: spawn \/no\/such\/program ENOENT/);
  });

  it('stops a process task at its timeout', async () => {
    const { result } = await run(
      assignment([
        {
          name: 'Slow',
          type: 'process',
          command: node,
          args: ['-e', 'setTimeout(() => {}, 60000)'],
          timeoutMs: 300,
        },
      ]),
    );
    expect(result.error).toMatch(/process timed out after 300 ms/);
  });

  it('reports a script error, a synchronous infinite loop past its timeout, and an async one', async () => {
    expect(
      (await run(assignment([{ name: 'S', type: 'script', code: "throw new Error('bad data')" }]))).result
        .error,
    ).toBe('task S failed: bad data');
    expect(
      (await run(assignment([{ name: 'S', type: 'script', code: 'for (;;) {}', timeoutMs: 200 }]))).result
        .error,
    ).toMatch(/Script execution timed out after 200ms/);
    expect(
      (
        await run(
          assignment([{ name: 'S', type: 'script', code: 'await new Promise(() => {})', timeoutMs: 200 }]),
        )
      ).result.error,
    ).toMatch(/script timed out after 200 ms/);
  });

  it('logs nothing but errors at logging level None', async () => {
    const { events } = await run(
      assignment([{ name: 'S', type: 'script', code: "log.info('hi'); throw new Error('x')" }], {
        loggingLevel: 0,
      }),
    );
    expect(events.map((e) => e.messageType).sort()).toEqual([MessageType.error, MessageType.taskFailed]);
  });

  it('stops a running task when cancelled', async () => {
    const controller = new AbortController();
    const pending = run(
      assignment([
        { name: 'Wait', type: 'process', command: node, args: ['-e', 'setTimeout(() => {}, 60000)'] },
      ]),
      controller.signal,
    );
    setTimeout(() => controller.abort(), 200);
    const { result } = await pending;
    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/signal SIGTERM/);
  });
});

describe('sensitive values', () => {
  it('are masked in every message and in the error', async () => {
    const { result, text } = await run(
      assignment(
        [
          {
            name: 'Leak',
            type: 'script',
            code: "log.info('pw=' + $Package.Pw); throw new Error('bad ' + $Package.Pw)",
          },
        ],
        {
          parameterValues: { '$Package::Pw': 's3cr3t-value' },
          sensitiveReferences: ['$Package::Pw'],
        },
      ),
    );
    expect(text.join('\n')).not.toContain('s3cr3t-value');
    expect(text).toContain(`Leak|${MessageType.information}|pw=********`);
    expect(result.error).toBe('task Leak failed: bad ********');
  });
});
