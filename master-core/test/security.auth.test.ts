import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startTestMaster } from './masterFixture';
import { welcomedAgent } from './scriptedAgent';
import { PASSWORD, ok, post } from './securityApi.fixture';
import { createMaster } from '../createMaster';
import { silentLogger } from '../logger';
import { createSecurityRepo } from '../catalog/securityRepo';
import { openCatalog } from '../catalog/openCatalog';
import { hashPassword, needsRehash, verifyPassword } from '../security/passwords';

type TestMaster = Awaited<ReturnType<typeof startTestMaster>>;
interface AuditEntry {
  userName: string;
  method: string;
  target: string;
  outcome: string;
  detail: string;
  clientAddress: string;
}

/** Opens the event stream with a token; resolves the HTTP status refused with, or 101 and the socket. */
function openEvents(master: TestMaster, token: string): Promise<{ status: number; ws: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${master.consoleUrl.replace('http', 'ws')}/api/events`, [
      'scaleout-events',
      `bearer.${token}`,
    ]);
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', () => undefined);
  });
}

describe('console users, tokens and sessions', () => {
  let master: TestMaster;
  const admin = (method: string, input: unknown = {}) =>
    ok(master.consoleUrl, master.consoleToken, method, input);
  const login = (userName: string, password = PASSWORD) =>
    post(master.consoleUrl, null, 'auth.login', { userName, password });
  const audit = async (filter: Record<string, unknown> = {}) =>
    ((await admin('audit.list', { limit: 1000, ...filter })) as { entries: AuditEntry[] }).entries;

  beforeAll(async () => {
    master = await startTestMaster({
      sessionTtlMs: 1500,
      loginThrottle: { baseDelayMs: 400, maxDelayMs: 1600, freeFailures: 3, addressFreeFailures: 100 },
    });
    await admin('folder.create', { name: 'Sales' });
    for (const [userName, role] of [
      ['alice', 'executor'],
      ['bob', 'viewer'],
      ['carol', 'viewer'],
      ['dave', 'viewer'],
      ['erin', 'viewer'],
    ] as const)
      await admin('user.create', { userName, password: PASSWORD, role });
  }, 30_000);
  afterAll(() => master.cleanup());

  it('refuses a request without a credential, and with a wrong one', async () => {
    expect((await post(master.consoleUrl, null, 'catalog.tree')).status).toBe(401);
    const wrong = await post(master.consoleUrl, 'sot_0123456789ab_' + 'A'.repeat(43), 'catalog.tree');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toEqual({ code: 'UNAUTHORIZED', message: 'a valid bearer token is required' });
    expect((await login('alice', 'not the password!')).status).toBe(401);
  });

  it('logs in with a password for a session token that works until logout', async () => {
    const answer = await login('alice');
    expect(answer.status).toBe(200);
    const { token, user } = answer.body.value as { token: string; user: { userName: string; role: string } };
    expect(user).toMatchObject({ userName: 'alice', role: 'executor' });
    expect(token).toMatch(/^sot_[0-9a-f]{12}_/);
    const me = (await ok(master.consoleUrl, token, 'auth.whoami')) as {
      user: { userName: string };
      credential: string;
    };
    expect(me).toMatchObject({ user: { userName: 'alice' }, credential: 'session' });
    await ok(master.consoleUrl, token, 'auth.logout');
    const after = await post(master.consoleUrl, token, 'auth.whoami');
    expect(after.status).toBe(401);
    expect(after.body.error?.message).toMatch(/revoked/);
  });

  it('keeps only a hash of each token and of each password', async () => {
    const { token } = (await admin('token.create', { name: 'ci', userName: 'alice' })) as { token: string };
    const text =
      readFileSync(master.catalogFile).toString('latin1') +
      readFileSync(`${master.catalogFile}-wal`).toString('latin1');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('_')[2]);
    expect(text).not.toContain(PASSWORD);
  });

  it('refuses a revoked API token at once, and closes its open event stream', async () => {
    const { token, tokenRow } = (await admin('token.create', { name: 'script', userName: 'alice' })) as {
      token: string;
      tokenRow: { tokenId: string };
    };
    await ok(master.consoleUrl, token, 'worker.list');
    const stream = await openEvents(master, token);
    expect(stream.status).toBe(101);
    const closed = new Promise<number>((resolve) => stream.ws.on('close', (code) => resolve(code)));
    await ok(master.consoleUrl, token, 'token.revoke', { tokenId: tokenRow.tokenId });
    expect(await closed).toBe(4001);
    const refused = await post(master.consoleUrl, token, 'worker.list');
    expect(refused.status).toBe(401);
    expect(refused.body.error?.message).toContain(`token ${tokenRow.tokenId} was revoked`);
    expect((await openEvents(master, token)).status).toBe(401);
    const listed = (await admin('token.list', { userName: 'alice' })) as {
      tokens: { tokenId: string; revokedAt: string | null; lastUsedAt: string | null }[];
    };
    const row = listed.tokens.find((t) => t.tokenId === tokenRow.tokenId)!;
    expect(row.revokedAt).not.toBeNull();
    expect(row.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it('refuses an expired session', async () => {
    const { token } = (await login('bob')).body.value as { token: string };
    await ok(master.consoleUrl, token, 'auth.whoami');
    await new Promise((r) => setTimeout(r, 1700));
    const expired = await post(master.consoleUrl, token, 'auth.whoami');
    expect(expired.status).toBe(401);
    expect(expired.body.error?.message).toMatch(/session expired.*log in again/);
  });

  it("refuses a disabled user's tokens and login, and a deleted user's tokens", async () => {
    const { token } = (await admin('token.create', { name: 'x', userName: 'carol' })) as { token: string };
    await ok(master.consoleUrl, token, 'auth.whoami');
    await admin('user.update', { userName: 'carol', disabled: true });
    expect((await post(master.consoleUrl, token, 'auth.whoami')).body.error?.message).toBe(
      'user carol is disabled',
    );
    expect((await login('carol')).body.error?.message).toBe('user carol is disabled');
    await admin('user.update', { userName: 'carol', disabled: false });
    expect((await post(master.consoleUrl, token, 'auth.whoami')).status).toBe(200);
    await admin('user.delete', { userName: 'carol' });
    expect((await post(master.consoleUrl, token, 'auth.whoami')).status).toBe(401);
  });

  it('slows down repeated failed logins per user name, even with the right password, then forgives', async () => {
    for (let i = 0; i < 3; i += 1) expect((await login('dave', `wrong password ${i}`)).status).toBe(401);
    const throttled = await login('dave');
    expect(throttled.status).toBe(401);
    expect(throttled.body.error?.message).toMatch(/too many failed logins.*try again in \d+ s/);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The wait doubles with each further failure.
    await new Promise((r) => setTimeout(r, 450));
    expect((await login('dave', 'wrong again!!')).status).toBe(401);
    const second = await login('dave');
    expect(second.body.error?.message).toMatch(/too many failed logins/);
    await new Promise((r) => setTimeout(r, 850));
    const success = await login('dave');
    expect(success.status).toBe(200);
    const entries = await audit({ userName: 'dave', method: 'auth.login' });
    expect(entries.filter((e) => e.outcome === 'failed')).toHaveLength(4);
    expect(entries.filter((e) => e.outcome === 'refused').length).toBeGreaterThanOrEqual(2);
    expect(entries[0]).toMatchObject({ outcome: 'ok', userName: 'dave' });
    expect(JSON.stringify(entries)).not.toMatch(/wrong password \d|wrong again/);
  });

  it('slows down many failed logins from one address, whatever the user names', async () => {
    const other = await startTestMaster({
      loginThrottle: { baseDelayMs: 5000, maxDelayMs: 5000, freeFailures: 3, addressFreeFailures: 6 },
    });
    try {
      await ok(other.consoleUrl, other.consoleToken, 'user.create', {
        userName: 'gina',
        password: PASSWORD,
        role: 'viewer',
      });
      for (let i = 0; i < 6; i += 1) {
        const wrong = await post(other.consoleUrl, null, 'auth.login', {
          userName: `guess${i}`,
          password: 'x',
        });
        expect(wrong.body.error?.message).toBe('the user name or password is wrong');
      }
      const held = await post(other.consoleUrl, null, 'auth.login', { userName: 'gina', password: PASSWORD });
      expect(held.status).toBe(401);
      expect(held.body.error?.message).toMatch(/too many failed logins/);
      expect(held.headers.get('retry-after')).toBe('5');
    } finally {
      await other.cleanup();
    }
  });

  it('audits changes, refusals with the user, and never a secret', async () => {
    const { token } = (await login('erin')).body.value as { token: string };
    const refused = await post(master.consoleUrl, token, 'folder.delete', { name: 'Sales' });
    expect(refused.status).toBe(403);
    await admin('environment.create', { folderName: 'Sales', environmentName: 'Prod' });
    await admin('environment.setVariable', {
      folderName: 'Sales',
      environmentName: 'Prod',
      name: 'Pwd',
      dataType: 'String',
      value: 'hunter2-secret',
      sensitive: true,
    });
    await admin('user.update', { userName: 'erin', password: 'a brand new password' });
    const entries = await audit();
    expect(entries.find((e) => e.method === 'folder.delete')).toMatchObject({
      userName: 'erin',
      outcome: 'refused',
      target: 'name=Sales',
      clientAddress: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(entries.find((e) => e.method === 'folder.delete')?.detail).toMatch(
      /^FORBIDDEN: folder.delete needs the admin role/,
    );
    expect(entries.find((e) => e.method === 'environment.setVariable')).toMatchObject({
      userName: 'console',
      outcome: 'ok',
      target: 'folderName=Sales environmentName=Prod name=Pwd',
    });
    expect(entries.find((e) => e.method === 'user.update')?.target).toBe('userName=erin password=(set)');
    expect(JSON.stringify(entries)).not.toMatch(/hunter2|brand new|correct horse/);
    // The refused call with the session of a user whose password changed: sessions end.
    const ended = await post(master.consoleUrl, token, 'auth.whoami');
    expect(ended.status).toBe(401);
    expect(
      (await audit({ userName: 'erin', outcome: 'refused' })).some((e) => e.method === 'auth.whoami'),
    ).toBe(true);
    // Reads are not audited.
    expect(entries.some((e) => e.method === 'catalog.tree')).toBe(false);
  });

  it('reserves the name console, and refuses weak passwords with the field named', async () => {
    const reserved = await post(master.consoleUrl, master.consoleToken, 'user.create', {
      userName: 'Console',
      password: PASSWORD,
      role: 'admin',
    });
    expect(reserved.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'userName' });
    const weak = await post(master.consoleUrl, master.consoleToken, 'user.create', {
      userName: 'weak',
      password: 'short',
      role: 'viewer',
    });
    expect(weak.body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'password' });
  });

  it('filters the event stream to the folders a viewer may read', async () => {
    await admin('user.create', { userName: 'frank', password: PASSWORD, role: 'viewer' });
    const { token } = (await admin('token.create', { name: 'ev', userName: 'frank' })) as { token: string };
    const stream = await openEvents(master, token);
    const seen: string[] = [];
    stream.ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { type: string; execution?: { folderName: string } };
      if (event.execution) seen.push(event.execution.folderName);
    });
    await admin('folder.create', { name: 'Open' });
    await admin('permission.set', {
      folderName: 'Open',
      userName: 'frank',
      read: true,
      execute: false,
      modify: false,
    });
    // permission.set closed the stream (rights changed); open it again.
    const again = await openEvents(master, token);
    again.ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { execution?: { folderName: string } };
      if (event.execution) seen.push(event.execution.folderName);
    });
    const { echoProject } = await import('./catalogApi.fixture');
    for (const folderName of ['Open', 'Sales']) {
      await admin('project.deploy', { folderName, bundle: echoProject() });
      await admin('execution.create', {
        folderName,
        projectName: 'Echo',
        packageName: 'Say',
        parameters: { Target: 'x' },
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toContain('Open');
    expect(seen).not.toContain('Sales');
    again.ws.close();
    stream.ws.close();
  });
});

describe('message events', () => {
  it('reach a viewer only for executions of folders it may read, even when the master learns the folder late', async () => {
    const master = await startTestMaster();
    try {
      const admin = (method: string, input: unknown = {}) =>
        ok(master.consoleUrl, master.consoleToken, method, input);
      const { echoProject } = await import('./catalogApi.fixture');
      const executions = new Map<string, number>();
      for (const folderName of ['Mine', 'Theirs']) {
        await admin('folder.create', { name: folderName });
        await admin('project.deploy', { folderName, bundle: echoProject() });
      }
      await admin('user.create', { userName: 'gina', password: PASSWORD, role: 'viewer' });
      await admin('permission.set', {
        folderName: 'Mine',
        userName: 'gina',
        read: true,
        execute: false,
        modify: false,
      });
      const { token } = (await admin('token.create', { name: 'ev', userName: 'gina' })) as { token: string };

      const agent = await welcomedAgent(master, { workerId: 'w-msg', maxTasks: 2 });
      for (const folderName of ['Mine', 'Theirs']) {
        const { executionId } = (await admin('execution.create', {
          folderName,
          projectName: 'Echo',
          packageName: 'Say',
          parameters: { Target: 'x' },
        })) as { executionId: number };
        executions.set(folderName, executionId);
      }
      agent.send({ type: 'task.request', credit: 2 });
      const attempts = new Map<number, string>();
      for (let i = 0; i < 2; i += 1) {
        const assign = await agent.next(
          (f) =>
            f.type === 'task.assign' &&
            ![...attempts.values()].includes((f.task as { attemptId: string }).attemptId),
        );
        const task = assign.task as { attemptId: string; executionId: number };
        attempts.set(task.executionId, task.attemptId);
      }

      // The viewer connects after the executions were announced: the stream learns their folders
      // from the catalog, not from an execution:changed it saw.
      const { status, ws: stream } = await openEvents(master, token);
      expect(status).toBe(101);
      const messagesOf: number[] = [];
      stream.on('message', (data: Buffer) => {
        const event = JSON.parse(data.toString()) as { type: string; executionId?: number };
        if (event.type === 'message:added') messagesOf.push(event.executionId!);
      });
      for (const [executionId, attemptId] of attempts)
        agent.send({
          type: 'task.event',
          attemptId,
          seq: 0,
          timeMs: Date.now(),
          messageType: 70,
          sourceType: 40,
          sourceName: 'Echo',
          message: `hello from ${executionId}`,
        });
      await expect.poll(() => messagesOf, { timeout: 5_000 }).toContain(executions.get('Mine'));
      await new Promise((r) => setTimeout(r, 300));
      expect(messagesOf).not.toContain(executions.get('Theirs'));
      stream.close();
      await agent.close();
    } finally {
      await master.cleanup();
    }
  });
});

describe('passwords', () => {
  it('are scrypt hashes with their parameters, salted, verified in constant time, rehashed when weaker', async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(PASSWORD, a)).toBe(true);
    expect(await verifyPassword(`${PASSWORD}!`, a)).toBe(false);
    expect(await verifyPassword(PASSWORD, 'garbage')).toBe(false);
    const weak = await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword(PASSWORD, weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(a)).toBe(false);
  });

  it('stores a stronger hash at the next login after the parameters were raised', async () => {
    const master = await startTestMaster();
    try {
      await ok(master.consoleUrl, master.consoleToken, 'user.create', {
        userName: 'old',
        password: PASSWORD,
        role: 'viewer',
      });
      await master.close();
      const db = await openCatalog(master.catalogFile);
      await db.run('UPDATE users SET password_hash = ? WHERE user_name = ?', [
        await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }),
        'old',
      ]);
      await db.close();
      const again = await startTestMaster({ dataDir: master.dataDir });
      try {
        expect(
          (await post(again.consoleUrl, null, 'auth.login', { userName: 'old', password: PASSWORD })).status,
        ).toBe(200);
        await again.close();
        const db2 = await openCatalog(master.catalogFile);
        const user = await createSecurityRepo(db2).users.get('old');
        await db2.close();
        expect(needsRehash(user!.password_hash)).toBe(false);
      } finally {
        await again.cleanup();
      }
    } finally {
      rmSync(master.dataDir, { recursive: true, force: true });
    }
  });
});

describe('the console listener beyond loopback', () => {
  it('refuses to start on 0.0.0.0 without TLS, naming the flag', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'scaleout-master-'));
    try {
      await expect(
        createMaster({
          dataDir,
          consoleHost: '0.0.0.0',
          consolePort: 0,
          agentPort: 0,
          agentHost: '127.0.0.1',
          insecureAgentEndpoint: true,
          log: silentLogger,
        }),
      ).rejects.toThrow(/--console-host 0\.0\.0\.0.*needs TLS.*--insecure-agent-endpoint/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("serves https with a certificate from the master's CA on 0.0.0.0, and still checks the Host", async () => {
    const master = await startTestMaster({ consoleHost: '0.0.0.0' });
    try {
      expect(master.consoleUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(master.caFile!);
      const call = (host?: string) =>
        new Promise<number>((resolve, reject) => {
          const req = request(
            `${master.consoleUrl}/api/master.info`,
            {
              method: 'POST',
              ca,
              servername: 'localhost',
              headers: {
                authorization: `Bearer ${master.consoleToken}`,
                'content-type': 'application/json',
                ...(host ? { host } : {}),
              },
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end('{}');
        });
      expect(await call()).toBe(200);
      expect(await call('evil.example:443')).toBe(403);
      // Plain http on that port gets no answer.
      await expect(
        fetch(master.consoleUrl.replace('https', 'http') + '/api/master.info', { method: 'POST' }),
      ).rejects.toThrow();
    } finally {
      await master.cleanup();
    }
  });
});
