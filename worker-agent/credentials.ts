import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Fingerprint } from '../master-core/protocol/wire';
import { fingerprintOf, pemCertificates } from './masterTrust';

/**
 * What enrolment leaves in `<work-dir>/credentials/` (folder 0700, files 0600): this worker's
 * private key (`key.pem`, made here, never sent), its certificate from the master's CA
 * (`cert.pem`), the CAs it pins (`ca.pem`) and `identity.json` (worker id, name, tags, master URL,
 * pinned fingerprints). The pins and the certificate change when the master rotates its CA.
 */
export const Identity = z.strictObject({
  workerId: z.string().min(1),
  name: z.string().min(1),
  tags: z.array(z.string()),
  masterUrl: z.string(),
  caFingerprints: z.array(Fingerprint).min(1),
  enrolledAt: z.string(),
});
export type Identity = z.infer<typeof Identity>;

export interface WorkerCredentials extends Identity {
  dir: string;
  keyPem: string;
  certPem: string;
}

export const credentialsDir = (workDir: string) => join(workDir, 'credentials');

function writeSecret(file: string, text: string): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

export function hasCredentials(dir: string): boolean {
  return existsSync(join(dir, 'identity.json'));
}

/** Reads the credentials in `dir`, or null when the worker was never enrolled; a damaged set is an error naming the file. */
export function loadCredentials(dir: string): WorkerCredentials | null {
  const identityFile = join(dir, 'identity.json');
  if (!existsSync(identityFile)) return null;
  const parsed = Identity.safeParse(JSON.parse(readFileSync(identityFile, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${identityFile}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return {
    ...parsed.data,
    dir,
    keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  };
}

export function saveCredentials(
  dir: string,
  credentials: Omit<WorkerCredentials, 'dir'> & { caPems: string[] },
): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writeSecret(join(dir, 'key.pem'), credentials.keyPem);
  writeSecret(join(dir, 'cert.pem'), credentials.certPem);
  writeSecret(join(dir, 'ca.pem'), credentials.caPems.join(''));
  const identity: Identity = Identity.parse({
    workerId: credentials.workerId,
    name: credentials.name,
    tags: credentials.tags,
    masterUrl: credentials.masterUrl,
    caFingerprints: credentials.caFingerprints,
    enrolledAt: credentials.enrolledAt,
  });
  writeSecret(join(dir, 'identity.json'), `${JSON.stringify(identity, null, 2)}\n`);
  return dir;
}

/** Does this certificate certify this private key's public half? */
export function certificateMatchesKey(certPem: string, keyPem: string): boolean {
  const certKey = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const ownKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return certKey.equals(ownKey);
}

/**
 * Applies a `master.trust` from the trusted connection: the new pins, the CA certificates (each
 * must match a listed fingerprint) and a re-issued certificate (it must be for our own key).
 * Returns the credentials as they are now, or an error message and changes nothing; throws only
 * when the checked files cannot be written.
 */
export function applyTrust(
  current: WorkerCredentials,
  trust: { caFingerprints: string[]; caCertificates: string[]; clientCertificate: string | null },
): WorkerCredentials | string {
  const caPems = trust.caCertificates.flatMap(pemCertificates);
  const listed = new Set(trust.caFingerprints);
  try {
    if (caPems.some((pem) => !listed.has(fingerprintOf(new X509Certificate(pem).raw))))
      return 'a CA certificate does not match the fingerprints sent with it';
    if (trust.clientCertificate && !certificateMatchesKey(trust.clientCertificate, current.keyPem))
      return 'the re-issued certificate is not for this worker key';
  } catch (error) {
    return `a certificate cannot be read: ${(error as Error).message}`;
  }
  const next = {
    ...current,
    caFingerprints: trust.caFingerprints,
    certPem: trust.clientCertificate ?? current.certPem,
  };
  saveCredentials(current.dir, { ...next, caPems });
  return next;
}
