// A Script task cannot reach the agent or the master. Each test first escapes the vm context
// (ESCAPE gives the script host's real `process`, and the test checks it did), then tries one way
// out and expects the script host process to refuse it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import inspector from 'node:inspector';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ScriptErrorCode } from '../engine/script/scriptError';
import { runScriptTask } from '../engine/tasks/scriptTask';
import { waitGone } from './fixtures/hostTestKit';
import type { TestContext } from './fixtures/scriptTestKit';
import {
  ESCAPE,
  ensureScriptHostBuilt,
  loggedPid,
  scriptTask,
  tempDir,
  testContext,
} from './fixtures/scriptTestKit';

const require = createRequire(import.meta.url);
const TOKEN = 'agent-token-that-must-not-leak';
let work: ReturnType<typeof tempDir>;
let ctx: TestContext;
beforeAll(() => ensureScriptHostBuilt());
beforeEach(() => {
  work = tempDir();
  ctx = testContext({ workDir: work.dir });
});
afterEach(() => work.remove());

/**
 * Runs `attempts` (an object literal of name -> function of `proc`, in script source) and returns
 * what each gave: "denied <code>" or "ALLOWED <value>". Also checks the escape itself worked.
 */
async function tryAll(attempts: string): Promise<Record<string, string>> {
  await runScriptTask(
    scriptTask(`
      ${ESCAPE}
      log.info('pid ' + proc.pid);
      const attempts = ${attempts};
      const results = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try { results[name] = 'ALLOWED ' + String(await attempt(proc)).slice(0, 80); }
        catch (e) { results[name] = 'denied ' + (e.code ?? e.message); }
      }
      log.info(JSON.stringify(results));
    `),
    ctx,
  );
  expect(await waitGone(loggedPid(ctx))).toBe(true);
  return JSON.parse(ctx.messages('information').at(-1) ?? '{}') as Record<string, string>;
}

