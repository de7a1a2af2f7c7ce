import { X509Certificate, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ENROLMENT_TOKEN_PREFIX, EnrolResponse, enrolProofText } from '../master-core/protocol/wire';
import type { EnrolRefusal, EnrolRequest } from '../master-core/protocol/wire';
import { ScaleOutError } from '../master-core/protocol/errors';
import { certificateMatchesKey, credentialsDir, hasCredentials, saveCredentials } from './credentials';
import { connectPinned, fingerprintOf, pemCertificates } from './masterTrust';

export interface EnrolOptions {
  /** The master's agent endpoint, wss://HOST:8391. */
  masterUrl: string;
  /** The one-time enrolment token: SOE1.<secret>.<CA fingerprint>. */
  token: string;
  name?: string;
  tags?: string[];
  workDir: string;
  /** Where the credentials go; default `<workDir>/credentials`. */
  credentialDir?: string;
}

export interface EnrolResult {
  workerId: string;
  caFingerprint: string;
  credentialDir: string;
}

/** The master refused the token, or the enrolment could not be done; `reason` says which. */
export class EnrolmentError extends ScaleOutError {
  constructor(
    readonly reason: EnrolRefusal | 'unreachable' | 'pin',
    message: string,
  ) {
    super(
      reason === 'unreachable' ? 'NETWORK' : reason === 'invalid' ? 'VALIDATION_FAILED' : 'UNAUTHORIZED',
      message,
      {
        field: reason === 'unreachable' || reason === 'pin' ? 'master' : 'token',
      },
    );
  }
}

/** The CA fingerprint a token pins, or an error naming what is wrong with it. */
export function tokenFingerprint(token: string): string {
  const parts = token.trim().split('.');
  const fingerprint = parts.length === 3 ? Buffer.from(parts[2]!, 'base64url') : Buffer.alloc(0);
  if (
    parts[0] !== ENROLMENT_TOKEN_PREFIX ||
    fingerprint.length !== 32 ||
    Buffer.from(parts[1]!, 'base64url').length !== 32
  )
    throw new EnrolmentError(
      'invalid',
      `not an enrolment token (one looks like ${ENROLMENT_TOKEN_PREFIX}.<secret>.<fingerprint>)`,
    );
  return fingerprint.toString('hex');
}

function enrolUrl(masterUrl: string): URL {
  const url = new URL(masterUrl);
  if (url.protocol !== 'wss:')
    throw new EnrolmentError(
      'invalid',
      `--master must be a wss:// URL to enrol (got ${masterUrl}): enrolment needs TLS`,
    );
  return url;
}

async function post(url: URL, pin: string, body: EnrolRequest): Promise<EnrolResponse> {
  let socket;
  try {
    socket = await connectPinned(url, { pins: () => [pin] });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.name === 'PinMismatchError') throw new EnrolmentError('pin', message);
    throw new EnrolmentError('unreachable', `cannot reach the master at ${url.host}: ${message}`);
  }
  const payload = JSON.stringify(body);
  const text = await new Promise<string>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: url.hostname,
        port: url.port || 443,
        method: 'POST',
        path: '/enrol',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          connection: 'close',
        },
        // The socket whose master already passed the pin check: the token goes nowhere else.
        createConnection: () => socket,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          socket.destroy();
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('the master did not answer in 30 s')));
    req.on('error', reject);
    req.end(payload);
  }).catch((error: Error) => {
    throw new EnrolmentError('unreachable', `enrolment request to ${url.host} failed: ${error.message}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new EnrolmentError('unreachable', `the master's answer is not JSON: ${text.slice(0, 200)}`);
  }
  const parsed = EnrolResponse.safeParse(json);
  if (!parsed.success)
    throw new EnrolmentError('unreachable', 'the master answered the enrolment with an unexpected shape');
  return parsed.data;
}

/**
 * Enrols this machine as a worker: makes its own ECDSA P-256 key pair here (the private key never
 * leaves), connects to the master pinning the CA fingerprint the token carries, trades the token
 * and the public key for a client certificate, and stores key, certificate, CAs and identity under
 * `<workDir>/credentials/` (owner-only). A token works once; the master says why it refuses one.
 */
export async function enrolWorker(options: EnrolOptions): Promise<EnrolResult> {
  const pin = tokenFingerprint(options.token);
  const url = enrolUrl(options.masterUrl);
  mkdirSync(options.workDir, { recursive: true });
  const dir = options.credentialDir ?? credentialsDir(options.workDir);
  if (hasCredentials(dir))
    throw new EnrolmentError(
      'invalid',
      `${dir} already holds an enrolled worker's credentials; use another work directory, or remove it to enrol again`,
    );
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const token = options.token.trim();
  const proof = sign('sha256', Buffer.from(enrolProofText(token)), privateKey).toString('base64');
  const response = await post(url, pin, {
    token,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    proof,
    machineName: hostname(),
    ...(options.name ? { name: options.name } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
  });
  if (!response.ok)
    throw new EnrolmentError(response.error.reason, `enrolment refused: ${response.error.message}`);
  const value = response.value;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const caPems = value.caCertificates.flatMap(pemCertificates);
  const listed = new Set(value.caFingerprints);
  if (!listed.has(pin) || caPems.some((pem) => !listed.has(fingerprintOf(new X509Certificate(pem).raw))))
    throw new EnrolmentError(
      'pin',
      'the master sent CA certificates that do not match the pinned fingerprint',
    );
  if (!certificateMatchesKey(value.certificate, keyPem))
    throw new EnrolmentError('invalid', 'the master sent a certificate for another key');
  const credentialDir = saveCredentials(dir, {
    workerId: value.workerId,
    name: value.name,
    tags: value.tags,
    masterUrl: options.masterUrl,
    caFingerprints: value.caFingerprints,
    enrolledAt: new Date().toISOString(),
    keyPem,
    certPem: value.certificate,
    caPems,
  });
  // The agent keeps its id here; the enrolled one is the only one the master accepts for this key.
  writeFileSync(join(options.workDir, 'worker-id'), `${value.workerId}\n`);
  return { workerId: value.workerId, caFingerprint: pin, credentialDir };
}
