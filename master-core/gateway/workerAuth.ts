import { timingSafeEqual } from 'node:crypto';
import type { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { CloseCode } from '../protocol/wire';
import type { WorkerHello } from '../protocol/wire';
import type { EnrolmentRepo } from '../catalog/enrolmentRepo';

/** What the TLS layer says about the peer, read once at the WebSocket upgrade. */
export interface PeerInfo {
  address: string;
  /** 127.0.0.0/8, ::1 or ::ffff:127.x: the same machine. */
  loopback: boolean;
  /** A client certificate, if one was presented; `error` when it does not chain to a CA we trust. */
  certificate: { cert: X509Certificate; error: string | null } | null;
}

export function isLoopback(address: string): boolean {
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}

export function peerInfo(request: IncomingMessage): PeerInfo {
  const socket = request.socket as Partial<TLSSocket> & IncomingMessage['socket'];
  const address = socket.remoteAddress ?? '';
  const cert =
    typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
  return {
    address,
    loopback: isLoopback(address),
    certificate: cert
      ? { cert, error: socket.authorized ? null : String(socket.authorizationError ?? 'not verified') }
      : null,
  };
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export type HelloAuth =
  | { ok: true; via: 'certificate'; publicKeyDer: Buffer; cert: X509Certificate }
  | { ok: true; via: 'token' }
  | { ok: false; code: number; reason: string };

const refuse = (code: number, reason: string): HelloAuth => ({
  ok: false,
  code,
  reason: reason.slice(0, 120),
});

const commonName = (cert: X509Certificate) => /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '';

/**
 * Who may say hello: an enrolled worker with its client certificate (chained to our CA, its id as
 * the common name, the public key registered at enrolment), or, from this machine only, whoever
 * holds the shared agent token (the local worker, loopback development). A revoked worker never.
 */
export async function authenticateHello(
  hello: WorkerHello,
  peer: PeerInfo,
  deps: { agentToken: string; enrolment: EnrolmentRepo },
): Promise<HelloAuth> {
  const revokedAt = await deps.enrolment.revokedAt(hello.workerId);
  if (revokedAt)
    return refuse(CloseCode.revoked, `worker revoked at ${revokedAt}; enrol it again to bring it back`);
  if (peer.certificate) {
    const { cert, error } = peer.certificate;
    if (error) return refuse(CloseCode.authFailed, `client certificate not accepted: ${error}`);
    const owner = commonName(cert);
    if (owner !== hello.workerId)
      return refuse(
        CloseCode.authFailed,
        `the client certificate is worker ${owner}'s, not ${hello.workerId}'s`,
      );
    const credential = await deps.enrolment.credential(hello.workerId);
    const publicKeyDer = cert.publicKey.export({ type: 'spki', format: 'der' });
    if (!credential)
      return refuse(CloseCode.authFailed, 'no credential is registered for this worker: enrol it again');
    if (!Buffer.from(credential.public_key_der, 'base64').equals(publicKeyDer))
      return refuse(
        CloseCode.authFailed,
        'the client certificate does not carry the key this worker enrolled with',
      );
    return { ok: true, via: 'certificate', publicKeyDer, cert };
  }
  if (hello.token === undefined)
    return refuse(
      CloseCode.authFailed,
      'no credential: enrol this worker (scaleout worker install --token ...)',
    );
  if (!tokensEqual(hello.token, deps.agentToken))
    return refuse(CloseCode.authFailed, 'agent token not accepted');
  if (!peer.loopback)
    return refuse(
      CloseCode.authFailed,
      'the shared agent token is accepted from the master machine only; enrol remote workers with a token',
    );
  return { ok: true, via: 'token' };
}
