import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  certificateFingerprint,
  issueServerCertificate,
  issueWorkerCertificate,
} from '../../master-core/security/certificates';
import { verifyMasterChain } from '../../worker-agent/masterTrust';

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
