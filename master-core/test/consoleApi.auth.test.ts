import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import WebSocket from 'ws';
import { startTestMaster } from './masterFixture';

type TestMaster = Awaited<ReturnType<typeof startTestMaster>>;

/** A raw HTTP call, so tests can send the Host and Origin headers a browser or attacker would. */
function call(
  url: string,
  headers: Record<string, string>,
  body = '{}',
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('console API security and validation', () => {
  let master: TestMaster;
  let auth: Record<string, string>;
  beforeAll(async () => {
    master = await startTestMaster();
    auth = { authorization: `Bearer ${master.consoleToken}`, 'content-type': 'application/json' };
  });
  afterAll(() => master.cleanup());

  it('refuses a request without the token, or with a wrong one', async () => {
    expect((await call(`${master.consoleUrl}/api/catalog.tree`, {})).status).toBe(401);
    const wrong = await call(`${master.consoleUrl}/api/catalog.tree`, { authorization: 'Bearer nope' });
    expect(wrong).toEqual({
      status: 401,
      json: { ok: false, error: { code: 'UNAUTHORIZED', message: 'a valid bearer token is required' } },
    });
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (cross-site)', async () => {
    expect(
      (await call(`${master.consoleUrl}/api/catalog.tree`, { ...auth, host: 'evil.example:8390' })).status,
    ).toBe(403);
    expect(
      (await call(`${master.consoleUrl}/api/catalog.tree`, { ...auth, origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
  });

  it('refuses the event stream without the token', async () => {
    const url = `${master.consoleUrl.replace('http', 'ws')}/api/events`;
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url, ['scaleout-events']);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('names the field of an invalid request, and the catalog stays as it was', async () => {
    const bad = await call(
      `${master.consoleUrl}/api/project.deploy`,
      auth,
      JSON.stringify({
        folderName: 'F',
        bundle: {
          project: { name: 'P' },
          packages: [{ name: 'K', tasks: [{ name: 'T', type: 'executeProcess' }] }],
        },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', field: 'bundle.packages.0.tasks.0.executable' },
    });
    const tree = await call(`${master.consoleUrl}/api/catalog.tree`, auth);
    expect(tree.json).toEqual({ ok: true, value: { folders: [] } });
  });

  it('answers malformed JSON, unknown methods and GET on the API with clear errors', async () => {
    expect((await call(`${master.consoleUrl}/api/catalog.tree`, auth, '{oops')).json).toMatchObject({
      error: { code: 'BAD_REQUEST', message: 'request body is not valid JSON' },
    });
    expect((await call(`${master.consoleUrl}/api/catalog.drop`, auth)).status).toBe(404);
    const get = await fetch(`${master.consoleUrl}/api/catalog.tree`, { headers: auth });
    expect(get.status).toBe(405);
  });

  it('serves the console page with a strict Content Security Policy', async () => {
    const page = await fetch(`${master.consoleUrl}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
  });
});
