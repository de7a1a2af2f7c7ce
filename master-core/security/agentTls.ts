import { hostname } from 'node:os';
import {
  RENEW_SERVER_BEFORE_DAYS,
  certificateFingerprint,
  createCertificateAuthority,
  issueServerCertificate,
  msUntilExpiry,
  subjectAltNames,
} from './certificates';
import type { KeyedCertificate } from './certificates';
import { promoteNext, readTlsMaterial, tlsPaths, writeCurrent, writeNext, writeServer } from './tlsFiles';
import type { TlsMaterial } from './tlsFiles';
import type { Logger } from '../logger';

export interface AgentTlsOptions {
  /** `<data-dir>/tls` */
  dir: string;
  /** Every name and address the server certificate must cover. */
  names: readonly string[];
  log: Logger;
  now?: () => number;
}

/** What changed: the server certificate only (workers notice nothing), or the set of CAs workers pin. */
export type TrustChange = 'server-renewed' | 'ca-pending' | 'ca-switched';

export interface RotationResult {
  caFingerprint: string;
  pendingCaFingerprint: string | null;
  switchAt: string | null;
}

const DAY_MS = 86_400_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The names every server certificate covers, plus the operator's own (`--agent-names`). */
export function serverNames(extra: readonly string[]): string[] {
  return [...new Set([hostname(), 'localhost', '127.0.0.1', '::1', ...extra].filter((n) => n !== ''))];
}

/**
 * The agent endpoint's certificates at run time: created on first start, the server certificate
 * renewed from the same CA when it nears its end or lacks a name, and CA rotations with an overlap
 * during which workers pin both CAs. Listeners hear every change, to swap the TLS context and tell
 * connected workers.
 */
export async function createAgentTls(options: AgentTlsOptions) {
  const now = options.now ?? Date.now;
  const { dir, log } = options;
  let material = readTlsMaterial(dir);
  if (!material) {
    const ca = await createCertificateAuthority(`Scale Out master CA (${hostname()})`);
    const server = await issueServerCertificate(ca, options.names);
    writeCurrent(dir, { ca, server });
    material = { ca, server, next: null };
    log.info(`created the agent endpoint's certificate authority and server certificate in ${dir}`);
  }
  if (material.next && material.next.switchAtMs <= now()) material = promote(material.next);
  material = await renewIfNeeded(material);

  const listeners = new Set<(change: TrustChange) => void>();
  let switchTimer: NodeJS.Timeout | null = null;
  const renewTimer = setInterval(() => {
    void renewIfNeeded(material!)
      .then((renewed) => {
        if (renewed !== material) {
          material = renewed;
          notify('server-renewed');
        }
      })
      .catch((error: unknown) => log.error(`renewing the server certificate failed: ${String(error)}`));
  }, DAY_MS);
  renewTimer.unref();

  function promote(next: NonNullable<TlsMaterial['next']>): TlsMaterial {
    promoteNext(dir, next);
    log.warn(
      `certificate rotation: the agent endpoint now presents the certificate of CA ${certificateFingerprint(next.ca.certPem)}; the previous CA is no longer trusted`,
    );
    return { ca: next.ca, server: next.server, next: null };
  }

  /** Same CA, new server key and certificate: when it nears its end or lacks a name it must cover. */
  async function renewIfNeeded(current: TlsMaterial): Promise<TlsMaterial> {
    const covered = new Set(subjectAltNames(current.server.certPem));
    const missing = options.names.filter((n) => !covered.has(n));
    const expiring = msUntilExpiry(current.server.certPem, now()) < RENEW_SERVER_BEFORE_DAYS * DAY_MS;
    if (missing.length === 0 && !expiring) return current;
    const server = await issueServerCertificate(current.ca, options.names);
    writeServer(dir, server);
    log.info(
      `renewed the agent endpoint's server certificate (${expiring ? 'near its end' : `new names: ${missing.join(', ')}`}); the CA and its fingerprint are unchanged`,
    );
    return { ...current, server };
  }

  function scheduleSwitch(): void {
    if (switchTimer) clearTimeout(switchTimer);
    switchTimer = null;
    const next = material!.next;
    if (!next) return;
    switchTimer = setTimeout(
      () => {
        if (material!.next !== next) return;
        if (next.switchAtMs > now()) return scheduleSwitch();
        material = promote(next);
        notify('ca-switched');
      },
      Math.min(MAX_TIMER_MS, Math.max(0, next.switchAtMs - now())),
    );
    switchTimer.unref();
  }
  scheduleSwitch();

  function notify(change: TrustChange): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        log.error(`a TLS change listener failed: ${String(error)}`);
      }
    }
  }

  const result = (): RotationResult => ({
    caFingerprint: certificateFingerprint(material!.ca.certPem),
    pendingCaFingerprint: material!.next ? certificateFingerprint(material!.next.ca.certPem) : null,
    switchAt: material!.next ? new Date(material!.next.switchAtMs).toISOString() : null,
  });

  return {
    caFile: tlsPaths(dir).caCert,
    /** The CA workers pin now (the one whose server certificate is presented). */
    caFingerprint: () => certificateFingerprint(material!.ca.certPem),
    status: result,
    /** Every CA a worker should pin now, the current one first. */
    trustedCas: (): KeyedCertificate[] => [material!.ca, ...(material!.next ? [material!.next.ca] : [])],
    /** New worker certificates are signed by the newest CA, so they outlive a rotation in progress. */
    signingCa: (): KeyedCertificate => material!.next?.ca ?? material!.ca,
    /** Options for the agent endpoint's TLS context: our chain, and the CAs client certificates may come from. */
    secureContext: () => ({
      key: material!.server.keyPem,
      cert: `${material!.server.certPem.trim()}\n${material!.ca.certPem.trim()}\n`,
      ca: [material!.ca.certPem, ...(material!.next ? [material!.next.ca.certPem] : [])],
    }),
    /**
     * Same CA: a new server certificate at once, nothing changes for workers. New CA: it is created
     * now and pinned by workers during the overlap; the endpoint switches to it when the overlap ends.
     */
    async rotate(request: { newCa: boolean; overlapMs: number }): Promise<RotationResult> {
      if (!request.newCa) {
        const server = await issueServerCertificate(material!.ca, options.names);
        writeServer(dir, server);
        material = { ...material!, server };
        log.info('rotated the agent endpoint server certificate (same CA: workers keep their pin)');
        notify('server-renewed');
        return result();
      }
      const ca = await createCertificateAuthority(
        `Scale Out master CA (${hostname()}) ${new Date(now()).toISOString().slice(0, 10)}`,
      );
      const server = await issueServerCertificate(ca, options.names);
      const next = { ca, server, switchAtMs: now() + request.overlapMs };
      writeNext(dir, next);
      material = { ...material!, next };
      log.warn(
        `certificate rotation: new CA ${certificateFingerprint(ca.certPem)} is pinned by workers from now; the endpoint switches to it at ${new Date(next.switchAtMs).toISOString()}`,
      );
      notify('ca-pending');
      scheduleSwitch();
      return result();
    },
    onChange(listener: (change: TrustChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close(): void {
      clearInterval(renewTimer);
      if (switchTimer) clearTimeout(switchTimer);
    },
  };
}

export type AgentTls = Awaited<ReturnType<typeof createAgentTls>>;
