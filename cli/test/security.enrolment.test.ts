import { X509Certificate, generateKeyPairSync, sign } from 'node:crypto';
import { request } from 'node:https';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { spawnCli } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { EnrolmentError, enrolWorker } from '../../worker-agent/enrolment';
import { openDb } from '../../master-core/catalog/db';
import { ExecutionStatus, terminalStatuses } from '../../master-core/protocol/codes';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { startTestMaster } from '../../master-core/test/masterFixture';
import { echoProject } from '../../master-core/test/catalogApi.fixture';

/** Enrolment end to end: an in-process master over TLS, enrolWorker for real, and real worker processes. */
describe('worker enrolment, authentication and revocation', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const scratch = mkdtempSync(join(tmpdir(), 'scaleout-enrol-'));
  const workers: Spawned[] = [];
  let n = 0;
  const workDir = () => join(scratch, `w${(n += 1)}`);
  const newToken = (input: { name?: string; tags?: string[] } = {}) =>
    client.call('worker.enrolmentToken.create', input);
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('enrolment was not refused');
      },
      (error: unknown) => {
        if (!(error instanceof EnrolmentError)) throw error;
        return { reason: error.reason, message: error.message };
      },
    );
  const exited = (proc: Spawned) =>
    proc.child.exitCode !== null
      ? Promise.resolve(proc.child.exitCode)
      : new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
  const startEnrolled = (dir: string) => {
    const proc = spawnCli(['worker', '--work-dir', dir]);
    workers.push(proc);
    return proc;
  };

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', { folderName: 'Ops', bundle: echoProject() });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.cleanup();
  });

  it('creates its CA and server certificate owner-only, and says its fingerprint', async () => {
    const info = await client.call('master.info', {});
    expect(info.agentTls).toBe(true);
    expect(info.agentUrl).toMatch(/^wss:\/\//);
    expect(info.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(info.caFingerprint).toBe(master.caFingerprint);
    for (const key of ['ca.key', 'server.key'])
      expect(statSync(join(master.dataDir, 'tls', key)).mode & 0o777).toBe(0o600);
    expect(statSync(join(master.dataDir, 'tls')).mode & 0o777).toBe(0o700);
  });

  it('enrols a worker once per token; the token embeds the CA fingerprint; the key stays on the worker', async () => {
    const created = await newToken({ name: 'alpha', tags: ['etl', 'linux'] });
    expect(created.installCommand).toBe(
      `scaleout worker install --master ${created.advertisedAgentUrl} --token ${created.token}`,
    );
    expect(created.token).toMatch(/^SOE1\.[\w-]{43}\.[\w-]{43}$/);
    const dir = workDir();
    const result = await enrolWorker({ masterUrl: master.agentUrl, token: created.token, workDir: dir });
    expect(result.caFingerprint).toBe(master.caFingerprint);
    expect(result.credentialDir).toBe(join(dir, 'credentials'));
    for (const file of ['key.pem', 'cert.pem', 'ca.pem', 'identity.json'])
      expect(statSync(join(result.credentialDir, file)).mode & 0o777).toBe(0o600);
    const identity = JSON.parse(readFileSync(join(result.credentialDir, 'identity.json'), 'utf8'));
    expect(identity).toMatchObject({ workerId: result.workerId, name: 'alpha', tags: ['etl', 'linux'] });
    const cert = new X509Certificate(readFileSync(join(result.credentialDir, 'cert.pem')));
    expect(cert.subject).toContain(`CN=${result.workerId}`);
    expect(cert.verify(new X509Certificate(readFileSync(master.caFile!)).publicKey)).toBe(true);
    // The stolen token, after its use, is worth nothing.
    const again = await refusal(
      enrolWorker({ masterUrl: master.agentUrl, token: created.token, workDir: workDir() }),
    );
    expect(again.reason).toBe('used');
    expect(again.message).toMatch(/already used at .* \(by worker alpha\); a token enrols one worker only/);
    const { tokens } = await client.call('worker.enrolmentToken.list', {});
    expect(tokens.find((t) => t.tokenId === created.tokenId)).toMatchObject({
      state: 'used',
      usedByWorkerId: result.workerId,
      usedByWorkerName: 'alpha',
    });
  });

  it('lets exactly one of two racing workers use a token', async () => {
    const { token } = await newToken();
    const results = await Promise.allSettled([
      enrolWorker({ masterUrl: master.agentUrl, token, workDir: workDir() }),
      enrolWorker({ masterUrl: master.agentUrl, token, workDir: workDir() }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ reason: 'used' });
  });

  it('refuses expired, revoked, unknown and malformed tokens, each with its own message', async () => {
    const expiring = await newToken();
    const db = await openDb(master.catalogFile);
    await db.run("UPDATE enrolment_tokens SET expires_time = '2001-01-01T00:00:00.000Z' WHERE token_id = ?", [
      expiring.tokenId,
    ]);
    await db.close();
    const expired = await refusal(
      enrolWorker({ masterUrl: master.agentUrl, token: expiring.token, workDir: workDir() }),
    );
    expect(expired).toEqual({ reason: 'expired', message: expect.stringMatching(/expired at 2001-01-01/) });

    const revoking = await newToken();
    await client.call('worker.enrolmentToken.revoke', { tokenId: revoking.tokenId });
    const revoked = await refusal(
      enrolWorker({ masterUrl: master.agentUrl, token: revoking.token, workDir: workDir() }),
    );
    expect(revoked).toEqual({ reason: 'revoked', message: expect.stringMatching(/was revoked at/) });

    // Well formed, the right fingerprint, but a secret the master never issued.
    const [, , fingerprint] = revoking.token.split('.');
    const unknownToken = `SOE1.${Buffer.alloc(32, 7).toString('base64url')}.${fingerprint}`;
    const unknown = await refusal(
      enrolWorker({ masterUrl: master.agentUrl, token: unknownToken, workDir: workDir() }),
    );
    expect(unknown).toEqual({ reason: 'unknown', message: expect.stringMatching(/not known to the master/) });

    const malformed = await refusal(
      enrolWorker({ masterUrl: master.agentUrl, token: 'SOE1.abc', workDir: workDir() }),
    );
    expect(malformed.reason).toBe('invalid');
  });

  it('refuses a master whose CA is not the one the token pins, naming both fingerprints, before sending the token', async () => {
    const { token, tokenId } = await newToken();
    const wrong = 'ab'.repeat(32);
    const [prefix, secret] = token.split('.');
    const tampered = `${prefix}.${secret}.${Buffer.from(wrong, 'hex').toString('base64url')}`;
    const refused = await refusal(
      enrolWorker({ masterUrl: master.agentUrl, token: tampered, workDir: workDir() }),
    );
    expect(refused.reason).toBe('pin');
    expect(refused.message).toContain(
      `the master's CA fingerprint is ${master.caFingerprint}, but this worker pins ${wrong}`,
    );
    // The token never reached the master: it is still unused.
    const { tokens } = await client.call('worker.enrolmentToken.list', {});
    expect(tokens.find((t) => t.tokenId === tokenId)?.state).toBe('active');
  });

  it('a running worker refuses a master with another CA and stops (exit 2), naming both fingerprints', async () => {
    const wrong = 'cd'.repeat(32);
    const proc = spawnCli(
      ['worker', '--master', master.agentUrl, '--work-dir', workDir(), '--ca-fingerprint', wrong],
      { SCALEOUT_AGENT_TOKEN: master.agentToken },
    );
    workers.push(proc);
    expect(await exited(proc)).toBe(2);
    expect(proc.output()).toContain(
      `the master's CA fingerprint is ${master.caFingerprint}, but this worker pins ${wrong}`,
    );
  });

  it('an enrolled worker connects with its certificate over wss and runs a package; revoked, it is cut off and refused again', async () => {
    const { token } = await newToken({ name: 'bravo' });
    const dir = workDir();
    const { workerId } = await enrolWorker({ masterUrl: master.agentUrl, token, workDir: dir });
    // No agent token in its environment: only the certificate can let it in.
    const worker = startEnrolled(dir);
    await worker.waitForLine(/connected to wss:\/\/127\.0\.0\.1:\d+ as bravo/);
    const { executionId } = await client.call('execution.create', {
      folderName: 'Ops',
      projectName: 'Echo',
      packageName: 'Say',
      parameters: { Target: 'over TLS', Count: 1 },
      targeting: { kind: 'workers', names: ['bravo'] },
    });
    const done = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    expect(done.status).toBe(ExecutionStatus.succeeded);
    expect(done.workerName).toBe('bravo');

    const revoked = await client.call('worker.revoke', { name: 'bravo' });
    expect(revoked).toEqual({ workerId, name: 'bravo', disconnected: true });
    expect(await exited(worker)).toBe(2);
    expect(worker.output()).toMatch(/the master revoked this worker \(4007: worker revoked by console/);
    expect(worker.output()).not.toMatch(/retrying in/);
    const row = (await client.call('worker.list', {})).workers.find((w) => w.workerId === workerId);
    expect(row).toMatchObject({ enabled: false, state: 'offline', revokedAt: expect.any(String) });
    expect(row?.stateReason).toMatch(/^revoked at /);

    const again = startEnrolled(dir);
    expect(await exited(again)).toBe(2);
    expect(again.output()).toMatch(/the master revoked this worker \(4007: worker revoked at /);
  });

  it('refuses a key that is not P-256, a proof by another key and an oversized request, and spends no token', async () => {
    const { token, tokenId } = await newToken();
    const post = (body: string) =>
      new Promise<{ status: number; json: { ok: boolean; error?: { reason: string; message: string } } }>(
        (resolve, reject) => {
          const url = new URL(master.agentUrl);
          const req = request(
            {
              host: url.hostname,
              port: url.port,
              path: '/enrol',
              method: 'POST',
              ca: readFileSync(master.caFile!),
            },
            (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
            },
          );
          req.on('error', reject);
          req.end(body);
        },
      );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = (k: typeof ec.publicKey) => k.export({ type: 'spki', format: 'pem' }).toString();
    const proof = (key: typeof ec.privateKey) =>
      sign('sha256', Buffer.from(`scaleout-enrol:${token}`), key).toString('base64');
    const asRsa = await post(
      JSON.stringify({ token, publicKey: pem(rsa.publicKey), proof: proof(rsa.privateKey) }),
    );
    expect(asRsa).toEqual({
      status: 400,
      json: { ok: false, error: { reason: 'invalid', message: 'publicKey: must be an ECDSA P-256 key' } },
    });
    const stolenKey = await post(
      JSON.stringify({ token, publicKey: pem(ec.publicKey), proof: proof(other.privateKey) }),
    );
    expect(stolenKey.json.error).toEqual({
      reason: 'invalid',
      message: 'proof: the signature does not match the public key',
    });
    const huge = await post(JSON.stringify({ token, publicKey: 'x'.repeat(20_000), proof: 'p' }));
    expect(huge.json.error).toEqual({ reason: 'invalid', message: 'request larger than 16384 bytes' });
    const { tokens } = await client.call('worker.enrolmentToken.list', {});
    expect(tokens.find((t) => t.tokenId === tokenId)?.state).toBe('active');
  });

  it('refuses to revoke by a name two workers share, and takes the id instead', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { token } = await newToken({ name: 'twin' });
      ids.push((await enrolWorker({ masterUrl: master.agentUrl, token, workDir: workDir() })).workerId);
    }
    await expect(client.call('worker.revoke', { name: 'twin' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining(`2 workers are named twin: revoke one by its id (`),
    });
    expect(await client.call('worker.revoke', { name: ids[0]! })).toEqual({
      workerId: ids[0],
      name: 'twin',
      disconnected: false,
    });
  });
});
