// project.deployFiles through the real console API: a folder's files (or one bundle file) as the
// console reads them, every problem with file, line and column, validateOnly, the catalog left
// alone on problems, an unchanged redeploy, bad input, and the request size limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../protocol/apiClient';
import type { ApiInput } from '../protocol/api';
import { ExecutionStatus, terminalStatuses } from '../protocol/codes';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

const MiB = 1024 * 1024;

const projectYaml = `name: Orders
description: Loads orders
parameters:
  - { name: Region, dataType: String, defaultValue: EU }
`;
const loadYaml = `name: Load
tasks:
  - name: Say
    type: script
    file: scripts/say.js
`;
const files = (extra: Record<string, string> = {}) =>
  Object.entries({
    'project.yaml': projectYaml,
    'Load.package.yaml': loadYaml,
    'scripts/say.js': "log.info('region ' + $Project.Region);\n",
    'data/readme.txt': 'not part of the project\n',
    ...extra,
  }).map(([path, content]) => ({ path, content }));

describe('project.deployFiles', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  let worker: Spawned | undefined;
  const dirs: string[] = [];

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
  });
  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await master?.cleanup();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const versions = async (projectName: string) =>
    client.call('project.versions', { folderName: 'Files', projectName }).then(
      (r) => r.versions.length,
      () => 0,
    );
  const projectsIn = async (folderName: string) =>
    (await client.call('catalog.tree', {})).folders
      .find((f) => f.name === folderName)
      ?.projects.map((p) => p.name) ?? [];

  it('only checks with validateOnly: names the project and packages, deploys nothing', async () => {
    const result = await client.call('project.deployFiles', {
      folderName: 'Files',
      files: files(),
      validateOnly: true,
    });
    expect(result).toEqual({ problems: [], projectName: 'Orders', packageNames: ['Load'], deployed: null });
    expect(await projectsIn('Files')).toEqual([]);
  });

  it('deploys a folder that runs, then says an unchanged redeploy is unchanged', async () => {
    const first = await client.call('project.deployFiles', { folderName: 'Files', files: files() });
    expect(first).toMatchObject({
      problems: [],
      projectName: 'Orders',
      packageNames: ['Load'],
      deployed: { packageCount: 1, unchanged: false, versionId: expect.any(Number) },
    });
    expect(await projectsIn('Files')).toEqual(['Orders']);
    const again = await client.call('project.deployFiles', { folderName: 'Files', files: files() });
    expect(again.deployed).toEqual({ ...first.deployed, unchanged: true });
    expect(await versions('Orders')).toBe(1);

    // The same folder through the CLI's path (loadProjectDir, project.deploy) is the same content.
    const dir = mkdtempSync(join(tmpdir(), 'scaleout-files-'));
    dirs.push(dir);
    for (const { path, content } of files()) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const viaCli = await client.call('project.deploy', { folderName: 'Files', bundle: loadProjectDir(dir) });
    expect(viaCli).toEqual({ versionId: first.deployed!.versionId, packageCount: 1, unchanged: true });

    worker = await startWorker(master, 'files');
    const { executionId } = await client.call('execution.create', {
      folderName: 'Files',
      projectName: 'Orders',
      packageName: 'Load',
    });
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    const { messages } = await client.call('execution.messages', { executionId });
    expect(messages.map((m) => m.message)).toContain('region EU');

    const changed = await client.call('project.deployFiles', {
      folderName: 'Files',
      files: files({ 'scripts/say.js': "log.info('changed');\n" }),
    });
    expect(changed.deployed).toMatchObject({ unchanged: false });
    expect(changed.deployed!.versionId).toBeGreaterThan(first.deployed!.versionId);
  });

  it('returns every problem with file, line and column, and leaves the catalog as it was', async () => {
    const before = await versions('Orders');
    const result = await client.call('project.deployFiles', {
      folderName: 'Files',
      files: files({
        'project.yaml': `${projectYaml}  - { name: Region, dataType: Text }\n`,
        'Load.package.yaml':
          'name: Load\ntasks:\n  - name: Say\n    type: script\n    file: scripts/say.js\n   bad: [\n',
        'Other.package.yaml':
          'name: Other\ntasks:\n  - { name: T, type: script, file: scripts/missing.js }\n',
      }),
    });
    expect(result.deployed).toBeNull();
    expect(result.projectName).toBe('Orders');
    expect(result.problems).toEqual([
      {
        file: 'project.yaml',
        line: 5,
        column: 21,
        path: 'parameters.1.dataType',
        message: expect.stringMatching(/^Invalid option/),
      },
      {
        file: 'Load.package.yaml',
        line: 6,
        column: 1,
        path: '',
        message: 'Sequence item without - indicator (not valid YAML)',
      },
      {
        file: 'Load.package.yaml',
        line: 7,
        column: 1,
        path: '',
        message: expect.stringMatching(/^Flow sequence in block collection .* \(not valid YAML\)$/),
      },
      {
        file: 'Other.package.yaml',
        line: 3,
        column: 30,
        path: 'tasks.0.file',
        message: 'scripts/missing.js does not exist in the project folder',
      },
    ]);
    expect(await versions('Orders')).toBe(before);

    const validateOnly = await client.call('project.deployFiles', {
      folderName: 'Elsewhere',
      files: files({ 'Load.package.yaml': 'name: Load\ntasks: []\n' }),
      validateOnly: true,
    });
    expect(validateOnly.problems.map((p) => [p.file, p.line, p.column, p.path])).toEqual([
      ['Load.package.yaml', 2, 1, 'tasks'],
    ]);
    expect(await projectsIn('Elsewhere')).toEqual([]);
  });

  it('deploys one bundle file, the form project.deploy takes', async () => {
    const bundle = loadProjectDir('samples/HelloScaleOut');
    const result = await client.call('project.deployFiles', {
      folderName: 'Files',
      files: [{ path: 'HelloScaleOut.json', content: JSON.stringify(bundle, null, 2) }],
    });
    expect(result).toMatchObject({
      problems: [],
      projectName: 'HelloScaleOut',
      packageNames: ['Countdown', 'Flaky', 'Hello'],
      deployed: { packageCount: 3, unchanged: false },
    });
    const same = await client.call('project.deploy', { folderName: 'Files', bundle });
    expect(same).toMatchObject({ unchanged: true, versionId: result.deployed!.versionId });
  });

  it('refuses bad input, naming the field', async () => {
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [{ folderName: '', files: files() }, 'folderName', /folderName/],
      [{ folderName: 'Files', files: [] }, 'files', /files/],
      [{ folderName: 'Files' }, 'files', /files/],
      [{ folderName: 'Files', files: [{ path: '', content: '' }] }, 'files.0.path', /files\.0\.path/],
      [{ folderName: 'Files', files: [{ path: 'a.json' }] }, 'files.0.content', /files\.0\.content/],
      [{ folderName: 'Files', files: files(), validateOnly: 'yes' }, 'validateOnly', /validateOnly/],
      [{ folderName: 'Files', files: files(), extra: 1 }, '', /extra/],
      [
        { folderName: 'Files', files: [...files(), { path: '../escape.js', content: '' }] },
        'files.4.path',
        /files\.4\.path "\.\.\/escape\.js" must stay inside the chosen folder/,
      ],
      [
        { folderName: 'Files', files: [...files(), { path: '/etc/passwd', content: '' }] },
        'files.4.path',
        /files\.4\.path "\/etc\/passwd" must be relative to the chosen folder/,
      ],
      [
        { folderName: 'Files', files: [...files(), files()[0]!] },
        'files.4.path',
        /files\.4\.path "project\.yaml" repeats files\.0\.path/,
      ],
    ];
    for (const [input, field, message] of bad) {
      const error = await client.call('project.deployFiles', input as ApiInput<'project.deployFiles'>).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(input).slice(0, 200)).toMatchObject({
        code: 'VALIDATION_FAILED',
        message,
      });
      if (field) expect(error).toMatchObject({ field });
    }
  });

  it('takes a 32 MiB project, and refuses more than 64 MiB with PAYLOAD_TOO_LARGE', async () => {
    const data = (n: number, size: number) =>
      Array.from({ length: n }, (_, i) => ({ path: `data/part${i}.csv`, content: 'x'.repeat(size) }));
    const big = await client.call('project.deployFiles', {
      folderName: 'Files',
      files: [...files(), ...data(32, MiB)],
      validateOnly: true,
    });
    expect(big).toMatchObject({ problems: [], projectName: 'Orders' });

    await expect(
      client.call('project.deployFiles', { folderName: 'Files', files: [...files(), ...data(5, 14 * MiB)] }),
    ).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(
        /^the request to project\.deployFiles is too large: the master takes at most 64 MiB; this one is 70\.\d MiB$/,
      ),
    });
    // Without a length up front (chunked), the master stops reading at the limit.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/api/project.deployFiles', master.consoleUrl);
      const req = request(
        url,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${master.consoleToken}`, 'content-type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(MiB, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 70 && !req.destroyed) {
          sent += 1;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({
      ok: false,
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: expect.stringMatching(/at most 64 MiB; this one is more than that/),
      },
    });
    // Other methods keep the smaller limit, and say which ones take more.
    await expect(
      client.call('folder.create', { name: 'Big', description: 'x'.repeat(17 * MiB) }),
    ).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(
        /at most 16 MiB \(project\.deploy and project\.deployFiles take 64 MiB\)/,
      ),
    });
    expect((await client.call('catalog.tree', {})).folders.map((f) => f.name)).not.toContain('Big');
  });
});
