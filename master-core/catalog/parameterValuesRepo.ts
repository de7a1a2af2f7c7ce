import type { Db, Queries } from './db';
import type { SecretBox } from '../secretBox';
import { ScaleOutError } from '../protocol/errors';
import { PackageDef, ProjectDef } from '../protocol/packageFormat';
import type { ParameterDef, ParameterValue } from '../protocol/packageFormat';
import type { ParameterInfo } from '../protocol/api';
import { coerceParameterValue } from '../execution/resolveParameters';
import type { ConfiguredValue } from '../execution/resolveParameters';
import { loadValue, storeValue } from './environmentsRepo';
import { parameterInfo } from './projectsRepo';
import { projectId } from './lookups';

interface StoredValue {
  object_type: 20 | 30;
  object_name: string;
  parameter_name: string;
  value_type: 'V' | 'R';
  value: string | null;
  referenced_variable_name: string | null;
}

export interface ConfigureInput {
  reference: string;
  packageName?: string | undefined;
  value?: ParameterValue | undefined;
  referencedVariable?: string | undefined;
}

const key = (objectType: number, objectName: string, name: string) =>
  `${objectType}|${objectName}|${name}`.toLowerCase();

/** Server-side parameter values per project (SSIS "Configure", catalog.object_parameters). */
export function createParameterValuesRepo(db: Db, box: SecretBox) {
  async function currentDefinitions(q: Queries, pid: number) {
    const version = await q.get<{ version_id: number; project_json: string }>(
      'SELECT v.version_id, v.project_json FROM projects p JOIN project_versions v ON v.version_id = p.current_version_id WHERE p.project_id = ?',
      [pid],
    );
    const packages = await q.all<{ definition_json: string }>(
      'SELECT definition_json FROM packages WHERE version_id = ? ORDER BY name',
      [version!.version_id],
    );
    return {
      project: ProjectDef.parse(JSON.parse(version!.project_json)),
      packages: packages.map((p) => PackageDef.parse(JSON.parse(p.definition_json))),
    };
  }

  async function storedValues(q: Queries, pid: number): Promise<Map<string, StoredValue>> {
    const rows = await q.all<StoredValue>('SELECT * FROM object_parameter_values WHERE project_id = ?', [
      pid,
    ]);
    return new Map(rows.map((r) => [key(r.object_type, r.object_name, r.parameter_name), r]));
  }

  function toConfigured(stored: StoredValue, sensitive: boolean): ConfiguredValue {
    return stored.value_type === 'R'
      ? { kind: 'reference', variableName: stored.referenced_variable_name! }
      : { kind: 'value', value: loadValue(box, stored.value!, sensitive) };
  }

  async function configure(folderName: string, projectName: string, input: ConfigureInput): Promise<void> {
    await db.transaction(async (tx) => {
      const pid = await projectId(tx, folderName, projectName);
      const defs = await currentDefinitions(tx, pid);
      const [scope, name] = input.reference.split('::') as ['$Project' | '$Package', string];
      let def: ParameterDef | undefined;
      let objectType: 20 | 30;
      let objectName: string;
      if (scope === '$Project') {
        objectType = 20;
        objectName = projectName;
        def = defs.project.parameters.find((p) => p.name.toLowerCase() === name.toLowerCase());
      } else {
        const pkg = defs.packages.find(
          (p) => p.name.toLowerCase() === (input.packageName ?? '').toLowerCase(),
        );
        if (!pkg) {
          throw new ScaleOutError(
            'VALIDATION_FAILED',
            `a package parameter needs the name of a package of ${folderName}/${projectName}`,
            {
              field: 'packageName',
            },
          );
        }
        objectType = 30;
        objectName = pkg.name;
        def = pkg.parameters.find((p) => p.name.toLowerCase() === name.toLowerCase());
      }
      if (!def)
        throw new ScaleOutError('NOT_FOUND', `parameter ${input.reference} does not exist in ${objectName}`, {
          field: 'reference',
        });
      if (input.value !== undefined && input.referencedVariable !== undefined) {
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          'give a value or an environment variable to reference, not both',
          { field: 'value' },
        );
      }
      await tx.run(
        'DELETE FROM object_parameter_values WHERE project_id = ? AND object_type = ? AND object_name = ? AND parameter_name = ?',
        [pid, objectType, objectName, def.name],
      );
      if (input.value === undefined && input.referencedVariable === undefined) return;
      const literal =
        input.value === undefined
          ? null
          : storeValue(box, coerceParameterValue(def.dataType, input.value, input.reference), def.sensitive);
      await tx.run(
        `INSERT INTO object_parameter_values (project_id, object_type, object_name, parameter_name, value_type, value, referenced_variable_name)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          pid,
          objectType,
          objectName,
          def.name,
          literal === null ? 'R' : 'V',
          literal,
          input.referencedVariable ?? null,
        ],
      );
    });
  }

  /** Every parameter of the current version with its server value; sensitive values are never returned. */
  async function listParameters(folderName: string, projectName: string) {
    const pid = await projectId(db, folderName, projectName);
    const defs = await currentDefinitions(db, pid);
    const stored = await storedValues(db, pid);
    const info = (
      objectType: 20 | 30,
      objectName: string,
      def: ParameterDef,
    ): ParameterInfo & { objectName: string; objectType: number } => {
      const s = stored.get(key(objectType, objectName, def.name));
      const server: ParameterInfo['serverValue'] = !s
        ? null
        : s.value_type === 'R'
          ? { kind: 'reference', variableName: s.referenced_variable_name! }
          : { kind: 'value', value: def.sensitive ? null : loadValue(box, s.value!, false) };
      return {
        ...parameterInfo(objectType === 20 ? 'Project' : 'Package', def, server),
        objectName,
        objectType,
      };
    };
    return [
      ...defs.project.parameters.map((d) => info(20, projectName, d)),
      ...defs.packages.flatMap((p) => p.parameters.map((d) => info(30, p.name, d))),
    ];
  }

  /** A lookup for resolveParameters: reference -> configured value of this package's parameters. */
  async function configuredLookup(
    q: Queries,
    pid: number,
    projectName: string,
    pkg: PackageDef,
    project: ProjectDef,
  ) {
    const stored = await storedValues(q, pid);
    return (reference: string): ConfiguredValue | undefined => {
      const [scope, name] = reference.split('::') as [string, string];
      const isProject = scope === '$Project';
      const def = (isProject ? project.parameters : pkg.parameters).find(
        (p) => p.name.toLowerCase() === name.toLowerCase(),
      );
      const s = stored.get(key(isProject ? 20 : 30, isProject ? projectName : pkg.name, name));
      return s && def ? toConfigured(s, def.sensitive) : undefined;
    };
  }

  return { configure, listParameters, configuredLookup };
}

export type ParameterValuesRepo = ReturnType<typeof createParameterValuesRepo>;
