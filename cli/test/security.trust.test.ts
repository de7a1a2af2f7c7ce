import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  certificateFingerprint,
  issueServerCertificate,
  issueWorkerCertificate,
} from '../../master-core/security/certificates';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyMasterChain } from '../../worker-agent/masterTrust';
import { applyTrust, loadCredentials, saveCredentials } from '../../worker-agent/credentials';

/** The worker's pin check against certificates the master really makes (pure: no sockets). */
describe('a worker checking the chain its master presents', async () => {
  const ca = await createCertificateAuthority('master');
  const otherCa = await createCertificateAuthority('someone else');
  const server = await issueServerCertificate(ca, ['localhost', '127.0.0.1']);
  const der = (pem: string) => new X509Certificate(pem).raw;
  const pin = certificateFingerprint(ca.certPem);
  const chain = [der(server.certPem), der(ca.certPem)];

  it('accepts a serverAuth certificate signed by a pinned CA, whatever the host name', () => {
    expect(verifyMasterChain(chain, [pin])).toEqual({ ok: true, caFingerprint: pin });
    expect(verifyMasterChain(chain, ['ff'.repeat(32), pin])).toEqual({ ok: true, caFingerprint: pin });
  });

  it('refuses another CA, naming both fingerprints', () => {
    const wrong = certificateFingerprint(otherCa.certPem);
    const verdict = verifyMasterChain(chain, [wrong]);
    expect(verdict).toEqual({
      ok: false,
      message: expect.stringContaining(
        `the master's CA fingerprint is ${pin}, but this worker pins ${wrong}: refusing to connect`,
      ),
    });
  });

  it('refuses a chain whose CA did not sign the certificate, or that lacks its CA', () => {
    expect(verifyMasterChain([der(server.certPem), der(otherCa.certPem)], [pin]).ok).toBe(false);
    expect(verifyMasterChain([der(server.certPem)], [pin]).ok).toBe(false);
    expect(verifyMasterChain([], [pin])).toEqual({
      ok: false,
      message: 'the master presented no certificate',
    });
  });

  it("refuses a worker's client certificate posing as the master (no serverAuth)", async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const workerCert = await issueWorkerCertificate(
      ca,
      'w1',
      publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    );
    expect(verifyMasterChain([der(workerCert), der(ca.certPem)], [pin])).toEqual({
      ok: false,
      message: 'the master presented a certificate that is not for a server (no serverAuth usage)',
    });
  });

  it('refuses anything when nothing is pinned, and certificates outside their validity', () => {
    expect(verifyMasterChain(chain, [])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/no CA fingerprint is pinned/),
    });
    expect(verifyMasterChain(chain, [pin], Date.now() + 400 * 86_400_000)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/is not valid now/),
    });
  });
});

describe('a worker applying master.trust', async () => {
  const ca = await createCertificateAuthority('old');
  const next = await createCertificateAuthority('new');
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const fp = (pem: string) => certificateFingerprint(pem);

  it('stores the new pins and a re-issued certificate for its own key; refuses anything that does not match', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'scaleout-cred-')), 'credentials');
    try {
      saveCredentials(dir, {
        workerId: 'w1',
        name: 'w1',
        tags: [],
        masterUrl: 'wss://m:8391',
        caFingerprints: [fp(ca.certPem)],
        enrolledAt: new Date().toISOString(),
        keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        certPem: await issueWorkerCertificate(ca, 'w1', publicPem),
        caPems: [ca.certPem],
      });
      const current = loadCredentials(dir)!;
      const reissued = await issueWorkerCertificate(next, 'w1', publicPem);
      const trust = {
        caFingerprints: [fp(ca.certPem), fp(next.certPem)],
        caCertificates: [ca.certPem, next.certPem],
        clientCertificate: reissued,
      };
      const updated = applyTrust(current, trust);
      expect(updated).toMatchObject({ caFingerprints: trust.caFingerprints, certPem: reissued });
      expect(loadCredentials(dir)).toMatchObject({ caFingerprints: trust.caFingerprints, certPem: reissued });
      expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toContain(next.certPem.trim());

      const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
      const foreign = await issueWorkerCertificate(
        next,
        'w1',
        otherKey.export({ type: 'spki', format: 'pem' }).toString(),
      );
      expect(applyTrust(current, { ...trust, clientCertificate: foreign })).toBe(
        'the re-issued certificate is not for this worker key',
      );
      expect(applyTrust(current, { ...trust, caFingerprints: [fp(ca.certPem)] })).toBe(
        'a CA certificate does not match the fingerprints sent with it',
      );
      expect(loadCredentials(dir)?.certPem).toBe(reissued);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});
