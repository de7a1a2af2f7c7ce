import { X509Certificate, createPublicKey } from 'node:crypto';
import type { MasterTrust } from '../protocol/wire';
import type { EnrolmentRepo } from '../catalog/enrolmentRepo';
import type { WorkerSession } from '../gateway/workerSession';
import { certificateFingerprint, issueWorkerCertificate } from './certificates';
import type { AgentTls } from './agentTls';

/**
 * The `master.trust` message for one connected worker: every CA to pin now and, when its client
 * certificate is not from the newest CA (a CA rotation is under way), a new one for the same key,
 * so it still authenticates once the old CA is dropped. Workers on the shared token get the CAs only.
 */
export function createWorkerTrust(tls: AgentTls, enrolment: EnrolmentRepo) {
  return async function trustFor(session: WorkerSession): Promise<MasterTrust> {
    const cas = tls.trustedCas();
    let clientCertificate: string | null = null;
    if (session.credential) {
      const signing = tls.signingCa();
      const issuer = new X509Certificate(signing.certPem);
      const cert = session.credential.cert;
      if (!(cert.checkIssued(issuer) && cert.verify(issuer.publicKey))) {
        const publicKeyPem = createPublicKey({
          key: session.credential.publicKeyDer,
          format: 'der',
          type: 'spki',
        })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        clientCertificate = await issueWorkerCertificate(signing, session.workerId, publicKeyPem);
        await enrolment.replaceCertificate(session.workerId, clientCertificate);
        session.credential.cert = new X509Certificate(clientCertificate);
      }
    }
    return {
      type: 'master.trust',
      caFingerprints: cas.map((c) => certificateFingerprint(c.certPem)),
      caCertificates: cas.map((c) => c.certPem),
      clientCertificate,
    };
  };
}
