import { describe, expect, it } from 'vitest';
import { MessageType } from '../../master-core/protocol/codes';
import { constraint, runTestPackage } from './test/engineKit';

const node = '@[System::NodePath]';

describe('runPackage', () => {
  it('a script sets a variable that a process task after it reads', async () => {
    const run = await runTestPackage(
      {
        parameters: [{ name: 'N', dataType: 'Int32' }],
        variables: [{ name: 'Out', dataType: 'String' }],
        tasks: [
          {
            name: 'Set',
            type: 'script',
            code: "User.Out = 'n=' + $Package.N; await new Promise((r) => setTimeout(r, 5));",
          },
          {
            name: 'Echo',
            type: 'executeProcess',
            executable: node,
            arguments: ['-e', 'console.log(process.argv[1]); console.error("careful")', '@[User::Out]'],
          },
        ],
        precedenceConstraints: [constraint('Set', 'Echo')],
      },
      { parameterValues: { '$Package::N': 3 } },
    );
    expect(run).toMatchObject({ outcome: 'succeeded', error: null });
    expect(run.statistics).toEqual([
      { path: '\\Package\\Set', result: 0 },
      { path: '\\Package\\Echo', result: 0 },
      { path: '\\Package', result: 0 },
    ]);
    expect(run.lines).toContain(`\\Package\\Echo|${MessageType.information}|n=3`);
    expect(run.lines).toContain(`\\Package\\Echo|${MessageType.warning}|careful`);
  });

  it('fails on an unexpected exit code; the task after it on Success does not run', async () => {
    const run = await runTestPackage({
      tasks: [
        { name: 'Bad', type: 'executeProcess', executable: node, arguments: ['-e', 'process.exit(3)'] },
        { name: 'Never', type: 'executeProcess', executable: node, arguments: ['-e', ''] },
      ],
      precedenceConstraints: [constraint('Bad', 'Never')],
    });
    expect(run.outcome).toBe('failed');
    expect(run.error).toMatch(/^Bad: .*exit(ed with)? code 3/);
    expect(run.events.find((e) => e.messageType === MessageType.taskFailed)?.packagePath).toBe(
      '\\Package\\Bad',
    );
    expect(run.events.some((e) => e.sourceName === 'Never')).toBe(false);
  });

  it('reports a script error and a script past its timeout', async () => {
    const thrown = await runTestPackage({
      tasks: [{ name: 'S', type: 'script', code: "throw new Error('bad data')" }],
    });
    expect(thrown.error).toMatch(/^S: .*bad data/);
    const looping = await runTestPackage({
      tasks: [{ name: 'S', type: 'script', code: 'for (;;) {}', timeoutMs: 300 }],
    });
    expect(looping.error).toMatch(/timed out after 300 ?ms/);
  });

  it('stops a running task when cancelled', async () => {
    const controller = new AbortController();
    const pending = runTestPackage(
      {
        tasks: [
          {
            name: 'Wait',
            type: 'executeProcess',
            executable: node,
            arguments: ['-e', 'setTimeout(() => {}, 60000)'],
          },
        ],
      },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 200);
    const run = await pending;
    expect(run.outcome).toBe('failed');
    expect(run.error).toBe('the execution was stopped');
  });
});

describe('sensitive values', () => {
  it('are masked in every message and in the error', async () => {
    const run = await runTestPackage(
      {
        parameters: [{ name: 'Pw', dataType: 'String', sensitive: true }],
        tasks: [
          {
            name: 'Leak',
            type: 'script',
            code: "log.info('pw=' + $Package.Pw); throw new Error('bad ' + $Package.Pw)",
          },
        ],
      },
      { parameterValues: { '$Package::Pw': 's3cr3t-value' }, sensitiveReferences: ['$Package::Pw'] },
    );
    expect(run.lines.join('\n')).not.toContain('s3cr3t-value');
    expect(run.lines).toContain(`\\Package\\Leak|${MessageType.information}|pw=********`);
    expect(run.error).toMatch(/bad \*\*\*\*\*\*\*\*/);
  });
});
