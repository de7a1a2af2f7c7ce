import type { Db, Queries } from './db';
import type { SecretBox } from '../secretBox';
import { ScaleOutError } from '../protocol/errors';
import type { ParameterDataType, ParameterValue } from '../protocol/packageFormat';
import type { EnvironmentInfo, ReferenceInfo } from '../protocol/api';
import { coerceParameterValue } from '../execution/resolveParameters';
import type { EnvironmentVariable } from '../execution/resolveParameters';
import { folderId, projectId } from './lookups';

interface VariableRecord {
  name: string;
  data_type: ParameterDataType;
  sensitive: number;
  value: string | null;
  description: string;
}

/** Stored form: JSON of the typed value, encrypted when sensitive. */
export function storeValue(box: SecretBox, value: ParameterValue, sensitive: boolean): string {
  const json = JSON.stringify(value);
  return sensitive ? box.encrypt(json) : json;
}
export function loadValue(box: SecretBox, stored: string, sensitive: boolean): ParameterValue {
  return JSON.parse(sensitive ? box.decrypt(stored) : stored) as ParameterValue;
}

/** Environments (SSISDB catalog.environments), their variables, and project references to them. */
export function createEnvironmentsRepo(db: Db, box: SecretBox) {
  async function environmentId(q: Queries, folderName: string, name: string): Promise<number> {
    const fid = await folderId(q, folderName);
    const row = await q.get<{ environment_id: number }>(
      'SELECT environment_id FROM environments WHERE folder_id = ? AND name = ?',
      [fid, name],
    );
    if (!row)
      throw new ScaleOutError('NOT_FOUND', `environment ${folderName}/${name} does not exist`, {
        field: 'environmentName',
      });
    return row.environment_id;
  }

  async function list(folderName: string): Promise<EnvironmentInfo[]> {
    const fid = await folderId(db, folderName);
    const envs = await db.all<{ environment_id: number; name: string; description: string }>(
      'SELECT environment_id, name, description FROM environments WHERE folder_id = ? ORDER BY name',
      [fid],
    );
    const vars = await db.all<VariableRecord & { environment_id: number }>(
      `SELECT v.* FROM environment_variables v JOIN environments e ON e.environment_id = v.environment_id
        WHERE e.folder_id = ? ORDER BY v.name`,
      [fid],
    );
    return envs.map((e) => ({
      name: e.name,
      description: e.description,
      variables: vars
        .filter((v) => v.environment_id === e.environment_id)
        .map((v) => ({
          name: v.name,
          dataType: v.data_type,
          sensitive: v.sensitive === 1,
          value: v.sensitive === 1 || v.value === null ? null : loadValue(box, v.value, false),
          description: v.description,
        })),
    }));
  }

  async function create(folderName: string, name: string, description: string): Promise<void> {
    await db.transaction(async (tx) => {
      const fid = await folderId(tx, folderName);
      const result = await tx.run(
        'INSERT OR IGNORE INTO environments (folder_id, name, description, created_time) VALUES (?, ?, ?, ?)',
        [fid, name, description, new Date().toISOString()],
      );
      if (result.changes === 0) {
        throw new ScaleOutError('CONFLICT', `environment ${folderName}/${name} already exists`, {
          field: 'environmentName',
        });
      }
    });
  }

  async function remove(folderName: string, name: string): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.run('DELETE FROM environments WHERE environment_id = ?', [
        await environmentId(tx, folderName, name),
      ]);
    });
  }

  async function setVariable(
    folderName: string,
    environmentName: string,
    variable: {
      name: string;
      dataType: ParameterDataType;
      value: ParameterValue;
      sensitive: boolean;
      description: string;
    },
  ): Promise<void> {
    const typed = coerceParameterValue(variable.dataType, variable.value, variable.name);
    await db.transaction(async (tx) => {
      const eid = await environmentId(tx, folderName, environmentName);
      await tx.run(
        `INSERT INTO environment_variables (environment_id, name, data_type, sensitive, value, description)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (environment_id, name) DO UPDATE SET data_type = excluded.data_type, sensitive = excluded.sensitive,
           value = excluded.value, description = excluded.description`,
        [
          eid,
          variable.name,
          variable.dataType,
          variable.sensitive ? 1 : 0,
          storeValue(box, typed, variable.sensitive),
          variable.description,
        ],
      );
    });
  }

  async function deleteVariable(folderName: string, environmentName: string, name: string): Promise<void> {
    await db.transaction(async (tx) => {
      const eid = await environmentId(tx, folderName, environmentName);
      const result = await tx.run('DELETE FROM environment_variables WHERE environment_id = ? AND name = ?', [
        eid,
        name,
      ]);
      if (result.changes === 0) {
        throw new ScaleOutError(
          'NOT_FOUND',
          `environment ${folderName}/${environmentName} has no variable ${name}`,
          { field: 'name' },
        );
      }
    });
  }

  async function references(folderName: string, projectName: string): Promise<ReferenceInfo[]> {
    const pid = await projectId(db, folderName, projectName);
    const rows = await db.all<{
      reference_id: number;
      reference_type: 'R' | 'A';
      environment_folder_name: string | null;
      environment_name: string;
    }>('SELECT * FROM environment_references WHERE project_id = ? ORDER BY reference_id', [pid]);
    return rows.map((r) => ({
      referenceId: r.reference_id,
      referenceType: r.reference_type,
      environmentFolderName: r.environment_folder_name ?? folderName,
      environmentName: r.environment_name,
    }));
  }

  /** Adds a reference; the environment must exist now (SSIS checks at execution too). */
  async function addReference(
    folderName: string,
    projectName: string,
    environmentFolderName: string | undefined,
    environmentName: string,
  ) {
    return db.transaction(async (tx) => {
      const pid = await projectId(tx, folderName, projectName);
      await environmentId(tx, environmentFolderName ?? folderName, environmentName);
      const relative = environmentFolderName === undefined;
      const existing = await tx.get<{ reference_id: number }>(
        `SELECT reference_id FROM environment_references WHERE project_id = ? AND reference_type = ?
           AND environment_folder_name IS ? AND environment_name = ?`,
        [pid, relative ? 'R' : 'A', relative ? null : environmentFolderName, environmentName],
      );
      if (existing) return existing.reference_id;
      const result = await tx.run(
        'INSERT INTO environment_references (project_id, reference_type, environment_folder_name, environment_name) VALUES (?, ?, ?, ?)',
        [pid, relative ? 'R' : 'A', relative ? null : environmentFolderName, environmentName],
      );
      return result.lastID;
    });
  }

  async function removeReference(referenceId: number): Promise<void> {
    const result = await db.run('DELETE FROM environment_references WHERE reference_id = ?', [referenceId]);
    if (result.changes === 0)
      throw new ScaleOutError('NOT_FOUND', `environment reference ${referenceId} does not exist`, {
        field: 'referenceId',
      });
  }

  /** The environment an execution's reference points at, with decrypted variables. */
  async function resolveReference(
    q: Queries,
    projectIdValue: number,
    projectFolderName: string,
    referenceId: number,
  ): Promise<{ folderName: string; name: string; variables: Map<string, EnvironmentVariable> }> {
    const ref = await q.get<{
      reference_type: 'R' | 'A';
      environment_folder_name: string | null;
      environment_name: string;
    }>('SELECT * FROM environment_references WHERE reference_id = ? AND project_id = ?', [
      referenceId,
      projectIdValue,
    ]);
    if (!ref)
      throw new ScaleOutError(
        'NOT_FOUND',
        `environment reference ${referenceId} is not a reference of this project`,
        { field: 'referenceId' },
      );
    const envFolder = ref.environment_folder_name ?? projectFolderName;
    const eid = await environmentId(q, envFolder, ref.environment_name).catch(() => {
      throw new ScaleOutError(
        'NOT_FOUND',
        `environment reference ${referenceId} points at ${envFolder}/${ref.environment_name}, which does not exist`,
        {
          field: 'referenceId',
        },
      );
    });
    const vars = await q.all<VariableRecord>('SELECT * FROM environment_variables WHERE environment_id = ?', [
      eid,
    ]);
    const variables = new Map<string, EnvironmentVariable>();
    for (const v of vars) {
      if (v.value === null) continue;
      variables.set(v.name.toLowerCase(), {
        name: v.name,
        value: loadValue(box, v.value, v.sensitive === 1),
        sensitive: v.sensitive === 1,
      });
    }
    return { folderName: envFolder, name: ref.environment_name, variables };
  }

  return {
    list,
    create,
    remove,
    setVariable,
    deleteVariable,
    references,
    addReference,
    removeReference,
    resolveReference,
  };
}

export type EnvironmentsRepo = ReturnType<typeof createEnvironmentsRepo>;
