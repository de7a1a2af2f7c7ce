import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger';
import { createAgentTls, serverNames } from './agentTls';
import { certificateFingerprint, subjectAltNames } from './certificates';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-tls-'));
  dirs.push(dir);
  return join(dir, 'tls');
};
const open = (dir: string, names = serverNames([]), now?: () => number) =>
  createAgentTls({ dir, names, log: silentLogger, ...(now ? { now } : {}) });
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the agent endpoint certificates', () => {
  it('creates a CA and a serverAuth certificate for every name, keys owner-only, and keeps them across restarts', async () => {
    const dir = tempDir();
    const tls = await open(dir, serverNames(['scaleout.example.test', '10.1.2.3']));
    tls.close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'server.key')).mode & 0o777).toBe(0o600);
    const server = readFileSync(join(dir, 'server.crt'), 'utf8');
    expect(subjectAltNames(server)).toEqual(
      expect.arrayContaining(['localhost', '127.0.0.1', '::1', 'scaleout.example.test', '10.1.2.3']),
    );
    const cert = new X509Certificate(server);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(cert.verify(new X509Certificate(readFileSync(join(dir, 'ca.crt'))).publicKey)).toBe(true);
    expect(tls.caFingerprint()).toBe(certificateFingerprint(readFileSync(join(dir, 'ca.crt'), 'utf8')));

    const again = await open(dir, serverNames(['scaleout.example.test', '10.1.2.3']));
    again.close();
    expect(again.caFingerprint()).toBe(tls.caFingerprint());
    expect(readFileSync(join(dir, 'server.crt'), 'utf8')).toBe(server);
  });

  it('renews the server certificate from the same CA when a name is missing: the pinned fingerprint stays', async () => {
    const dir = tempDir();
    const first = await open(dir);
    first.close();
    const before = readFileSync(join(dir, 'server.crt'), 'utf8');
    const second = await open(dir, serverNames(['new-name.example.test']));
    second.close();
    expect(second.caFingerprint()).toBe(first.caFingerprint());
    const after = readFileSync(join(dir, 'server.crt'), 'utf8');
    expect(after).not.toBe(before);
    expect(subjectAltNames(after)).toContain('new-name.example.test');
  });

  it('rotates to a new CA with an overlap: both trusted until the switch, which survives a restart', async () => {
    const dir = tempDir();
    let nowMs = Date.now();
    const tls = await open(dir, serverNames([]), () => nowMs);
    const oldCa = tls.caFingerprint();
    const changes: string[] = [];
    tls.onChange((change) => changes.push(change));
    const result = await tls.rotate({ newCa: true, overlapMs: 3_600_000 });
    tls.close();
    expect(result.caFingerprint).toBe(oldCa);
    expect(result.pendingCaFingerprint).not.toBe(oldCa);
    expect(changes).toEqual(['ca-pending']);
    expect(tls.trustedCas().map((c) => certificateFingerprint(c.certPem))).toEqual([
      oldCa,
      result.pendingCaFingerprint,
    ]);
    // New worker certificates come from the new CA; the endpoint still presents the old chain.
    expect(certificateFingerprint(tls.signingCa().certPem)).toBe(result.pendingCaFingerprint);
    expect(tls.secureContext().cert).toContain(tls.trustedCas()[0]!.certPem.trim());
    expect(tls.secureContext().ca).toHaveLength(2);
    expect(statSync(join(dir, 'next', 'ca.key')).mode & 0o777).toBe(0o600);

    // Restarted after the overlap: the new CA is current, the old one gone.
    nowMs += 3_600_001;
    const later = await open(dir, serverNames([]), () => nowMs);
    later.close();
    expect(later.status()).toEqual({
      caFingerprint: result.pendingCaFingerprint,
      pendingCaFingerprint: null,
      switchAt: null,
    });
    expect(later.secureContext().ca).toHaveLength(1);
  });
});
