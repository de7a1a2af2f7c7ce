import { createHash } from 'node:crypto';
import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import { PackageDef, ProjectDef } from '../protocol/packageFormat';
import type { ParameterDef, ProjectBundle } from '../protocol/packageFormat';
import type { FolderInfo, ParameterInfo } from '../protocol/api';

/** Folders, projects, project versions and packages (SSISDB's catalog.folders/projects/packages). */

export interface DeployResult {
  versionId: number;
  packageCount: number;
  unchanged: boolean;
}

export interface PackageLookup {
  projectId: number;
  versionId: number;
  folderName: string;
  projectName: string;
  packageName: string;
  project: ProjectDef;
  package: PackageDef;
}

const now = () => new Date().toISOString();

export function parameterInfo(
  scope: 'Project' | 'Package',
  def: ParameterDef,
  serverValue: ParameterInfo['serverValue'] = null,
): ParameterInfo {
  return {
    name: def.name,
    reference: `$${scope}::${def.name}`,
    dataType: def.dataType,
    defaultValue: def.sensitive ? null : (def.defaultValue ?? null),
    required: def.required,
    sensitive: def.sensitive,
    description: def.description,
    serverValue,
  };
}

export function createProjectsRepo(db: Db) {
  async function createFolder(name: string, description: string): Promise<boolean> {
    const result = await db.run(
      'INSERT OR IGNORE INTO folders (name, description, created_time) VALUES (?, ?, ?)',
      [name, description, now()],
    );
    return result.changes > 0;
  }

  async function deploy(
    folderName: string,
    bundle: ProjectBundle,
    deployedBy: string,
  ): Promise<DeployResult> {
    const projectJson = JSON.stringify(bundle.project);
    const hash = createHash('sha256').update(JSON.stringify(bundle)).digest('hex');
    return db.transaction(async (tx) => {
      await tx.run('INSERT OR IGNORE INTO folders (name, description, created_time) VALUES (?, ?, ?)', [
        folderName,
        '',
        now(),
      ]);
      const folder = await tx.get<{ folder_id: number }>('SELECT folder_id FROM folders WHERE name = ?', [
        folderName,
      ]);
      await tx.run('INSERT OR IGNORE INTO projects (folder_id, name, description) VALUES (?, ?, ?)', [
        folder!.folder_id,
        bundle.project.name,
        bundle.project.description,
      ]);
      const project = await tx.get<{ project_id: number; current_version_id: number | null }>(
        'SELECT project_id, current_version_id FROM projects WHERE folder_id = ? AND name = ?',
        [folder!.folder_id, bundle.project.name],
      );
      const current = project!.current_version_id
        ? await tx.get<{ content_hash: string }>(
            'SELECT content_hash FROM project_versions WHERE version_id = ?',
            [project!.current_version_id],
          )
        : undefined;
      if (current?.content_hash === hash) {
        return {
          versionId: project!.current_version_id!,
          packageCount: bundle.packages.length,
          unchanged: true,
        };
      }
      const version = await tx.run(
        'INSERT INTO project_versions (project_id, content_hash, project_json, deployed_time, deployed_by) VALUES (?, ?, ?, ?, ?)',
        [project!.project_id, hash, projectJson, now(), deployedBy],
      );
      for (const pkg of bundle.packages) {
        await tx.run('INSERT INTO packages (version_id, name, definition_json) VALUES (?, ?, ?)', [
          version.lastID,
          pkg.name,
          JSON.stringify(pkg),
        ]);
      }
      await tx.run('UPDATE projects SET current_version_id = ?, description = ? WHERE project_id = ?', [
        version.lastID,
        bundle.project.description,
        project!.project_id,
      ]);
      return { versionId: version.lastID, packageCount: bundle.packages.length, unchanged: false };
    });
  }

  async function tree(): Promise<FolderInfo[]> {
    const folders = await db.all<{ folder_id: number; name: string; description: string }>(
      'SELECT folder_id, name, description FROM folders ORDER BY name',
    );
    const projects = await db.all<{
      folder_id: number;
      name: string;
      description: string;
      version_id: number;
      project_json: string;
      deployed_time: string;
      deployed_by: string;
    }>(
      `SELECT p.folder_id, p.name, p.description, v.version_id, v.project_json, v.deployed_time, v.deployed_by
         FROM projects p JOIN project_versions v ON v.version_id = p.current_version_id ORDER BY p.name`,
    );
    const packages = await db.all<{ version_id: number; definition_json: string }>(
      `SELECT k.version_id, k.definition_json FROM packages k
         JOIN projects p ON p.current_version_id = k.version_id ORDER BY k.name`,
    );
    return folders.map((folder) => ({
      name: folder.name,
      description: folder.description,
      environments: [],
      projects: projects
        .filter((p) => p.folder_id === folder.folder_id)
        .map((p) => {
          const projectDef = ProjectDef.parse(JSON.parse(p.project_json));
          return {
            name: p.name,
            description: p.description,
            versionId: p.version_id,
            deployedAt: p.deployed_time,
            deployedBy: p.deployed_by,
            references: [],
            parameters: projectDef.parameters.map((d) => parameterInfo('Project', d)),
            connectionManagers: projectDef.connectionManagers.map(({ name, type, description }) => ({
              name,
              type,
              description,
            })),
            packages: packages
              .filter((k) => k.version_id === p.version_id)
              .map((k) => {
                const def = PackageDef.parse(JSON.parse(k.definition_json));
                return {
                  name: def.name,
                  description: def.description,
                  taskCount: def.tasks.length,
                  parameters: def.parameters.map((d) => parameterInfo('Package', d)),
                  connectionManagers: def.connectionManagers.map(({ name, type, description }) => ({
                    name,
                    type,
                    description,
                  })),
                };
              }),
          };
        }),
    }));
  }

  async function findPackage(
    folderName: string,
    projectName: string,
    packageName: string,
  ): Promise<PackageLookup> {
    const row = await db.get<{
      project_id: number;
      version_id: number;
      folder: string;
      project: string;
      project_json: string;
      definition_json: string | null;
    }>(
      `SELECT p.project_id, v.version_id, f.name AS folder, p.name AS project, v.project_json,
              (SELECT definition_json FROM packages k WHERE k.version_id = v.version_id AND k.name = ?) AS definition_json
         FROM folders f JOIN projects p ON p.folder_id = f.folder_id
         JOIN project_versions v ON v.version_id = p.current_version_id
        WHERE f.name = ? AND p.name = ?`,
      [packageName, folderName, projectName],
    );
    if (!row) {
      throw new ScaleOutError('NOT_FOUND', `project ${folderName}/${projectName} is not in the catalog`, {
        field: 'projectName',
      });
    }
    if (!row.definition_json) {
      throw new ScaleOutError(
        'NOT_FOUND',
        `package ${packageName} is not in project ${folderName}/${projectName}`,
        {
          field: 'packageName',
        },
      );
    }
    const pkg = PackageDef.parse(JSON.parse(row.definition_json));
    return {
      projectId: row.project_id,
      versionId: row.version_id,
      folderName: row.folder,
      projectName: row.project,
      packageName: pkg.name,
      project: ProjectDef.parse(JSON.parse(row.project_json)),
      package: pkg,
    };
  }

  return { createFolder, deploy, tree, findPackage };
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
