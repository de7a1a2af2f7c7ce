// The polyfill must be evaluated before @peculiar/x509 (its DI container checks for it on load).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, X509Certificate, createHash, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * The master's certificate authority and the certificates it signs: one server certificate for
 * the agent endpoint, and one client certificate per enrolled worker (its public key, its id).
 * ECDSA P-256 with SHA-256 throughout: small, fast to generate, and accepted by every TLS stack.
 */

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const SIGNING = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const IMPORT = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DAY_MS = 86_400_000;

/** How long each kind of certificate is valid. The CA outlives everything it signs. */
export const VALIDITY_DAYS = { ca: 3650, server: 397, worker: 1825 } as const;
/** The server certificate is renewed (same CA, same fingerprint for workers) this close to its end. */
export const RENEW_SERVER_BEFORE_DAYS = 30;

/** A certificate with its private key, both PEM (the forms Node's TLS takes). */
export interface KeyedCertificate {
  certPem: string;
  keyPem: string;
}

/** SHA-256 of the certificate's DER bytes, 64 lower-case hex digits: what workers pin. */
export function certificateFingerprint(certPem: string): string {
  return createHash('sha256').update(new X509Certificate(certPem).raw).digest('hex');
}

const serialNumber = () => {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive, as RFC 5280 wants
  return bytes.toString('hex');
};

const validity = (days: number) => {
  const now = Date.now();
  // An hour of slack for clocks a little behind the master's.
  return { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + days * DAY_MS) };
};

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(SIGNING, true, ['sign', 'verify'])) as CryptoKeyPair;
}

const privatePem = (key: CryptoKey) =>
  KeyObject.from(key as unknown as webcrypto.CryptoKey)
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();

async function importSigningKey(keyPem: string): Promise<CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return (await webcrypto.subtle.importKey('pkcs8', der, IMPORT, false, ['sign'])) as CryptoKey;
}

/** A new self-signed certificate authority for this master. */
export async function createCertificateAuthority(commonName: string): Promise<KeyedCertificate> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: `CN=${escapeDn(commonName)}, O=Scale Out`,
    ...validity(VALIDITY_DAYS.ca),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: privatePem(keys.privateKey) };
}

async function issue(
  ca: KeyedCertificate,
  subject: string,
  publicKey: CryptoKey,
  days: number,
  extensions: x509.Extension[],
): Promise<string> {
  const issuer = new x509.X509Certificate(ca.certPem);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject,
    issuer: issuer.subject,
    ...validity(days),
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: await importSigningKey(ca.keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(issuer),
      ...extensions,
    ],
  });
  return cert.toString('pem');
}

/** The agent endpoint's certificate: serverAuth only, with every name and address given. */
export async function issueServerCertificate(
  ca: KeyedCertificate,
  names: readonly string[],
): Promise<KeyedCertificate> {
  const keys = await generateKeys();
  const altNames = [...new Set(names)].map((value) =>
    isIP(value) ? { type: 'ip' as const, value } : { type: 'dns' as const, value },
  );
  const certPem = await issue(
    ca,
    `CN=${escapeDn(names[0] ?? 'scaleout-master')}`,
    keys.publicKey,
    VALIDITY_DAYS.server,
    [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(altNames, false),
    ],
  );
  return { certPem, keyPem: privatePem(keys.privateKey) };
}

/**
 * A worker's client certificate: the worker's own public key (its private key never left it),
 * its id as the common name, clientAuth only (it can never pass as the master's server certificate).
 */
export async function issueWorkerCertificate(
  ca: KeyedCertificate,
  workerId: string,
  publicKeyPem: string,
): Promise<string> {
  const spki = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const publicKey = (await webcrypto.subtle.importKey('spki', spki, IMPORT, true, ['verify'])) as CryptoKey;
  return issue(ca, `CN=${escapeDn(workerId)}, O=Scale Out worker`, publicKey, VALIDITY_DAYS.worker, [
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
  ]);
}

/** The DNS names and IP addresses a server certificate covers. */
export function subjectAltNames(certPem: string): string[] {
  const text = new X509Certificate(certPem).subjectAltName ?? '';
  return text
    .split(/,\s*/)
    .map((part) => part.replace(/^(DNS|IP Address):/, ''))
    .filter((v) => v !== '')
    .map((v) => (isIP(v) === 6 ? normalizeIpv6(v) : v));
}

const normalizeIpv6 = (v: string) => new URL(`http://[${v}]/`).hostname.slice(1, -1);

/** Milliseconds until the certificate's end of validity (negative once past). */
export function msUntilExpiry(certPem: string, nowMs = Date.now()): number {
  return Date.parse(new X509Certificate(certPem).validTo) - nowMs;
}

const escapeDn = (value: string) => value.replace(/([,+"\\<>;=])/g, '\\$1');