describe('a script that escapes its vm context', () => {
  it('gets the script host process, not the execution host (the escape works)', async () => {
    const results = await tryAll(`{ isProcess: (p) => p.pid !== ${process.pid} && typeof p.send }`);
    expect(results).toEqual({ isProcess: 'ALLOWED function' });
  });

  it('(a) cannot read the agent token file, nor any file, nor write one', async () => {
    const dataDir = join(work.dir, 'agent-data');
    mkdirSync(dataDir);
    const tokenFile = join(dataDir, 'agent.token');
    writeFileSync(tokenFile, TOKEN);
    const file = JSON.stringify(tokenFile);
    const results = await tryAll(`{
      readFileSync: (p) => p.getBuiltinModule('fs').readFileSync(${file}, 'utf8'),
      readFile: (p) => p.getBuiltinModule('fs').promises.readFile(${file}, 'utf8'),
      openSync: (p) => p.getBuiltinModule('fs').openSync(${file}, 'r'),
      readdir: (p) => p.getBuiltinModule('fs').readdirSync(${JSON.stringify(dataDir)}),
      requireFile: (p) => p.getBuiltinModule('module').createRequire('/x.js')(${file}),
      importFile: () => import('file://' + ${file}),
      passwd: (p) => p.getBuiltinModule('fs').readFileSync('/etc/passwd', 'utf8'),
      writeWorkDir: (p) => p.getBuiltinModule('fs').writeFileSync(${JSON.stringify(join(work.dir, 'x'))}, 'x'),
      chdir: (p) => p.chdir('/'),
    }`);
    // No module loader in the vm context at all (even through the escape: V8 ties import() to the
    // calling script); require() of a file is the permission model's to refuse.
    expect(results.importFile).toBe('denied ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING');
    delete results.importFile;
    for (const [name, result] of Object.entries(results))
      expect(`${name}: ${result}`).toMatch(/: denied ERR_ACCESS_DENIED$/);
    expect(Object.keys(results)).toHaveLength(8);
    expect(ctx.messages().join('\n')).not.toContain(TOKEN);
  });

  it('(b) cannot start a process, a thread, an addon or the inspector', async () => {
    const results = await tryAll(`{
      spawnSync: (p) => p.getBuiltinModule('child_process').spawnSync('sh', ['-c', 'echo hi']).stdout,
      execSync: (p) => p.getBuiltinModule('child_process').execSync('echo hi'),
      fork: (p) => p.getBuiltinModule('child_process').fork('x.js').pid,
      createRequire: (p) => p.getBuiltinModule('module').createRequire('/x.js')('child_process').spawnSync('id'),
      binding: (p) => p.binding('spawn_sync'),
      worker: (p) => new (p.getBuiltinModule('worker_threads').Worker)('1', { eval: true }),
      addon: (p) => p.dlopen({ exports: {} }, '/nonexistent.node'),
      inspector: (p) => p.getBuiltinModule('inspector').open(0),
      wasi: (p) => new (p.getBuiltinModule('wasi').WASI)({ version: 'preview1' }),
    }`);
    for (const [name, result] of Object.entries(results)) {
      expect(`${name}: ${result}`).toMatch(/: denied (ERR_ACCESS_DENIED|ERR_DLOPEN_DISABLED)$/);
    }
    expect(Object.keys(results)).toHaveLength(9);
  });

  it('(c) finds no agent token nor any SCALEOUT_* or NODE_* variable, and none of the host flags', async () => {
    const saved = { token: process.env.SCALEOUT_AGENT_TOKEN, options: process.env.NODE_OPTIONS };
    process.env.SCALEOUT_AGENT_TOKEN = TOKEN;
    process.env.NODE_OPTIONS = '--max-old-space-size=100';
    try {
      const results = await tryAll(`{
        token: (p) => p.env.SCALEOUT_AGENT_TOKEN,
        names: (p) => Object.keys(p.env).filter((n) => /^(SCALEOUT|NODE)_/.test(n)).join(','),
        execArgv: (p) => p.execArgv.filter((f) => !/^--(experimental-permission|permission|allow-fs-read=|no-addons|disable-warning=)/.test(f)).join(' '),
      }`);
      expect(results).toEqual({ token: 'ALLOWED undefined', names: 'ALLOWED ', execArgv: 'ALLOWED ' });
    } finally {
      for (const [name, value] of [
        ['SCALEOUT_AGENT_TOKEN', saved.token],
        ['NODE_OPTIONS', saved.options],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('(d) a forged message fails the task: the execution host validates everything', async () => {
    const task = scriptTask(`
      ${ESCAPE}
      log.info('pid ' + proc.pid);
      proc.send({ type: 'host.result', outcome: 'succeeded', error: null, statistics: [], rssBytes: 0 });
      await new Promise(() => {});
    `);
    await expect(runScriptTask(task, ctx)).rejects.toMatchObject({
      code: ScriptErrorCode.protocolViolation,
      message: expect.stringMatching(
        /^the script host sent an invalid message \(type: .*\); it was stopped$/,
      ),
    });
    expect(await waitGone(loggedPid(ctx))).toBe(true);
  });

  it('(e) reaches a local master over the network, but holds no credential it would accept', async () => {
    const seen: { url: string; authorization: string | null; upgrade: boolean }[] = [];
    const master: Server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization ?? null, upgrade: false });
      res.writeHead(req.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401).end();
    });
    master.on('upgrade', (req, socket) => {
      seen.push({ url: req.url ?? '', authorization: req.headers.authorization ?? null, upgrade: true });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => master.listen(0, '127.0.0.1', resolve));
    const { port } = master.address() as AddressInfo;
    try {
      const request = (
        path: string,
        headers: Record<string, string>,
      ) => `(p) => new Promise((resolve, reject) => {
        const req = p.getBuiltinModule('http').request({ host: '127.0.0.1', port: ${port}, path: '${path}', headers: ${JSON.stringify(headers)} });
        req.on('response', (res) => resolve(res.statusCode)).on('upgrade', () => resolve('upgraded')).on('error', reject).end();
      })`;
      const results = await tryAll(`{
        api: ${request('/api/execution.list', {})},
        agentSocket: ${request('/agent', { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' })},
        wsLibrary: (p) => p.getBuiltinModule('module').createRequire('/x.js')(${JSON.stringify(require.resolve('ws'))}),
      }`);
      expect(results).toEqual({
        api: 'ALLOWED 401',
        agentSocket: 'ALLOWED 401',
        wsLibrary: 'denied ERR_ACCESS_DENIED',
      });
      expect(seen.map((s) => s.authorization)).toEqual([null, null]);
    } finally {
      await new Promise((resolve) => master.close(resolve));
    }
  });

  it('(f) holds no descriptor of the execution host: only its own IPC channel and stderr', async () => {
    if (process.platform === 'win32') return;
    const results = await tryAll(`{
      sockets: (p) => {
        const fs = p.getBuiltinModule('fs');
        const sockets = [];
        for (let fd = 0; fd < 1024; fd++) {
          try { if (fs.fstatSync(fd).isSocket()) sockets.push(fd); } catch {}
        }
        return sockets.filter((fd) => fd !== 2 && fd !== p.channel.fd).join(',') + '|' + typeof p.channel.fd;
      },
    }`);
    expect(results).toEqual({ sockets: 'ALLOWED |number' });
  });

  it('(g) cannot signal the execution host or the agent (SIGUSR1 would open their inspector)', async () => {
    const results = await tryAll(`{
      kill: (p) => p.kill(p.ppid, 'SIGUSR1'),
      rawKill: (p) => p._kill(p.ppid, 10),
      debugProcess: (p) => p._debugProcess(p.ppid),
      killBuiltin: (p) => p.getBuiltinModule('process').kill(p.ppid, 0),
      v8Flags: (p) => p.getBuiltinModule('v8').setFlagsFromString('--allow-natives-syntax'),
      v8FlagsRequire: (p) => p.getBuiltinModule('module').createRequire('/x.js')('v8').setFlagsFromString('--allow-natives-syntax'),
      traceFile: (p) => p.getBuiltinModule('trace_events').createTracing({ categories: ['node'] }).enable(),
    }`);
    for (const [name, result] of Object.entries(results))
      expect(`${name}: ${result}`).toMatch(/: denied ERR_ACCESS_DENIED$/);
    expect(Object.keys(results)).toHaveLength(7);
    expect(inspector.url()).toBeUndefined();
  });
});
