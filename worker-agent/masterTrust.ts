import { X509Certificate, createHash } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';

/**
 * How a worker trusts its master: never through the system's CAs, only through the fingerprints
 * it pins (from its enrolment token, `--ca-fingerprint`, `--ca-file`, or `master.trust`). The chain
 * the master presents must end in a CA with a pinned fingerprint that signed a serverAuth
 * certificate valid now. The host name is not checked: the CA is this master's own and signs only
 * its server certificates (worker certificates lack serverAuth), so workers may use any address.
 */

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

export const fingerprintOf = (der: Buffer) => createHash('sha256').update(der).digest('hex');

/** Every certificate in a PEM bundle, as PEM. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The fingerprints of every certificate in a CA file (read at each use: it changes at rotation). */
export function fingerprintsOfFile(file: string): string[] {
  return pemCertificates(readFileSync(file, 'utf8')).map((pem) =>
    fingerprintOf(new X509Certificate(pem).raw),
  );
}

/** The certificates the master sent, leaf first. */
export function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert.raw);
    cert = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return chain;
}

export type ChainVerdict = { ok: true; caFingerprint: string } | { ok: false; message: string };

const short = (fp: string) => fp;

/** Checks the presented chain against the pins; pure, for tests. */
export function verifyMasterChain(
  chain: readonly Buffer[],
  pins: readonly string[],
  nowMs = Date.now(),
): ChainVerdict {
  if (pins.length === 0)
    return { ok: false, message: 'no CA fingerprint is pinned: refusing to trust the master' };
  if (chain.length === 0) return { ok: false, message: 'the master presented no certificate' };
  const leaf = new X509Certificate(chain[0]!);
  const issuer = chain
    .slice(1)
    .map((der) => new X509Certificate(der))
    .find((ca) => ca.ca && leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  if (!issuer)
    return {
      ok: false,
      message: `the master's certificate does not come with the CA that signed it (presented ${fingerprintOf(chain[0]!)}); this worker pins ${pins.map(short).join(' or ')}`,
    };
  const caFingerprint = fingerprintOf(issuer.raw);
  if (!pins.includes(caFingerprint))
    return {
      ok: false,
      message: `the master's CA fingerprint is ${caFingerprint}, but this worker pins ${pins.map(short).join(' or ')}: refusing to connect (if the master's CA was replaced, enrol this worker again)`,
    };
  for (const cert of [leaf, issuer]) {
    if (Date.parse(cert.validFrom) > nowMs || Date.parse(cert.validTo) < nowMs)
      return {
        ok: false,
        message: `the master's certificate ${cert.subject.replace(/\n/g, ', ')} is not valid now (${cert.validFrom} to ${cert.validTo})`,
      };
  }
  if (!(leaf.keyUsage ?? []).includes(SERVER_AUTH))
    return {
      ok: false,
      message: 'the master presented a certificate that is not for a server (no serverAuth usage)',
    };
  return { ok: true, caFingerprint };
}

/** Thrown (as the socket's error) when the master fails the pin check. */
export class PinMismatchError extends Error {
  override readonly name = 'PinMismatchError';
}

export interface PinnedConnectOptions {
  pins: () => readonly string[];
  /** This worker's key and certificate for mutual TLS, when enrolled. */
  clientCredential?: () => { key: string; cert: string } | null;
}

/**
 * A `createConnection` for ws and https: TLS with no trust in anything but the pins. The chain is
 * checked as soon as the handshake ends; a mismatch destroys the socket with a PinMismatchError
 * before anything of ours (hello, token) is sent over it.
 */
export function pinnedConnection(options: PinnedConnectOptions) {
  return (connectOptions: ConnectionOptions & { host?: string; port?: number }): TLSSocket => {
    const host = (connectOptions.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const credential = options.clientCredential?.() ?? null;
    const socket = tlsConnect({
      ...connectOptions,
      host,
      servername: isIP(host) ? '' : host,
      rejectUnauthorized: false,
      ...(credential ? { key: credential.key, cert: credential.cert } : {}),
    });
    socket.once('secureConnect', () => {
      const verdict = verifyMasterChain(peerChain(socket), options.pins());
      if (verdict.ok) (socket as TLSSocket & { pinnedCa?: string }).pinnedCa = verdict.caFingerprint;
      else socket.destroy(new PinMismatchError(verdict.message));
    });
    return socket;
  };
}

/** Resolves with a TLS socket whose master passed the pin check (enrolment sends its token only then). */
export function connectPinned(
  url: URL,
  options: PinnedConnectOptions,
  timeoutMs = 15_000,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = pinnedConnection(options)({ host: url.hostname, port: Number(url.port || 443) });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no TLS handshake with ${url.host} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('secureConnect', () => {
      // Our own secureConnect listener ran first and destroyed the socket on a mismatch.
      setImmediate(() => {
        clearTimeout(timer);
        if (!socket.destroyed) resolve(socket);
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
