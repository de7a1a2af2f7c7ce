import { createPublicKey, randomUUID, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnrolRequest, enrolProofText } from '../protocol/wire';
import type { EnrolRefusal, EnrolResponse } from '../protocol/wire';
import { EnrolmentRefused } from '../catalog/enrolmentRepo';
import type { EnrolmentRepo } from '../catalog/enrolmentRepo';
import { certificateFingerprint, issueWorkerCertificate } from '../security/certificates';
import { parseEnrolmentToken } from '../security/enrolmentTokens';
import type { AgentTls } from '../security/agentTls';
import type { Logger } from '../logger';

export interface EnrolRouteDeps {
  enrolment: EnrolmentRepo;
  /** Null when the endpoint runs without TLS: enrolment is refused then. */
  tls: AgentTls | null;
  /** New workers start disabled unless the master auto-enables them (as at hello). */
  autoEnableWorkers: boolean;
  log: Logger;
  onEnrolled: (workerId: string) => void;
}

const MAX_BODY_BYTES = 16 * 1024;
const STATUS: Record<EnrolRefusal, number> = {
  unknown: 403,
  used: 403,
  expired: 403,
  revoked: 403,
  invalid: 400,
  unavailable: 503,
};

function reply(res: ServerResponse, status: number, body: EnrolResponse): void {
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      connection: 'close',
    })
    .end(JSON.stringify(body));
}

const refused = (res: ServerResponse, reason: EnrolRefusal, message: string) =>
  reply(res, STATUS[reason], { ok: false, error: { reason, message } });

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Too large: the rest is read and dropped, and the answer says so.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The worker's key: ECDSA P-256 only, and it must have signed the token (it holds the private key). */
function checkKey(request: EnrolRequest): KeyObject | string {
  let key: KeyObject;
  try {
    key = createPublicKey(request.publicKey);
  } catch {
    return 'publicKey: not a PEM public key';
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    return 'publicKey: must be an ECDSA P-256 key';
  const proof = Buffer.from(request.proof, 'base64');
  if (!verify('sha256', Buffer.from(enrolProofText(request.token)), key, proof))
    return 'proof: the signature does not match the public key';
  return key;
}

/** POST /enrol on the agent endpoint: a one-time token and a public key in, a client certificate out. */
export function createEnrolRoute(deps: EnrolRouteDeps) {
  return async function handleEnrol(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const tls = deps.tls;
    if (!tls)
      return refused(
        res,
        'unavailable',
        'the agent endpoint runs without TLS (--insecure-agent-endpoint): enrolment needs TLS',
      );
    const text = await readBody(req);
    if (text === null) return refused(res, 'invalid', `request larger than ${MAX_BODY_BYTES} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refused(res, 'invalid', 'the request is not valid JSON');
    }
    const parsed = EnrolRequest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refused(res, 'invalid', `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    const request = parsed.data;
    const token = parseEnrolmentToken(request.token);
    if (!token)
      return refused(
        res,
        'invalid',
        'this is not an enrolment token (one looks like SOE1.<secret>.<fingerprint>)',
      );
    const key = checkKey(request);
    if (typeof key === 'string') return refused(res, 'invalid', key);
    try {
      const presets = await deps.enrolment.peek(token.secretHash);
      const workerId = randomUUID();
      const name =
        presets.presetName ?? request.name ?? request.machineName ?? `worker-${workerId.slice(0, 8)}`;
      const tags = presets.presetTags ?? request.tags ?? [];
      const ca = tls.signingCa();
      const publicKeyPem = key.export({ type: 'spki', format: 'pem' }).toString();
      const certificate = await issueWorkerCertificate(ca, workerId, publicKeyPem);
      await deps.enrolment.enrol({
        secretHash: token.secretHash,
        workerId,
        name,
        tags,
        machineName: request.machineName ?? '',
        enabled: deps.autoEnableWorkers,
        publicKeyDer: key.export({ type: 'spki', format: 'der' }),
        certificatePem: certificate,
      });
      const cas = tls.trustedCas();
      deps.log.info(`enrolled worker ${name} (${workerId}) from ${req.socket.remoteAddress ?? '?'}`);
      deps.onEnrolled(workerId);
      return reply(res, 200, {
        ok: true,
        value: {
          workerId,
          name,
          tags,
          certificate,
          caCertificates: cas.map((c) => c.certPem),
          caFingerprints: cas.map((c) => certificateFingerprint(c.certPem)),
        },
      });
    } catch (error) {
      if (error instanceof EnrolmentRefused) {
        deps.log.warn(`enrolment from ${req.socket.remoteAddress ?? '?'} refused: ${error.message}`);
        return refused(res, error.reason, error.message);
      }
      throw error;
    }
  };
}
