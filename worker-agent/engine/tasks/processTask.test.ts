import { describe, expect, it } from 'vitest';
import type { ProcessTask } from '../../../master-core/protocol/packageFormat';
import type { TaskAssignment } from '../../../master-core/protocol/wire';
import { createContext } from '../context';
import type { EmitEvent } from '../events';
import { runProcessTask } from './processTask';

const assignment = {
  attemptId: 'a',
  executionId: 1,
  attemptNumber: 1,
  folderName: 'F',
  projectName: 'P',
  packageName: 'Pkg',
  package: { name: 'Pkg', description: '', parameters: [], variables: [], tasks: [] },
  parameterValues: {},
  sensitiveReferences: [],
  loggingLevel: 1,
  timeoutMs: null,
} satisfies TaskAssignment;

async function runShell(command: string) {
  const task: ProcessTask = {
    name: 'Shell',
    type: 'process',
    description: '',
    command: 'sh',
    args: ['-c', command],
    successExitCode: 0,
  };
  const messages: string[] = [];
  const emit: EmitEvent = (event) => messages.push(event.message);
  await runProcessTask(task, createContext(assignment, 'm', new AbortController().signal), emit);
  return messages;
}

describe.runIf(process.platform !== 'win32')('runProcessTask', () => {
  it('does not wait for a background process that keeps the output pipes open', async () => {
    const started = Date.now();
    const messages = await runShell('sleep 30 & echo "background $!"');
    expect(Date.now() - started).toBeLessThan(5_000);
    const pid = Number(messages.find((m) => m.startsWith('background '))?.split(' ')[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
  });

  it('gives the program the environment of its host, without ELECTRON_RUN_AS_NODE', async () => {
    const saved = process.env.ELECTRON_RUN_AS_NODE;
    process.env.ELECTRON_RUN_AS_NODE = '1';
    try {
      const names = (await runShell('env')).map((m) => m.split('=')[0]);
      expect(names).toContain('PATH');
      expect(names).not.toContain('ELECTRON_RUN_AS_NODE');
    } finally {
      if (saved === undefined) delete process.env.ELECTRON_RUN_AS_NODE;
      else process.env.ELECTRON_RUN_AS_NODE = saved;
    }
  });
});
