// Hostile input through the real console API and the project loader: paths that climb out, are
// absolute, hold NUL bytes or lead through symbolic links; names holding SQL or HTML; oversized
// requests; JSON nested 10,000 deep. Each is refused with a clear error, or stored and returned
// as the very text it was (never run as SQL, never turned into markup), and the catalog is left
// as it was by every refusal.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { PROTOCOL_VERSION } from '../protocol/wire';
import type { ApiInput, ApiMethodName, ApiOutput } from '../protocol/api';
import { echoProject } from './catalogApi.fixture';
import { agentTlsOptions, startTestMaster } from './masterFixture';
import WebSocket from 'ws';

const SQL = "'; DROP TABLE folders; --";
const HTML = '<img src=x onerror=alert(1)>';
const DEEP = 10_000;
const deepArray = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepObject = `${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}`;

type Reply = {
  status: number;
  json: { ok: boolean; value?: unknown; error?: { code: string; message: string; field?: string } };
};

function post(
  url: string,
  token: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Reply['json'],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostile input at the console API', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  const raw = (method: string, body: string | Buffer, headers?: Record<string, string>) =>
    post(`${master.consoleUrl}/api/${method}`, master.consoleToken, body, headers);
  async function call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    const reply = await raw(method, JSON.stringify(input));
    if (!reply.json.ok) throw new Error(`${method}: ${JSON.stringify(reply.json.error)}`);
    return reply.json.value as ApiOutput<M>;
  }
  const tree = () => call('catalog.tree', {});
  const refused = (reply: Reply, code = 'VALIDATION_FAILED') => {
    expect(reply.status, JSON.stringify(reply.json)).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
    expect(reply.json.ok).toBe(false);
    expect(reply.json.error?.code).toBe(code);
  };

  beforeAll(async () => {
    master = await startTestMaster();
    await call('folder.create', { name: 'Ops', description: '' });
    await call('project.deploy', { folderName: 'Ops', bundle: echoProject() });
  });
  afterAll(() => master?.cleanup());

  describe('project.deployFiles paths', () => {
    const project = { path: 'project.json', content: JSON.stringify({ name: 'Climb' }) };
    const pkg = (file: string) => ({
      path: 'Load.package.json',
      content: JSON.stringify({ name: 'Load', tasks: [{ name: 'S', type: 'script', file }] }),
    });

    it.each([
      ['../escape.package.json', 'no ..'],
      ['a/../../escape.package.json', 'no ..'],
      ['/etc/passwd', 'not absolute'],
      ['C:/Windows/win.ini', 'not absolute'],
      ['scripts\\x.js', 'not \\'],
      ['a\0b.package.json', 'NUL'],
      ['./project.json', 'no empty or . parts'],
      ['a//b.js', 'no empty or . parts'],
    ])('refuses the file path %j naming it, and deploys nothing', async (path, problem) => {
      const before = await tree();
      const reply = await raw(
        'project.deployFiles',
        JSON.stringify({ folderName: 'Ops', files: [project, pkg('s.js'), { path, content: 'x' }] }),
      );
      refused(reply);
      expect(reply.json.error?.field).toBe('files.2.path');
      expect(reply.json.error?.message).toContain(JSON.stringify(path));
      expect(reply.json.error?.message).toContain(problem.replace('NUL', 'NUL character'));
      expect(await tree()).toEqual(before);
    });

    it.each([
      ['../../../etc/passwd.js', 'must stay inside the project folder'],
      ['/etc/passwd.js', 'not absolute'],
      ['C:\\x.js', 'not \\'],
      ['s\0.js', 'must name a .js file'],
      ['/etc/passwd', 'not absolute'],
    ])(
      'a script task whose file is %j is a problem of that file, nothing deployed',
      async (file, message) => {
        const before = await tree();
        const result = await call('project.deployFiles', {
          folderName: 'Ops',
          files: [project, pkg(file), { path: 's.js', content: 'log.info(1)' }],
        });
        expect(result.deployed).toBeNull();
        expect(result.problems).toContainEqual(
          expect.objectContaining({
            file: 'Load.package.json',
            path: 'tasks.0.file',
            message: expect.stringContaining(message),
          }),
        );
        expect(await tree()).toEqual(before);
      },
    );

    it('a project file nested 10,000 deep is a problem of that file, not a crash', async () => {
      for (const content of [deepArray, deepObject, `${'- '.repeat(2000)}x\n`, `${'['.repeat(DEEP)}`]) {
        const reply = await raw(
          'project.deployFiles',
          JSON.stringify({ folderName: 'Ops', files: [{ path: 'project.json', content }, pkg('s.js')] }),
        );
        expect(reply.status, JSON.stringify(reply.json).slice(0, 300)).toBeLessThan(500);
        if (reply.json.ok) {
          const value = reply.json.value as ApiOutput<'project.deployFiles'>;
          expect(value.deployed).toBeNull();
          expect(value.problems.length).toBeGreaterThan(0);
        } else expect(reply.json.error?.code).toBe('VALIDATION_FAILED');
      }
      const yaml = await raw(
        'project.deployFiles',
        JSON.stringify({
          folderName: 'Ops',
          files: [{ path: 'project.yaml', content: `name: Y\nx: ${deepArray}\n` }, pkg('s.js')],
        }),
      );
      expect(yaml.status, JSON.stringify(yaml.json).slice(0, 300)).toBeLessThan(500);
    });
  });

  describe('JSON nested 10,000 deep in a request', () => {
    it.each([
      ['folder.create', `{"name":"Deep","description":${deepArray}}`],
      [
        'execution.create',
        `{"folderName":"Ops","projectName":"Echo","packageName":"Say","parameters":{"Target":${deepObject}}}`,
      ],
      ['catalog.tree', deepArray],
      ['catalog.tree', deepObject],
    ])('%s is refused with a 400 naming the problem', async (method, body) => {
      const before = await tree();
      const reply = await raw(method, body);
      expect(reply.status, JSON.stringify(reply.json).slice(0, 300)).toBe(400);
      expect(['VALIDATION_FAILED', 'BAD_REQUEST']).toContain(reply.json.error?.code);
      expect(await tree()).toEqual(before);
    });

    it('a variable value nested 10,000 deep in a bundle is refused, not a 500, and nothing is deployed', async () => {
      const bundle = JSON.stringify(echoProject()).replace(
        '"variables":[]',
        `"variables":[{"name":"Deep","dataType":"Object","value":${deepArray}}]`,
      );
      const before = await tree();
      const reply = await raw('project.deploy', `{"folderName":"Ops","bundle":${bundle}}`);
      expect(reply.status, JSON.stringify(reply.json).slice(0, 300)).toBe(400);
      expect(reply.json.error?.code).toBe('VALIDATION_FAILED');
      expect(reply.json.error?.message).toMatch(/nested/);
      expect(await tree()).toEqual(before);
    });

    it('nesting a project legitimately needs still deploys (containers and Object values 30 deep)', async () => {
      let value: unknown = 'leaf';
      for (let i = 0; i < 30; i += 1) value = { level: i, inner: [value] };
      const bundle = echoProject();
      bundle.packages[0]!.variables.push({
        name: 'Nested',
        dataType: 'Object',
        value,
        readOnly: false,
        raiseChangedEvent: false,
        description: '',
      });
      const result = await call('project.deploy', { folderName: 'Ops', bundle });
      expect(result.packageCount).toBe(1);
    });
  });

  describe('names and text holding SQL or HTML', () => {
    it('refuses SQL and HTML in object names, naming the field', async () => {
      for (const name of [SQL, HTML, 'a\0b']) {
        const before = await tree();
        const reply = await raw('folder.create', JSON.stringify({ name, description: '' }));
        refused(reply);
        expect(reply.json.error?.field).toBe('name');
        expect(await tree()).toEqual(before);
      }
    });

    it('stores SQL, HTML and NUL in free text and returns the very same text', async () => {
      const description = `${SQL} ${HTML} \0 end`;
      await call('folder.create', { name: 'Texts', description });
      const folder = (await tree()).folders.find((f) => f.name === 'Texts');
      expect(folder?.description).toBe(description);
      await call('environment.create', { folderName: 'Texts', environmentName: 'Env', description: HTML });
      await call('environment.setVariable', {
        folderName: 'Texts',
        environmentName: 'Env',
        name: 'V',
        dataType: 'String',
        value: SQL,
        description: HTML,
      });
      const environments = await call('environment.list', { folderName: 'Texts' });
      expect(JSON.stringify(environments)).toContain(JSON.stringify(SQL).slice(1, -1));
      expect(JSON.stringify(environments)).toContain(JSON.stringify(HTML).slice(1, -1));
      // The catalog's tables are all still there: the folder list reads as before.
      expect((await tree()).folders.map((f) => f.name)).toEqual(expect.arrayContaining(['Ops', 'Texts']));
    });

    it('a worker named with SQL and HTML is stored and listed as that text', async () => {
      const ws = new WebSocket(master.agentUrl, agentTlsOptions(master));
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () =>
          ws.send(
            JSON.stringify({
              type: 'worker.hello',
              protocolVersion: PROTOCOL_VERSION,
              agentVersion: HTML,
              workerId: 'w-hostile',
              name: `${SQL}${HTML}`,
              token: master.agentToken,
              tags: [SQL, HTML],
              maxTasks: 1,
              machine: {
                hostname: HTML,
                platform: 'linux',
                arch: 'x64',
                cpuCount: 1,
                totalMemoryBytes: 1,
                nodeVersion: '20',
                userAccount: SQL,
              },
            }),
          ),
        );
        ws.on('message', () => resolve());
        ws.on('error', reject);
      });
      ws.close();
      const worker = (await call('worker.list', {})).workers.find((w) => w.workerId === 'w-hostile');
      expect(worker).toMatchObject({ name: `${SQL}${HTML}`, tags: [SQL, HTML], machineName: HTML });
      const updated = await call('worker.update', {
        name: `${SQL}${HTML}`,
        newName: HTML,
        description: SQL,
        tags: [HTML],
      });
      expect(updated.worker).toMatchObject({ name: HTML, description: SQL, tags: [HTML] });
    });

    it('parameter values and searches holding SQL are data, not SQL', async () => {
      const { executionId } = await call('execution.create', {
        folderName: 'Ops',
        projectName: 'Echo',
        packageName: 'Say',
        parameters: { Target: SQL, Env: HTML },
      });
      const parameters = (await call('execution.parameters', { executionId })).parameters;
      expect(parameters).toContainEqual(expect.objectContaining({ name: 'Target', value: SQL }));
      expect(parameters).toContainEqual(expect.objectContaining({ name: 'Env', value: HTML }));
      for (const search of ["%' OR 1=1 --", "' OR '1'='1", '%', '_', SQL]) {
        const page = await call('execution.list', { search });
        expect(page.total, search).toBe(0);
      }
      expect((await call('execution.list', { packageName: "Say' OR 1=1 --" })).total).toBe(0);
      expect((await call('execution.list', {})).total).toBe(1);
    });
  });

  describe('oversized requests', () => {
    it('refuses a body past the limit (declared or streamed) with PAYLOAD_TOO_LARGE and stays up', async () => {
      const big = Buffer.alloc(17 * 1024 * 1024, 0x20);
      refused(await raw('catalog.tree', big), 'PAYLOAD_TOO_LARGE');
      // Streamed without a length: the limit holds all the same.
      const chunked = await new Promise<Reply>((resolve, reject) => {
        const req = request(
          `${master.consoleUrl}/api/folder.create`,
          {
            method: 'POST',
            headers: { authorization: `Bearer ${master.consoleToken}`, 'transfer-encoding': 'chunked' },
          },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Reply['json'] }),
            );
          },
        );
        req.on('error', reject);
        const piece = Buffer.alloc(1024 * 1024, 0x20);
        for (let i = 0; i < 17; i += 1) req.write(piece);
        req.end();
      });
      refused(chunked, 'PAYLOAD_TOO_LARGE');
      expect((await call('master.info', {})).protocolVersion).toBe(PROTOCOL_VERSION);
    });

    it('refuses strings past their schema limits naming the field', async () => {
      const reply = await raw(
        'folder.create',
        JSON.stringify({ name: 'Long', description: 'x'.repeat(5000) }),
      );
      refused(reply);
      expect(reply.json.error?.field).toBe('description');
      const name = await raw('folder.create', JSON.stringify({ name: 'N'.repeat(129) }));
      expect(name.json.error?.field).toBe('name');
    });
  });
});

