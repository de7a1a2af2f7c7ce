import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import type { VersionRow } from '../protocol/api';
import { folderId, projectId } from './lookups';

/** Project versions (SSISDB catalog.object_versions): list, restore, clean up; delete projects and folders. */
export function createVersionsRepo(db: Db) {
  async function list(folderName: string, projectName: string): Promise<VersionRow[]> {
    const pid = await projectId(db, folderName, projectName);
    const rows = await db.all<{
      version_id: number;
      deployed_time: string;
      deployed_by: string;
      content_hash: string;
      project_json: string;
      current: number;
      package_names: string | null;
    }>(
      `SELECT v.version_id, v.deployed_time, v.deployed_by, v.content_hash, v.project_json,
              v.version_id = p.current_version_id AS current,
              (SELECT group_concat(name, char(31)) FROM (SELECT name FROM packages k WHERE k.version_id = v.version_id ORDER BY name)) AS package_names
         FROM project_versions v JOIN projects p ON p.project_id = v.project_id
        WHERE v.project_id = ? ORDER BY v.version_id DESC`,
      [pid],
    );
    return rows.map((r) => ({
      versionId: r.version_id,
      deployedAt: r.deployed_time,
      deployedBy: r.deployed_by,
      contentHash: r.content_hash,
      description: (JSON.parse(r.project_json) as { description?: string }).description ?? '',
      packageNames: r.package_names ? r.package_names.split('\u001f') : [],
      isCurrent: r.current === 1,
    }));
  }

  /** Makes an earlier version current again (SSIS catalog.restore_project); new executions run it. */
  async function restore(folderName: string, projectName: string, versionId: number): Promise<void> {
    await db.transaction(async (tx) => {
      const pid = await projectId(tx, folderName, projectName);
      const version = await tx.get<{ version_id: number }>(
        'SELECT version_id FROM project_versions WHERE version_id = ? AND project_id = ?',
        [versionId, pid],
      );
      if (!version) {
        throw new ScaleOutError(
          'NOT_FOUND',
          `project ${folderName}/${projectName} has no version ${versionId}`,
          { field: 'versionId' },
        );
      }
      await tx.run('UPDATE projects SET current_version_id = ? WHERE project_id = ?', [versionId, pid]);
    });
  }

  /** Deletes a project with its versions, server values and references; refused while it has work queued or running. */
  async function deleteProject(folderName: string, projectName: string): Promise<void> {
    await db.transaction(async (tx) => {
      const pid = await projectId(tx, folderName, projectName);
      const active = await tx.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM executions e JOIN project_versions v ON v.version_id = e.version_id
          WHERE v.project_id = ? AND e.status IN (1, 2, 5, 8)`,
        [pid],
      );
      if ((active?.n ?? 0) > 0) {
        throw new ScaleOutError(
          'CONFLICT',
          `project ${folderName}/${projectName} has ${active!.n} executions queued or running; stop them first`,
          {
            field: 'projectName',
          },
        );
      }
      await tx.run('DELETE FROM projects WHERE project_id = ?', [pid]);
    });
  }

  /** Deletes a folder that holds no projects and no environments (as SSISDB's catalog.delete_folder). */
  async function deleteFolder(name: string): Promise<void> {
    await db.transaction(async (tx) => {
      const fid = await folderId(tx, name);
      const counts = await tx.get<{ projects: number; environments: number }>(
        `SELECT (SELECT COUNT(*) FROM projects WHERE folder_id = ?) AS projects,
                (SELECT COUNT(*) FROM environments WHERE folder_id = ?) AS environments`,
        [fid, fid],
      );
      if (counts!.projects > 0 || counts!.environments > 0) {
        throw new ScaleOutError(
          'CONFLICT',
          `folder ${name} is not empty (${counts!.projects} projects, ${counts!.environments} environments); delete them first`,
          { field: 'name' },
        );
      }
      await tx.run('DELETE FROM folders WHERE folder_id = ?', [fid]);
    });
  }

  /**
   * Keeps the newest `keep` versions of every project, plus the current one and any version that
   * queued or running executions still need. Returns how many versions were removed.
   */
  async function cleanup(keep: number): Promise<number> {
    return db.transaction(async (tx) => {
      const doomed = await tx.all<{ version_id: number }>(
        `SELECT v.version_id FROM project_versions v JOIN projects p ON p.project_id = v.project_id
          WHERE v.version_id <> p.current_version_id
            AND (SELECT COUNT(*) FROM project_versions n WHERE n.project_id = v.project_id AND n.version_id > v.version_id) >= ?
            AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.version_id = v.version_id AND e.status IN (1, 2, 5, 8))`,
        [keep],
      );
      for (const { version_id } of doomed)
        await tx.run('DELETE FROM project_versions WHERE version_id = ?', [version_id]);
      return doomed.length;
    });
  }

  return { list, restore, deleteProject, deleteFolder, cleanup };
}

export type VersionsRepo = ReturnType<typeof createVersionsRepo>;
