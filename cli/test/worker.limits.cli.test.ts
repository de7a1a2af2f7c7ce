import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { ExecutionStatus, terminalStatuses } from '../../master-core/protocol/codes';
import { ProjectBundle } from '../../master-core/protocol/packageFormat';
import { startTestMaster } from '../../master-core/test/masterFixture';
import { findPrlimit } from '../../worker-agent/executionLimits';

/**
 * Per-execution limits on a real worker (`scaleout worker --execution-max-*`): each package that
 * passes one fails saying so, a package within them succeeds, and the processes a package starts
 * run under the same limits.
 */
const node = process.execPath;
const run = (name: string, script: string) => ({
  name,
  tasks: [{ name: 'Run', type: 'executeProcess', executable: node, arguments: ['-e', script] }],
});
const project = ProjectBundle.parse({
  project: { name: 'Limits' },
  packages: [
    run('ShowLimits', `process.stdout.write(require('fs').readFileSync('/proc/self/limits', 'utf8'))`),
    run(
      'ManyFiles',
      `const fs = require('fs'); for (let i = 0; i < 200; i++) fs.openSync('/dev/null', 'r');`,
    ),
    run('FewFiles', `const fs = require('fs'); for (let i = 0; i < 10; i++) fs.openSync('/dev/null', 'r');`),
    run('BigFile', `require('fs').writeFileSync('big.bin', Buffer.alloc(3 * 1024 * 1024))`),
    run('Spin', `for (;;) {}`),
    {
      name: 'Hungry',
      tasks: [
        {
          name: 'Grow',
          type: 'script',
          code: 'const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random()));',
        },
      ],
    },
  ],
});

describe.skipIf(process.platform !== 'linux' || findPrlimit() === null)(
  'per-execution limits on a worker',
  () => {
    let master: Awaited<ReturnType<typeof startTestMaster>>;
    let client: ApiClient;
    let worker: Spawned;

    beforeAll(async () => {
      master = await startTestMaster();
      client = nodeClient(master.consoleUrl, master.consoleToken);
      await client.call('folder.create', { name: 'L' });
      await client.call('project.deploy', { folderName: 'L', bundle: project });
      worker = await startWorker(master, 'limited', [
        '--max-tasks',
        '2',
        '--execution-max-open-files',
        '64',
        '--execution-max-file-size',
        '1',
        '--execution-max-cpu-seconds',
        '3',
        '--execution-max-memory',
        '128',
      ]);
    });
    afterAll(async () => {
      await worker?.stop('SIGKILL');
      await master?.cleanup();
    });

    async function runPackage(packageName: string) {
      const { executionId } = await client.call('execution.create', {
        folderName: 'L',
        projectName: 'Limits',
        packageName,
      });
      const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
      const { messages } = await client.call('execution.messages', { executionId });
      return { done, text: messages.map((m) => m.message).join('\n') };
    }

    it('starts the processes a package runs under the limits', async () => {
      const { done, text } = await runPackage('ShowLimits');
      expect(done.status).toBe(ExecutionStatus.succeeded);
      expect(text).toMatch(/Max open files\s+64\s+64/);
      expect(text).toMatch(new RegExp(`Max file size\\s+${2 ** 20}\\s+${2 ** 20}`));
      expect(text).toMatch(/Max cpu time\s+3\s+5/);
    });

    it('lets a package within the limits succeed', async () => {
      expect((await runPackage('FewFiles')).done.status).toBe(ExecutionStatus.succeeded);
    });

    it('fails a package that opens more files than allowed, saying EMFILE', async () => {
      const { done, text } = await runPackage('ManyFiles');
      expect(done.status).toBe(ExecutionStatus.failed);
      expect(text).toMatch(/EMFILE/);
    });

    it('fails a package that writes a file past the size limit', async () => {
      const { done, text } = await runPackage('BigFile');
      expect(done.status).toBe(ExecutionStatus.failed);
      expect(text).toMatch(/EFBIG|SIGXFSZ/);
    });

    it('stops a process that spins past the CPU limit', async () => {
      const { done, text } = await runPackage('Spin');
      expect(done.status).toBe(ExecutionStatus.failed);
      expect(text).toMatch(/the process was ended by signal SIGXCPU/);
    });

    it("fails a Script task that grows past the host's heap limit, saying it ran out of memory", async () => {
      const { done, text } = await runPackage('Hungry');
      expect(done.status).toBe(ExecutionStatus.failed);
      expect(text).toMatch(
        /the script ran out of memory: it reached its heap limit \(the worker's limit: 128 MB\)/,
      );
    });
  },
);