describe('loadProjectDir and symbolic links', () => {
  const dirs: string[] = [];
  const mk = () => {
    const dir = mkdtempSync(join(tmpdir(), 'scaleout-hostile-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const secretText = 'TOP-SECRET-OUTSIDE-THE-PROJECT';

  /** A project folder and, beside it, a folder outside the project with a "secret" in it. */
  function layout() {
    const root = mk();
    const project = join(root, 'project');
    const outside = join(root, 'outside');
    mkdirSync(project);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.js'), `log.info('${secretText}');\n`);
    writeFileSync(
      join(outside, 'Evil.package.json'),
      JSON.stringify({
        name: 'Evil',
        tasks: [{ name: 'S', type: 'script', code: `log.info('${secretText}')` }],
      }),
    );
    writeFileSync(join(outside, 'project.json'), JSON.stringify({ name: 'Stolen', description: secretText }));
    return { project, outside };
  }
  const load = (dir: string) => {
    try {
      return { bundle: loadProjectDir(dir), error: '' };
    } catch (error) {
      return { bundle: null, error: (error as Error).message };
    }
  };
  const packageUsing = (file: string) =>
    JSON.stringify({ name: 'Load', tasks: [{ name: 'S', type: 'script', file }] });

  it('refuses a script file that is a link leading out of the folder', () => {
    const { project, outside } = layout();
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: 'P' }));
    writeFileSync(join(project, 'Load.package.json'), packageUsing('evil.js'));
    symlinkSync(join(outside, 'secret.js'), join(project, 'evil.js'));
    const result = load(project);
    expect(result.bundle).toBeNull();
    expect(result.error).toMatch(/evil\.js leads out of the project folder/);
    expect(result.error).not.toContain(secretText);
  });

  it('refuses a script reached through a linked folder that leads out', () => {
    const { project, outside } = layout();
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: 'P' }));
    writeFileSync(join(project, 'Load.package.json'), packageUsing('lib/secret.js'));
    symlinkSync(outside, join(project, 'lib'));
    expect(load(project).error).toMatch(/lib\/secret\.js leads out of the project folder/);
  });

  it('refuses a package file that is a link leading out of the folder', () => {
    const { project, outside } = layout();
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: 'P' }));
    writeFileSync(join(project, 'Load.package.json'), packageUsing('ok.js'));
    writeFileSync(join(project, 'ok.js'), 'log.info(1);\n');
    symlinkSync(join(outside, 'Evil.package.json'), join(project, 'Evil.package.json'));
    const result = load(project);
    expect(result.bundle).toBeNull();
    expect(result.error).toMatch(/Evil\.package\.json leads out of the project folder/);
    expect(result.error).not.toContain(secretText);
  });

  it('refuses a project file that is a link leading out of the folder', () => {
    const { project, outside } = layout();
    symlinkSync(join(outside, 'project.json'), join(project, 'project.json'));
    writeFileSync(join(project, 'Load.package.json'), packageUsing('ok.js'));
    writeFileSync(join(project, 'ok.js'), 'log.info(1);\n');
    const result = load(project);
    expect(result.bundle).toBeNull();
    expect(result.error).toMatch(/project\.json leads out of the project folder/);
    expect(result.error).not.toContain(secretText);
  });

  it('refuses a link that points nowhere, naming it', () => {
    const { project } = layout();
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: 'P' }));
    writeFileSync(join(project, 'Load.package.json'), packageUsing('ok.js'));
    writeFileSync(join(project, 'ok.js'), 'log.info(1);\n');
    symlinkSync(join(project, 'missing.json'), join(project, 'Gone.package.json'));
    expect(load(project).error).toMatch(/Gone\.package\.json/);
  });

  it('refuses a folder named like a package file, naming it', () => {
    const { project } = layout();
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: 'P' }));
    mkdirSync(join(project, 'Dir.package.json'));
    expect(load(project).error).toMatch(/Dir\.package\.json is not a file/);
  });

  it('follows links that stay inside the folder', () => {
    const { project } = layout();
    writeFileSync(join(project, 'project.json'), JSON.stringify({ name: 'P' }));
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src', 'Load.json'), packageUsing('src/ok.js'));
    writeFileSync(join(project, 'src', 'ok.js'), 'log.info(1);\n');
    symlinkSync(join(project, 'src', 'Load.json'), join(project, 'Load.package.json'));
    symlinkSync(join(project, 'src', 'ok.js'), join(project, 'ok.js'));
    const result = load(project);
    expect(result.error).toBe('');
    expect(result.bundle?.packages.map((p) => p.name)).toEqual(['Load']);
  });

  it('refuses a project folder given with a NUL byte in its name', () => {
    expect(load('/tmp/a\0b').error).toMatch(/not a folder|NUL/);
  });
});
