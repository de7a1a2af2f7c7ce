import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION } from '../protocol/wire';
import type { WorkerHello } from '../protocol/wire';
import type { EnrolmentRepo } from '../catalog/enrolmentRepo';
import { createCertificateAuthority, issueWorkerCertificate } from '../security/certificates';
import { authenticateHello, isLoopback } from './workerAuth';
import type { PeerInfo } from './workerAuth';

const hello = (overrides: Partial<WorkerHello> = {}): WorkerHello => ({
  type: 'worker.hello',
  protocolVersion: PROTOCOL_VERSION,
  agentVersion: '0.1.0',
  workerId: 'w1',
  name: 'w1',
  tags: [],
  maxTasks: 1,
  machine: {
    hostname: 'h',
    platform: 'linux',
    arch: 'x64',
    cpuCount: 1,
    totalMemoryBytes: 1,
    nodeVersion: '20',
    userAccount: 'u',
  },
  runningAttemptIds: [],
  limits: { maxCpuPercent: 100, minFreeMemoryBytes: 0 },
  ...overrides,
});

const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = (key: ReturnType<typeof keyPair>['publicKey']) => key.export({ type: 'spki', format: 'der' });

function repo(credentials: Record<string, { key: Buffer; revoked?: string }>): EnrolmentRepo {
  return {
    revokedAt: async (id: string) => credentials[id]?.revoked ?? null,
    credential: async (id: string) =>
      credentials[id]
        ? ({ worker_agent_id: id, public_key_der: credentials[id].key.toString('base64') } as never)
        : undefined,
  } as unknown as EnrolmentRepo;
}

const peer = (over: Partial<PeerInfo> = {}): PeerInfo => ({
  address: '127.0.0.1',
  loopback: true,
  certificate: null,
  ...over,
});

describe('who may say hello', async () => {
  const ca = await createCertificateAuthority('test');
  const keys = keyPair();
  const cert = new X509Certificate(
    await issueWorkerCertificate(ca, 'w1', keys.publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  );
  const enrolled = repo({ w1: { key: spki(keys.publicKey) } });
  const token = 'shared-agent-token-0123456789';
  const auth = (h: WorkerHello, p: PeerInfo, r = enrolled) =>
    authenticateHello(h, p, { agentToken: token, enrolment: r });

  it('an enrolled worker with its certificate, from anywhere', async () => {
    const result = await auth(
      hello(),
      peer({ address: '10.0.0.5', loopback: false, certificate: { cert, error: null } }),
    );
    expect(result).toMatchObject({ ok: true, via: 'certificate' });
  });

  it.each([
    [
      'a certificate the TLS layer did not verify',
      { cert, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      hello(),
      /client certificate not accepted: UNABLE_TO_VERIFY/,
    ],
    [
      "another worker's certificate",
      { cert, error: null },
      hello({ workerId: 'w2' }),
      /the client certificate is worker w1's, not w2's/,
    ],
  ])('refuses %s', async (_what, certificate, h, reason) => {
    expect(await auth(h, peer({ loopback: false, certificate }))).toMatchObject({
      ok: false,
      code: CloseCode.authFailed,
      reason: expect.stringMatching(reason),
    });
  });

  it('refuses a certificate whose key is not the enrolled one, or a worker with no credential', async () => {
    const other = repo({ w1: { key: spki(keyPair().publicKey) } });
    expect(await auth(hello(), peer({ certificate: { cert, error: null } }), other)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not carry the key this worker enrolled with/),
    });
    expect(await auth(hello(), peer({ certificate: { cert, error: null } }), repo({}))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no credential is registered/),
    });
  });

  it('refuses a revoked worker whatever it presents (4007)', async () => {
    const revoked = repo({ w1: { key: spki(keys.publicKey), revoked: '2030-01-01T00:00:00.000Z' } });
    for (const p of [peer({ certificate: { cert, error: null } }), peer()]) {
      expect(await auth(hello({ token }), p, revoked)).toEqual({
        ok: false,
        code: CloseCode.revoked,
        reason: 'worker revoked at 2030-01-01T00:00:00.000Z; enrol it again to bring it back',
      });
    }
  });

  it('takes the shared agent token from this machine only', async () => {
    expect(await auth(hello({ token }), peer())).toEqual({ ok: true, via: 'token' });
    expect(await auth(hello({ token }), peer({ address: '10.0.0.5', loopback: false }))).toMatchObject({
      ok: false,
      code: CloseCode.authFailed,
      reason: expect.stringMatching(/accepted from the master machine only/),
    });
    expect(await auth(hello({ token: 'wrong' }), peer())).toMatchObject({
      ok: false,
      reason: 'agent token not accepted',
    });
    expect(await auth(hello(), peer())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^no credential: enrol/),
    });
  });

  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['', false],
  ])('isLoopback(%j) is %s', (address, expected) => expect(isLoopback(address)).toBe(expected));
});
