import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyedCertificate } from './certificates';

/**
 * The agent endpoint's TLS material in `<data-dir>/tls/`: the CA (`ca.crt`, `ca.key`), the
 * server certificate (`server.crt`, `server.key`) and, during a CA rotation, the next pair in
 * `next/` with `rotation.json` saying when it takes over. Keys are owner-only (0600), the folder
 * 0700; every file is written under a temporary name and renamed, so a crash leaves old or new.
 */
export interface TlsMaterial {
  ca: KeyedCertificate;
  server: KeyedCertificate;
  /** A CA rotation in its overlap: workers pin both CAs until `switchAtMs`. */
  next: { ca: KeyedCertificate; server: KeyedCertificate; switchAtMs: number } | null;
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

function writeAtomic(file: string, text: string, mode: number): void {
  const temp = `${file}.tmp-${process.pid}`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode);
  renameSync(temp, file);
}

function writePair(dir: string, name: 'ca' | 'server', pair: KeyedCertificate): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeAtomic(join(dir, `${name}.key`), pair.keyPem, KEY_MODE);
  writeAtomic(join(dir, `${name}.crt`), pair.certPem, CERT_MODE);
}

function readPair(dir: string, name: 'ca' | 'server'): KeyedCertificate | null {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  if (!existsSync(cert) || !existsSync(key)) return null;
  // A key someone made readable to others is tightened again rather than trusted as it is.
  chmodSync(key, KEY_MODE);
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

export const tlsPaths = (dir: string) => ({
  dir,
  caCert: join(dir, 'ca.crt'),
  serverCert: join(dir, 'server.crt'),
  nextDir: join(dir, 'next'),
  rotation: join(dir, 'rotation.json'),
});

/** Reads what is on disk: null when the master never created its CA here. */
export function readTlsMaterial(dir: string): TlsMaterial | null {
  const ca = readPair(dir, 'ca');
  const server = readPair(dir, 'server');
  if (!ca || !server) return null;
  const paths = tlsPaths(dir);
  const nextCa = readPair(paths.nextDir, 'ca');
  const nextServer = readPair(paths.nextDir, 'server');
  let next: TlsMaterial['next'] = null;
  if (nextCa && nextServer && existsSync(paths.rotation)) {
    const { switchAtMs } = JSON.parse(readFileSync(paths.rotation, 'utf8')) as { switchAtMs: number };
    next = { ca: nextCa, server: nextServer, switchAtMs };
  }
  return { ca, server, next };
}

export function writeCurrent(dir: string, material: Pick<TlsMaterial, 'ca' | 'server'>): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  writePair(dir, 'ca', material.ca);
  writePair(dir, 'server', material.server);
}

export function writeServer(dir: string, server: KeyedCertificate): void {
  writePair(dir, 'server', server);
}

export function writeNext(dir: string, next: NonNullable<TlsMaterial['next']>): void {
  const paths = tlsPaths(dir);
  writePair(paths.nextDir, 'ca', next.ca);
  writePair(paths.nextDir, 'server', next.server);
  writeAtomic(paths.rotation, `${JSON.stringify({ switchAtMs: next.switchAtMs })}\n`, CERT_MODE);
}

/** The end of an overlap: the next CA and server certificate become the current ones; the old CA key is deleted. */
export function promoteNext(dir: string, next: NonNullable<TlsMaterial['next']>): void {
  writeCurrent(dir, next);
  const paths = tlsPaths(dir);
  rmSync(paths.rotation, { force: true });
  rmSync(paths.nextDir, { recursive: true, force: true });
}
