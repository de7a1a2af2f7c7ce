import type { ParameterValue } from '../../master-core/protocol/packageFormat';
import type { TaskAssignment } from '../../master-core/protocol/wire';

export type Value = ParameterValue | null;

/** Everything a task can read or set while a package runs. */
export interface PackageContext {
  /** "$Project::Name" / "$Package::Name" -> value. */
  parameters: Readonly<Record<string, Value>>;
  /** User variables by name; tasks may change them. */
  variables: Record<string, Value>;
  system: Readonly<Record<string, Value>>;
  nodePath: string;
  signal: AbortSignal;
}

export function createContext(
  assignment: TaskAssignment,
  machineName: string,
  signal: AbortSignal,
): PackageContext {
  const variables: Record<string, Value> = {};
  for (const v of assignment.package.variables) variables[v.name] = v.value ?? null;
  return {
    parameters: { ...assignment.parameterValues },
    variables,
    system: {
      ExecutionId: assignment.executionId,
      AttemptNumber: assignment.attemptNumber,
      MachineName: machineName,
      StartTime: new Date().toISOString(),
      PackageName: assignment.packageName,
      ProjectName: assignment.projectName,
      FolderName: assignment.folderName,
    },
    nodePath: process.execPath,
    signal,
  };
}

/** Looks up "$Package::X", "$Project::X", "User::X" or "System::X"; undefined when unknown. */
export function lookupReference(context: PackageContext, reference: string): Value | undefined {
  const [scope, name] = reference.split('::');
  if (!name) return undefined;
  const lower = name.toLowerCase();
  const find = (record: Readonly<Record<string, Value>>, prefix = '') =>
    Object.entries(record).find(([k]) => k.toLowerCase() === `${prefix}${lower}`)?.[1];
  switch (scope) {
    case '$Package':
    case '$Project':
      return find(context.parameters, `${scope.toLowerCase()}::`);
    case 'User':
      return find(context.variables);
    case 'System':
      return name === 'NodePath' ? context.nodePath : find(context.system);
    default:
      return undefined;
  }
}

/** Replaces every @[Scope::Name] in text with the referenced value; throws naming an unknown one. */
export function substitute(context: PackageContext, text: string): string {
  return text.replace(/@\[([^\]]+)\]/g, (_match, reference: string) => {
    const value = lookupReference(context, reference.trim());
    if (value === undefined) throw new Error(`unknown reference @[${reference}]`);
    return value === null ? '' : String(value);
  });
}
