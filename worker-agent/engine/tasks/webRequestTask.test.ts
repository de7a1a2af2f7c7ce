import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebRequestTask } from '../../../master-core/protocol/packageFormat';
import {
  DEFAULT_WEB_REQUEST_LIMITS,
  charsetOf,
  createWebRequestTask,
  isExpectedStatus,
  runWebRequestTask,
  withoutCredentials,
} from './webRequestTask';
import { createTestTaskContext } from './testTaskContext';
import type { TestTaskContextOptions } from './testTaskContext';

/** What the server saw of each request. */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const LONG_BODY = 'é'.repeat(300) + 'x'.repeat(700);

function handle(request: IncomingMessage, body: string, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const status = /^\/status\/(\d+)$/.exec(url.pathname);
  if (status) {
    response.writeHead(Number(status[1]), { 'content-type': 'text/plain; charset=utf-8' });
    response.end(url.searchParams.has('long') ? LONG_BODY : status[1] === '204' ? undefined : 'status body');
  } else if (url.pathname === '/echo') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ method: request.method, url: request.url, headers: request.headers, body }),
    );
  } else if (url.pathname === '/bytes') {
    response.end(Buffer.alloc(Number(url.searchParams.get('n')), 7));
  } else if (url.pathname === '/latin1') {
    response.writeHead(200, { 'content-type': 'text/plain; charset=ISO-8859-1' });
    response.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  } else if (url.pathname === '/slow-body') {
    response.writeHead(200);
    response.write('first part');
  } else if (url.pathname !== '/hang') {
    response.end('hello');
  }
}

