import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../catalog/openCatalog';
import { migrations } from '../catalog/migrate';
import { createProjectsRepo } from '../catalog/projectsRepo';
import { loadProjectDir } from '../deploy/loadProjectDir';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-catalog-'));
  dirs.push(dir);
  return join(dir, 'catalog.sqlite');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('catalog file', () => {
  it('is created with every migration applied, in WAL mode with foreign keys on', async () => {
    const db = await openCatalog(tempFile());
    expect(await db.get('PRAGMA user_version')).toEqual({ user_version: migrations.length });
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await db.get('PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 });
    await db.close();
  });

  it('keeps a deployed project across close and reopen; redeploying the same content adds no version', async () => {
    const file = tempFile();
    const bundle = loadProjectDir('samples/HelloScaleOut');
    let db = await openCatalog(file);
    const first = await createProjectsRepo(db).deploy('Samples', bundle, 'test');
    await db.close();
    db = await openCatalog(file);
    const repo = createProjectsRepo(db);
    const tree = await repo.tree();
    expect(tree[0]?.projects[0]).toMatchObject({ name: 'HelloScaleOut', versionId: first.versionId });
    expect(tree[0]?.projects[0]?.packages.map((p) => p.name)).toEqual(['Countdown', 'Flaky', 'Hello']);
    expect(await repo.deploy('Samples', bundle, 'test')).toMatchObject({
      versionId: first.versionId,
      unchanged: true,
    });
    const changed = { ...bundle, project: { ...bundle.project, description: 'changed' } };
    expect((await repo.deploy('Samples', changed, 'test')).versionId).toBeGreaterThan(first.versionId);
    await db.close();
  });

  it('refuses a catalog written by a newer version, and leaves it untouched', async () => {
    const file = tempFile();
    const db = await openCatalog(file);
    await db.exec(`PRAGMA user_version = ${migrations.length + 5}`);
    await db.close();
    await expect(openCatalog(file)).rejects.toThrow(/schema version \d+, written by a newer Scale Out/);
    const again = await import('../catalog/db').then((m) => m.openDb(file));
    expect(await again.get('PRAGMA user_version')).toEqual({ user_version: migrations.length + 5 });
    await again.close();
  });
});
