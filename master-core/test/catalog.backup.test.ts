import { createHash } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { removeDir, runCli, masterArgs, spawnCli, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess } from '../../e2e/harness/processes';
import type { ApiClient } from '../protocol/apiClient';
import { ExecutionStatus } from '../protocol/codes';
import { backupCatalog, restoreCatalog } from '../catalog/backup';
import { openDb } from '../catalog/db';
import { checkIntegrity, openRaw } from '../catalog/integrity';
import { migrations } from '../catalog/migrate';
import { loadProjectDir } from '../deploy/loadProjectDir';

/**
 * `scaleout catalog backup|restore` against real master processes: an online backup while work is
 * being written, a restore refused while the master runs, a damaged catalog refused at start.
 */

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const hello = { folderName: 'Samples', projectName: 'HelloScaleOut', packageName: 'Hello' } as const;

/** Keeps submitting executions until stopped; remembers each acknowledged id in order. */
function submitter(client: ApiClient, lanes = 2) {
  const acked: number[] = [];
  let stopped = false;
  const waiters: { count: number; resolve: () => void }[] = [];
  const lane = async () => {
    while (!stopped) {
      const { executionId } = await client.call('execution.create', hello);
      acked.push(executionId);
      for (const w of waiters.filter((w) => acked.length >= w.count)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const running = Promise.all(Array.from({ length: lanes }, lane));
  return {
    acked,
    /** Resolves once `count` submissions in all have been acknowledged. */
    until: (count: number) =>
      acked.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}

async function executionIds(file: string): Promise<Set<number>> {
  const db = await openRaw(file, 'readonly');
  const rows = await db.all<{ id: number }>('SELECT execution_id AS id FROM executions');
  await db.close();
  return new Set(rows.map((r) => r.id));
}

describe('catalog backup and restore with a real master', () => {
  let master: MasterProcess | null = null;
  let dataDir = '';
  const spare = mkdtempSync(join(tmpdir(), 'scaleout-backups-'));
  const backupFile = join(spare, 'catalog-backup.sqlite');
  const ackedBeforeBackup: number[] = [];
  let ackedAfterBackup = 0;

  beforeAll(async () => {
    master = await startMaster(['--local-worker', '--local-worker-tasks', '2']);
    dataDir = master.dataDir;
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
  });
  afterAll(async () => {
    await master?.stop('SIGKILL');
    removeDir(dataDir);
    removeDir(spare);
  });

  it('backs up a consistent copy while the master runs, accepts submissions and writes messages', async () => {
    const client = nodeClient(master!.consoleUrl, master!.consoleToken);
    const submissions = submitter(client);
    await submissions.until(10);
    // Messages are being written: the local worker has finished at least one execution.
    await waitForExecution(client, submissions.acked[0]!, (e) => e.status === ExecutionStatus.succeeded);
    ackedBeforeBackup.push(...submissions.acked);

    const result = await backupCatalog(join(dataDir, 'catalog.sqlite'), backupFile);
    const countAtBackup = submissions.acked.length;
    await submissions.until(countAtBackup + 3);
    await submissions.stop();
    ackedAfterBackup = submissions.acked.at(-1)!;

    expect(result).toMatchObject({ file: backupFile, userVersion: migrations.length });
    const copy = await openRaw(backupFile, 'readonly');
    expect(await checkIntegrity(copy, 'integrity_check')).toEqual({ ok: true });
    expect(await copy.all('PRAGMA foreign_key_check')).toEqual([]);
    // The first execution had finished: the package events its worker sent are in the copy.
    const events = await copy.get<{ n: number }>(
      'SELECT count(*) AS n FROM event_messages WHERE execution_id = ? AND attempt_id IS NOT NULL',
      [ackedBeforeBackup[0]],
    );
    await copy.close();
    expect(events!.n).toBeGreaterThan(0);
    const inCopy = await executionIds(backupFile);
    for (const id of ackedBeforeBackup) expect(inCopy.has(id), `execution ${id}`).toBe(true);
    // A snapshot, not a later read: what was acknowledged after the backup returned is not in it.
    expect(inCopy.has(ackedAfterBackup)).toBe(false);
  });

  it('refuses to restore while the master runs, and restores once it is stopped', async () => {
    await expect(restoreCatalog(backupFile, dataDir)).rejects.toMatchObject({
      code: 'CONFLICT',
      field: 'dataDir',
      message: expect.stringContaining(`a master is running from ${dataDir} (pid ${master!.child.pid})`),
    });
    expect(readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([]);

    expect(await master!.stop()).toBe(0);
    const restored = await restoreCatalog(backupFile, dataDir);
    expect(restored.movedAside).toMatch(/catalog\.sqlite\.before-restore-/);
    expect(readdirSync(dataDir).filter((f) => f.includes('before-restore'))).toEqual([
      basename(restored.movedAside!),
    ]);

    master = await startMaster([], dataDir);
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    const { execution } = await client.call('execution.get', { executionId: ackedBeforeBackup[0]! });
    expect(execution.packageName).toBe('Hello');
    await expect(client.call('execution.get', { executionId: ackedAfterBackup })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await master.stop()).toBe(0);
    master = null;
  });

  it('refuses to start on a damaged catalog, names the restore command and leaves the file as it was', async () => {
    const catalog = join(dataDir, 'catalog.sqlite');
    expect(existsSync(`${catalog}-wal`)).toBe(false); // stopped cleanly
    const size = readFileSync(catalog).length;
    const fd = openSync(catalog, 'r+');
    writeSync(fd, Buffer.alloc(Math.floor(size / 3), 0x5a), 0, Math.floor(size / 3), Math.floor(size / 3));
    closeSync(fd);
    const before = sha256(catalog);

    const attempt = spawnCli(masterArgs(dataDir));
    const code = await new Promise<number | null>((resolve) => attempt.child.once('exit', resolve));
    expect(code).not.toBe(0);
    const said = attempt.output();
    expect(said).toContain(`the catalog ${catalog} failed its integrity check (PRAGMA quick_check):`);
    expect(said).toContain(`scaleout catalog restore <backup-file> --data-dir ${dataDir}`);
    expect(said).toContain('The file was not modified.');
    expect(sha256(catalog)).toBe(before);
    expect(existsSync(join(dataDir, 'master.json'))).toBe(false);

    // The way back is the one the message names.
    await restoreCatalog(backupFile, dataDir);
    master = await startMaster([], dataDir);
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    // An answered call also means the master is past its start-up, SIGTERM handler included.
    await client.call('execution.get', { executionId: ackedBeforeBackup[0]! });
    expect(await master.stop()).toBe(0);
    master = null;
  });

  it('refuses a backup written by a newer version and leaves the catalog alone', async () => {
    const newer = join(spare, 'newer.sqlite');
    copyFileSync(backupFile, newer);
    const db = await openDb(newer);
    await db.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    await db.close();
    const catalog = join(dataDir, 'catalog.sqlite');
    const before = sha256(catalog);
    await expect(restoreCatalog(newer, dataDir)).rejects.toMatchObject({
      field: 'backupFile',
      message: expect.stringMatching(/written by a newer Scale Out; this version knows up to \d+/),
    });
    expect(sha256(catalog)).toBe(before);
  });
});

/** The same through the built CLI: what it prints, and errors naming the flag at fault. */
describe('scaleout catalog backup|restore', () => {
  let master: MasterProcess | null = null;
  const spare = mkdtempSync(join(tmpdir(), 'scaleout-backups-'));
  const backupFile = join(spare, 'backup.sqlite');

  afterAll(async () => {
    await master?.stop('SIGKILL');
    if (master) removeDir(master.dataDir);
    removeDir(spare);
  });

  it('backs up a running master, says what it did, and refuses to overwrite without --force', async () => {
    master = await startMaster();
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    await client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    const args = ['catalog', 'backup', backupFile, '--data-dir', master.dataDir];
    const first = await runCli(args);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`Backed up ${join(master.dataDir, 'catalog.sqlite')}`);
    expect(first.stdout).toMatch(/size: +\d/);
    expect(first.stdout).toContain(`schema version:   ${migrations.length} (PRAGMA user_version)`);
    expect(first.stdout).toContain('integrity_check:  ok');

    const again = await runCli(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`scaleout: ${backupFile} already exists (--force overwrites it) [file]\n`);
    expect((await runCli([...args, '--force'])).code).toBe(0);
  });

  it('refuses to restore while the master runs, naming --data-dir, and restores once it is stopped', async () => {
    const dataDir = master!.dataDir;
    const args = ['catalog', 'restore', backupFile, '--data-dir', dataDir];
    const refused = await runCli(args);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /a master is running from .* \(pid \d+\); stop it before restoring.*\[--data-dir\]/,
    );

    expect(await master!.stop()).toBe(0);
    const restored = await runCli(args);
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(restored.stdout).toContain('integrity_check:  ok');
    expect(restored.stdout).toMatch(/moved aside \(not deleted\): .*catalog\.sqlite\.before-restore-/);
    master = await startMaster([], dataDir);
    const { folders } = await nodeClient(master.consoleUrl, master.consoleToken).call('catalog.tree', {});
    expect(folders.map((f) => f.name)).toContain('Samples');
  });
});