let server: Server;
let base = '';
const seen: Seen[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      handle(request, body, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

let workDir = '';
beforeEach(async () => {
  seen.length = 0;
  workDir = await mkdtemp(join(tmpdir(), 'web-task-'));
});
afterEach(async () => {
  server.closeAllConnections();
  await rm(workDir, { recursive: true, force: true });
});

function webTask(fields: Record<string, unknown>): WebRequestTask {
  return WebRequestTask.parse({ type: 'webRequest', name: 'Call', ...fields });
}
function contextFor(options: Partial<TestTaskContextOptions> = {}) {
  return createTestTaskContext({
    workDir,
    variables: { 'User::Body': '', 'User::Id': '42', 'User::Token': 'tok-123' },
    connections: {
      Api: { connectionString: `${base}/api/`, headers: { 'x-from': 'connection', 'x-both': 'c' } },
    },
    ...options,
  });
}
/** The request as the server saw it, from the /echo route. */
const echoed = (context: ReturnType<typeof contextFor>) =>
  JSON.parse(String(context.variables.get('User::Body')));

describe('pure rules', () => {
  it('expects any 2xx by default, else exactly the listed statuses', () => {
    expect([199, 200, 204, 299, 300].map((s) => isExpectedStatus(s, []))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
    expect(isExpectedStatus(404, [200, 404])).toBe(true);
    expect(isExpectedStatus(201, [200])).toBe(false);
  });

  it('reads the charset of a content type', () => {
    expect(charsetOf('text/plain; charset=ISO-8859-1')).toBe('windows-1252');
    expect(charsetOf('text/html; charset="utf-8"')).toBe('utf-8');
    expect(charsetOf('text/plain; charset=klingon')).toBe('utf-8');
    expect(charsetOf(null)).toBe('utf-8');
  });

  it('hides credentials in a URL text', () => {
    expect(withoutCredentials('http://u:p@h/x?a=b@c')).toBe('http://***@h/x?a=b@c');
    expect(withoutCredentials('http://h/x')).toBe('http://h/x');
  });
});

describe('runWebRequestTask', () => {
  it('gets a URL into a variable and logs method, URL, status, bytes and time', async () => {
    const context = contextFor();
    await runWebRequestTask(webTask({ url: `${base}/hello`, responseVariable: 'User::Body' }), context);
    expect(context.variables.get('User::Body')).toBe('hello');
    expect(context.texts()).toHaveLength(1);
    expect(context.texts()[0]).toMatch(new RegExp(`^GET ${base}/hello answered 200 OK: 5 bytes in \\d+ ms$`));
  });

  it("resolves the URL against the connection's base URL and sends its headers, then the task's", async () => {
    const context = contextFor();
    const task = webTask({
      connection: 'Api',
      url: 'items/@[User::Id]?q=1',
      headers: { 'X-Both': 'task', Authorization: 'Bearer @[User::Token]' },
      responseVariable: 'User::Body',
    });
    await runWebRequestTask(task, context);
    expect(seen.map((s) => s.url)).toEqual(['/api/items/42?q=1']);
    expect(seen[0]?.headers).toMatchObject({
      'x-from': 'connection',
      'x-both': 'task',
      authorization: 'Bearer tok-123',
    });
  });

  it('sends a substituted body with the method', async () => {
    const context = contextFor();
    const task = webTask({
      url: `${base}/echo`,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"id": @[User::Id]}',
      responseVariable: 'User::Body',
    });
    await runWebRequestTask(task, context);
    expect(echoed(context)).toMatchObject({ method: 'PUT', body: '{"id": 42}' });
    expect(echoed(context).headers['content-type']).toBe('application/json');
  });

  it('refuses a body on GET and HEAD, and sends nothing', async () => {
    for (const method of ['GET', 'HEAD']) {
      await expect(
        runWebRequestTask(webTask({ url: `${base}/echo`, method, body: 'x' }), contextFor()),
      ).rejects.toThrow(`a ${method} request cannot have a body`);
    }
    expect(seen).toEqual([]);
  });

  it('accepts any 2xx by default and fails on another status with the start of the body', async () => {
    const context = contextFor();
    await runWebRequestTask(webTask({ url: `${base}/status/204`, method: 'DELETE' }), context);
    expect(context.texts()[0]).toMatch(/^DELETE .* answered 204 No Content: 0 bytes in \d+ ms$/);
    const error = await runWebRequestTask(webTask({ url: `${base}/status/503?long` }), context).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe(
      `GET ${base}/status/503?long answered 503 Service Unavailable, which the task does not expect; ` +
        `the response begins: ${LONG_BODY.slice(0, 500)}`,
    );
  });

  it('succeeds only on the expected statuses when the task lists them', async () => {
    const context = contextFor();
    const expecting404 = { expectedStatusCodes: [404], responseVariable: 'User::Body' };
    await runWebRequestTask(webTask({ url: `${base}/status/404`, ...expecting404 }), context);
    expect(context.variables.get('User::Body')).toBe('status body');
    await expect(
      runWebRequestTask(webTask({ url: `${base}/hello`, ...expecting404 }), context),
    ).rejects.toThrow(
      `GET ${base}/hello answered 200 OK, which the task does not expect; the response begins: hello`,
    );
  });

  it('writes the response bytes to a file relative to the work directory, and to the variable too', async () => {
    const context = contextFor();
    const task = webTask({
      url: `${base}/bytes?n=100000`,
      responseFile: 'out/data.bin',
      responseVariable: 'User::Body',
    });
    await expect(runWebRequestTask(task, context)).rejects.toThrow(
      `the folder of responseFile ${join(workDir, 'out/data.bin')} does not exist`,
    );
    expect(seen).toEqual([]);
    await runWebRequestTask({ ...task, responseFile: 'data.bin' }, context);
    expect(await readFile(join(workDir, 'data.bin'))).toEqual(Buffer.alloc(100000, 7));
    expect(String(context.variables.get('User::Body'))).toHaveLength(100000);
    expect(context.texts()[0]).toMatch(
      new RegExp(`100000 bytes in \\d+ ms, saved to ${join(workDir, 'data.bin')}$`),
    );
  });

  it('keeps an existing response file unless overwriteResponseFile, and sends nothing then', async () => {
    await writeFile(join(workDir, 'page.txt'), 'old');
    const context = contextFor();
    const task = webTask({ url: `${base}/hello`, responseFile: 'page.txt', overwriteResponseFile: false });
    await expect(runWebRequestTask(task, context)).rejects.toThrow(
      `responseFile ${join(workDir, 'page.txt')} already exists (overwriteResponseFile is false)`,
    );
    expect(seen).toEqual([]);
    expect(await readFile(join(workDir, 'page.txt'), 'utf8')).toBe('old');
    await runWebRequestTask({ ...task, overwriteResponseFile: true }, context);
    expect(await readFile(join(workDir, 'page.txt'), 'utf8')).toBe('hello');
  });

  it('leaves no file behind when the status is unexpected or the body never ends', async () => {
    const context = contextFor();
    const file = { responseFile: 'page.txt' };
    await expect(runWebRequestTask(webTask({ url: `${base}/status/500`, ...file }), context)).rejects.toThrow(
      /500/,
    );
    await expect(
      runWebRequestTask(webTask({ url: `${base}/slow-body`, timeoutMs: 300, ...file }), context),
    ).rejects.toThrow(`GET ${base}/slow-body timed out after 300 ms`);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('sends URL credentials as Basic authorization, registers them as secrets and never logs them', async () => {
    const context = contextFor({ variables: { 'User::Body': '', 'User::Pass': 's3cr%40t' } });
    const token = Buffer.from('admin:s3cr@t').toString('base64');
    await runWebRequestTask(
      webTask({
        url: `http://admin:@[User::Pass]@127.0.0.1:${new URL(base).port}/echo`,
        responseVariable: 'User::Body',
      }),
      context,
    );
    expect(echoed(context).headers.authorization).toBe(`Basic ${token}`);
    expect(context.secrets).toEqual(expect.arrayContaining(['s3cr@t', 's3cr%40t', token]));
    expect(context.texts()[0]).toContain(`GET ${base}/echo answered 200 OK`);
    const failing = webTask({ url: `http://admin:s3cr%40t@127.0.0.1:${new URL(base).port}/status/401` });
    const error = (await runWebRequestTask(failing, context).catch((e: Error) => e)) as Error;
    expect(error.message).toContain(`GET ${base}/status/401 answered 401 Unauthorized`);
    for (const text of [...context.texts(), error.message]) {
      expect(text).not.toContain('s3cr');
      expect(text).not.toContain(token);
    }
  });

  it('takes credentials from the connection base URL too', async () => {
    const context = contextFor({
      connections: { Api: { connectionString: `http://svc:pw-123@${base.slice(7)}/` } },
    });
    await runWebRequestTask(
      webTask({ connection: 'Api', url: 'echo', responseVariable: 'User::Body' }),
      context,
    );
    expect(echoed(context).headers.authorization).toBe(
      `Basic ${Buffer.from('svc:pw-123').toString('base64')}`,
    );
    expect(context.secrets).toContain('pw-123');
    expect(context.texts().join('\n')).not.toContain('pw-123');
  });

  it("times out after the task's timeout, else the connection's, else the default", async () => {
    const url = { url: `${base}/hang` };
    await expect(runWebRequestTask(webTask({ ...url, timeoutMs: 200 }), contextFor())).rejects.toThrow(
      `GET ${base}/hang timed out after 200 ms`,
    );
    const slowApi = { Api: { connectionString: `${base}/`, timeoutMs: 250 } };
    await expect(
      runWebRequestTask(webTask({ connection: 'Api', url: 'hang' }), contextFor({ connections: slowApi })),
    ).rejects.toThrow('timed out after 250 ms');
    const quick = createWebRequestTask({ ...DEFAULT_WEB_REQUEST_LIMITS, defaultTimeoutMs: 150 });
    await expect(quick(webTask(url), contextFor())).rejects.toThrow('timed out after 150 ms');
  });

  it('stops the request when the execution is cancelled, and sends none when it already was', async () => {
    const controller = new AbortController();
    const arrived = once(server, 'request');
    const running = runWebRequestTask(
      webTask({ url: `${base}/hang` }),
      contextFor({ signal: controller.signal }),
    );
    await arrived;
    controller.abort();
    await expect(running).rejects.toThrow(`GET ${base}/hang was stopped because the execution was cancelled`);
    seen.length = 0;
    await expect(
      runWebRequestTask(webTask({ url: `${base}/hello` }), contextFor({ signal: controller.signal })),
    ).rejects.toThrow(/cancelled before the task started/);
    expect(seen).toEqual([]);
  });

  it('names the network failure', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    await expect(
      runWebRequestTask(webTask({ url: `http://127.0.0.1:${port}/` }), contextFor()),
    ).rejects.toThrow(`GET http://127.0.0.1:${port}/ failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });

  it('fails when the body is too large for a variable', async () => {
    const small = createWebRequestTask({ ...DEFAULT_WEB_REQUEST_LIMITS, maxVariableBytes: 1024 * 1024 });
    const task = webTask({ url: `${base}/bytes?n=${1024 * 1024 + 1}`, responseVariable: 'User::Body' });
    await expect(small(task, contextFor())).rejects.toThrow(
      'the response is larger than 1 MiB, the most a variable may receive; use responseFile instead',
    );
    await small({ ...task, url: `${base}/bytes?n=${1024 * 1024}` }, contextFor());
  });

  it('decodes the body with the charset of the response', async () => {
    const context = contextFor();
    await runWebRequestTask(webTask({ url: `${base}/latin1`, responseVariable: 'User::Body' }), context);
    expect(context.variables.get('User::Body')).toBe('café');
  });

  it('refuses URLs that are not absolute http(s) without a connection', async () => {
    await expect(runWebRequestTask(webTask({ url: 'items/1' }), contextFor())).rejects.toThrow(
      'url items/1 is not a valid absolute URL (the task names no connection whose base URL it could be relative to)',
    );
    await expect(runWebRequestTask(webTask({ url: 'file:///etc/passwd' }), contextFor())).rejects.toThrow(
      'url file:///etc/passwd is not http or https',
    );
  });

  it('sends HEAD and reads no body', async () => {
    const context = contextFor();
    await runWebRequestTask(webTask({ url: `${base}/hello`, method: 'HEAD' }), context);
    expect(seen.map((s) => s.method)).toEqual(['HEAD']);
    expect(context.texts()[0]).toMatch(/answered 200 OK: 0 bytes/);
  });
});
