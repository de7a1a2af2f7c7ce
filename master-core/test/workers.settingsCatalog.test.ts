import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../catalog/db';
import type { Db } from '../catalog/db';
import { openCatalog } from '../catalog/openCatalog';
import { migrations } from '../catalog/migrate';
import { createEnrolmentRepo } from '../catalog/enrolmentRepo';
import { createWorkersRepo } from '../catalog/workersRepo';
import type { WorkerHello } from '../protocol/wire';

/** The catalog's half of worker settings: precedence over the hello, enrolment presets, free disk. */

const dirs: string[] = [];
const dbs: Db[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-catalog-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
};
afterEach(async () => {
  await Promise.all(dbs.splice(0).map((db) => db.close()));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const hello = (workerId: string, values: Partial<WorkerHello> = {}): WorkerHello => ({
  type: 'worker.hello',
  protocolVersion: 1,
  agentVersion: '0.1.0',
  workerId,
  name: 'from-file',
  tags: ['file'],
  maxTasks: 4,
  machine: {
    hostname: 'box',
    platform: 'linux',
    arch: 'x64',
    cpuCount: 4,
    totalMemoryBytes: 8 * 2 ** 30,
    nodeVersion: 'v22',
    userAccount: 'svc',
  },
  runningAttemptIds: [],
  limits: { maxCpuPercent: 95, minFreeMemoryBytes: 2 ** 20 },
  ...values,
});

async function catalog() {
  const db = await openCatalog(tempFile());
  dbs.push(db);
  return { db, workers: createWorkersRepo(db), enrolment: createEnrolmentRepo(db) };
}

async function enrolWithPresets(enrolment: ReturnType<typeof createEnrolmentRepo>, workerId: string) {
  await enrolment.createToken({
    tokenId: `t-${workerId}`,
    secretHash: `h-${workerId}`,
    presetName: 'preset-name',
    presetTags: ['preset'],
    createdBy: 'test',
    expiresAt: new Date(Date.now() + 60_000),
  });
  await enrolment.enrol({
    secretHash: `h-${workerId}`,
    workerId,
    name: 'preset-name',
    tags: ['preset'],
    machineName: 'box',
    enabled: true,
    publicKeyDer: Buffer.from('key'),
    certificatePem: 'cert',
  });
}

describe('worker settings in the catalog', () => {
  it("keeps the operator's values over every later hello, and takes the hello's for the rest", async () => {
    const { workers } = await catalog();
    await workers.upsertFromHello(hello('w1'), true);
    await workers.updateSettings('w1', { maxTasks: 2, tags: ['gpu', ' GPU', 'linux '] }, 'ops');
    const after = await workers.upsertFromHello(hello('w1', { name: 'renamed-in-file', maxTasks: 9 }), true);
    expect(after).toMatchObject({
      display_name: 'renamed-in-file',
      tags_json: '["gpu","linux"]',
      max_tasks: 2,
      max_cpu_percent: 95,
      min_free_memory_bytes: 2 ** 20,
      settings_updated_by: 'ops',
    });
    await workers.updateSettings('w1', { name: 'ops-name', maxCpuPercent: 50, minFreeMemoryBytes: 0 }, 'ops');
    expect(await workers.upsertFromHello(hello('w1'), true)).toMatchObject({
      display_name: 'ops-name',
      max_cpu_percent: 50,
      min_free_memory_bytes: 0,
    });
  });

  it('treats the name and tags preset in an enrolment token as the operator’s: a hello cannot change them', async () => {
    const { workers, enrolment } = await catalog();
    await enrolWithPresets(enrolment, 'enrolled');
    const record = await workers.upsertFromHello(hello('enrolled'), true);
    expect(record).toMatchObject({
      display_name: 'preset-name',
      tags_json: '["preset"]',
      operator_name: 'preset-name',
      max_tasks: 4,
    });
    // The operator may still change them.
    await workers.updateSettings('enrolled', { tags: ['changed'] }, 'ops');
    expect((await workers.upsertFromHello(hello('enrolled'), true)).tags_json).toBe('["changed"]');
  });

  it('refuses a name another worker has (any case) or another worker’s id, changing nothing', async () => {
    const { workers } = await catalog();
    await workers.upsertFromHello(hello('w1', { name: 'alpha' }), true);
    await workers.upsertFromHello(hello('w2', { name: 'beta' }), true);
    const before = await workers.get('w2');
    await expect(workers.updateSettings('w2', { name: 'ALPHA', maxTasks: 1 }, 'ops')).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'newName',
      message: 'newName: another worker (w1) is already named alpha; worker names are unique',
    });
    await expect(workers.updateSettings('w2', { name: 'w1' }, 'ops')).rejects.toThrow(
      /newName: w1 is the id of another worker/,
    );
    await expect(workers.updateSettings('w2', { name: '  ' }, 'ops')).rejects.toThrow(/newName: .*blank/);
    expect(await workers.get('w2')).toEqual(before);
    // Its own name in another case is no clash.
    expect((await workers.updateSettings('w2', { name: 'Beta' }, 'ops')).display_name).toBe('Beta');
  });

  it('stores free disk with each health sample; samples from before have none', async () => {
    const { db, workers } = await catalog();
    await workers.upsertFromHello(hello('w1'), true);
    await db.run(
      'INSERT INTO worker_health (worker_agent_id, sample_time_ms, cpu_percent, free_memory_bytes, running_tasks) VALUES (?, 1, 10, 100, 0)',
      ['w1'],
    );
    workers.recordHeartbeat('w1', {
      cpuPercent: 20,
      freeMemoryBytes: 200,
      freeDiskBytes: 5 * 2 ** 30,
      runningAttemptIds: [],
    });
    const samples = await workers.health('w1', 10);
    expect(samples.map((s) => s.freeDiskBytes)).toEqual([null, 5 * 2 ** 30]);
  });

  it('migrates a catalog of version 5: enrolled workers get their presets as operator values', async () => {
    const file = tempFile();
    const old = await openDb(file);
    for (const sql of migrations.slice(0, 5)) await old.exec(sql);
    await old.exec('PRAGMA user_version = 5');
    await old.run(
      `INSERT INTO worker_agents (worker_agent_id, display_name, machine_name, user_account, tags_json, max_tasks, machine_json, last_online_time)
       VALUES ('e1', 'renamed-by-hello', 'box', '', '["file"]', 2, '{}', '2024-01-01T00:00:00Z'),
              ('plain', 'plain', 'box', '', '[]', 2, '{}', '2024-01-01T00:00:00Z')`,
    );
    await old.run(
      `INSERT INTO enrolment_tokens (token_id, token_hash, preset_name, preset_tags_json, created_by, created_time, expires_time)
       VALUES ('t1', 'h1', 'preset-name', '["preset"]', 'test', '2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z')`,
    );
    await old.run(
      `INSERT INTO worker_credentials (worker_agent_id, public_key_der, certificate_pem, issued_time, enrolment_token_id)
       VALUES ('e1', 'k', 'c', '2024-01-01T00:00:00Z', 't1')`,
    );
    await old.close();
    const db = await openCatalog(file);
    dbs.push(db);
    const workers = createWorkersRepo(db);
    expect(await workers.get('e1')).toMatchObject({
      display_name: 'preset-name',
      tags_json: '["preset"]',
      operator_name: 'preset-name',
      max_cpu_percent: 100,
      min_free_memory_bytes: 0,
    });
    expect(await workers.get('plain')).toMatchObject({ display_name: 'plain', operator_name: null });
  });
});
