import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient } from '../../e2e/harness/client';
import { spawnCli } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { enrolWorker } from '../../worker-agent/enrolment';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { startTestMaster } from '../../master-core/test/masterFixture';

/** Certificate rotation: same CA (nothing changes for workers), and a new CA with an overlap. */
describe('agent endpoint certificate rotation', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let client: ApiClient;
  const scratch = mkdtempSync(join(tmpdir(), 'scaleout-rotate-'));
  const workers: Spawned[] = [];
  const connected = /connected to wss:\/\/127\.0\.0\.1:\d+ as /;
  const start = (dir: string) => {
    const proc = spawnCli(['worker', '--work-dir', dir]);
    workers.push(proc);
    return proc;
  };
  const enrol = async (name: string) => {
    const { token } = await client.call('worker.enrolmentToken.create', { name });
    const dir = join(scratch, name);
    await enrolWorker({ masterUrl: master.agentUrl, token, workDir: dir });
    return dir;
  };
  const identity = (dir: string) =>
    JSON.parse(readFileSync(join(dir, 'credentials', 'identity.json'), 'utf8')) as {
      caFingerprints: string[];
    };

  beforeAll(async () => {
    master = await startTestMaster();
    client = nodeClient(master.consoleUrl, master.consoleToken);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await master?.cleanup();
  });

  it('same CA: a new server certificate, the fingerprint workers pin is unchanged', async () => {
    const dir = await enrol('steady');
    const serverBefore = readFileSync(join(master.dataDir, 'tls', 'server.crt'), 'utf8');
    const result = await client.call('master.rotateCertificate', {});
    expect(result).toEqual({
      caFingerprint: master.caFingerprint,
      pendingCaFingerprint: null,
      switchAt: null,
    });
    expect(readFileSync(join(master.dataDir, 'tls', 'server.crt'), 'utf8')).not.toBe(serverBefore);
    const worker = start(dir);
    await worker.waitForLine(connected);
    await worker.stop();
  });

  it('new CA: connected workers pin it and get a certificate from it at once; after the overlap the endpoint switches and the old CA is dropped', async () => {
    const oldCa = master.caFingerprint!;
    const online = await enrol('online');
    const offline = await enrol('offline');
    const worker = start(online);
    await worker.waitForLine(connected);

    const rotation = await client.call('master.rotateCertificate', { newCa: true, overlapSeconds: 3 });
    const newCa = rotation.pendingCaFingerprint!;
    expect(newCa).toMatch(/^[0-9a-f]{64}$/);
    expect(rotation.caFingerprint).toBe(oldCa);
    expect(await client.call('master.info', {})).toMatchObject({
      caFingerprint: oldCa,
      pendingCaFingerprint: newCa,
    });

    // Over the trusted connection: both CAs pinned, and a certificate from the new CA for the same key.
    await worker.waitForLine(new RegExp(`pinned master CA fingerprints now: ${oldCa}, ${newCa}`));
    expect(identity(online).caFingerprints).toEqual([oldCa, newCa]);
    const nextCa = new X509Certificate(readFileSync(join(master.dataDir, 'tls', 'next', 'ca.crt')));
    const cert = new X509Certificate(readFileSync(join(online, 'credentials', 'cert.pem')));
    expect(cert.verify(nextCa.publicKey)).toBe(true);

    // The overlap ends: the endpoint presents the new CA's certificate and workers drop the old pin.
    await worker.waitForLine(new RegExp(`pinned master CA fingerprints now: ${newCa}$`), 15_000);
    expect(identity(online).caFingerprints).toEqual([newCa]);
    expect((await client.call('master.info', {})).caFingerprint).toBe(newCa);

    // A reconnect after the switch: new server certificate, pinned CA, client certificate from the new CA.
    await worker.stop();
    const again = start(online);
    await again.waitForLine(connected);

    // A worker that was away during the whole overlap still pins only the old CA: refused, both named.
    const late = start(offline);
    await late.waitForLine(/refusing to connect/);
    expect(late.output()).toContain(`the master's CA fingerprint is ${newCa}, but this worker pins ${oldCa}`);
    expect(
      await new Promise((resolve) =>
        late.child.exitCode !== null ? resolve(late.child.exitCode) : late.child.once('exit', resolve),
      ),
    ).toBe(2);
  });
});
