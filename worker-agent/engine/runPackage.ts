import { MessageSourceType, MessageType, isLoggedAt } from '../../master-core/protocol/codes';
import { ConnectionManagerDef, settableConnectionProperties } from '../../master-core/protocol/packageFormat';
import type {
  ExecutePackageTask,
  PackageDef,
  ParameterDataType,
} from '../../master-core/protocol/packageFormat';
import type { DataStatistic, TaskAssignment, TaskStatistic } from '../../master-core/protocol/wire';
import { connectionStringSecrets } from './connections/connectionString';
import { applyOverrides, splitOverrides } from './connections/overrides';
import type { ConnectionOverride } from './connections/overrides';
import { createConnectionRegistry } from './connections/registry';
import { PackageRun } from './controlFlow';
import { Semaphore, concurrencyOf } from './slots';
import type { RunShared } from './controlFlow';
import { capMessage } from './events';
import type { EngineEvent } from './events';
import { textOf } from './expressions';
import { createMasker } from './mask';
import type { TaskContext, Value } from './taskApi';
import { Scope, convertTo } from './variables';

export interface PackageResult {
  outcome: 'succeeded' | 'failed';
  error: string | null;
  statistics: TaskStatistic[];
  /** Rows per Data Flow path and component times. */
  dataStatistics: DataStatistic[];
}

/** Execute Package tasks nested deeper than this are refused (a guard; deploy refuses cycles). */
const MAX_PACKAGE_DEPTH = 8;

/** Message of anything thrown, including errors from another V8 context. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error)
    return String((error as { message: unknown }).message);
  return String(error);
}

function findCaseless<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  const lower = key.toLowerCase();
  const hit = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return hit === undefined ? undefined : record[hit];
}

interface PackageInvocation {
  pkg: PackageDef;
  /** "$Project::X" and "$Package::X" -> value. */
  parameters: Record<string, Value>;
  system: Record<string, Value>;
  parentFrame: unknown;
  pathPrefix: string;
  depth: number;
  /** Overrides of this package's own connection managers (only the executed package has them). */
  packageOverrides: readonly ConnectionOverride[];
}

/**
 * Runs a package in this process: its control flow (controlFlow.ts) with its variables,
 * parameters, connection managers, event handlers, and the packages its Execute Package tasks
 * name. Messages the logging level excludes are not emitted at all; every message is masked
 * (sensitive parameters, passwords in connection strings). Statistics (one row per executable
 * run) are kept whatever the logging level.
 */
export async function runPackage(
  assignment: TaskAssignment,
  machineName: string,
  sink: (event: EngineEvent) => void,
  signal: AbortSignal,
): Promise<PackageResult> {
  const level = assignment.loggingLevel;
  const mask = createMasker(assignment.sensitiveReferences.map((r) => assignment.parameterValues[r]));
  let firstError: string | null = null;
  const statistics: TaskStatistic[] = [];
  const dataStatistics: DataStatistic[] = [];
  const pkg = assignment.package;

  const shared: RunShared = {
    emit: (packagePath) => (event) => {
      if (event.messageType === MessageType.error && firstError === null) firstError = event.message;
      if (isLoggedAt(level, event.messageType))
        sink({ ...event, message: mask(capMessage(event.message)), packagePath, timeMs: Date.now() });
    },
    statistics,
    dataStatistics,
    droppedStatistics: 0,
    signal,
    workDir: process.cwd(),
    nodePath: process.execPath,
    slots: new Semaphore(concurrencyOf(pkg)),
    addSecret: (value) => mask.add(value),
    runChild: (task, context, frame) => runChild(task, context, frame),
  };
  const system: Record<string, Value> = {
    ExecutionId: assignment.executionId,
    AttemptNumber: assignment.attemptNumber,
    MachineName: machineName,
    StartTime: new Date(),
    PackageName: assignment.packageName,
    ProjectName: assignment.projectName,
    FolderName: assignment.folderName,
    NodePath: process.execPath,
  };

  async function invoke(invocation: PackageInvocation): Promise<'success' | 'failure' | 'cancelled'> {
    const { pkg: definition, parameters } = invocation;
    const outer = (reference: string): Value | undefined => {
      const [scope, name = ''] = reference.split('::');
      if (scope === '$Package' || scope === '$Project') return findCaseless(parameters, `${scope}::${name}`);
      if (scope === 'System') return findCaseless(invocation.system, name);
      return undefined;
    };
    const scope = new Scope(null, definition.variables, outer, {}, (def, value) =>
      shared.emit(`${invocation.pathPrefix}\\Package`)({
        messageType: MessageType.variableValueChanged,
        sourceType: MessageSourceType.packageObject,
        sourceName: def.name,
        message: `User::${def.name} changed to ${textOf(value)}`,
      }),
    );
    const managers = connectionManagers(definition, scope, invocation.packageOverrides);
    const registry = createConnectionRegistry(managers.defs, {
      workDir: shared.workDir,
      addSecret: shared.addSecret,
    });
    const run = new PackageRun(definition, {
      shared,
      scope,
      parentFrame: invocation.parentFrame as never,
      pathPrefix: invocation.pathPrefix,
      parameterNames: Object.keys(parameters),
      connection: (name, type) => {
        const error = managers.broken.get(name.toLowerCase());
        return error ? Promise.reject(error) : registry.open(name, type);
      },
    });
    try {
      return await run.run();
    } finally {
      await registry.closeAll();
    }
  }

  /**
   * Connection managers of the project and the package (the package's win), property expressions
   * applied and the result checked against the schema. One whose expressions fail is kept with its
   * error, raised when a task opens it: a package that never uses it is not stopped by it. Every
   * password in a connection string is masked from the start, opened or not.
   */
  function connectionManagers(
    definition: PackageDef,
    scope: Scope,
    packageOverrides: readonly ConnectionOverride[],
  ) {
    const byName = new Map<string, { cm: ConnectionManagerDef; overrides: readonly ConnectionOverride[] }>();
    for (const cm of assignment.projectConnections)
      byName.set(cm.name.toLowerCase(), { cm, overrides: split.project });
    for (const cm of definition.connectionManagers)
      byName.set(cm.name.toLowerCase(), { cm, overrides: packageOverrides });
    const broken = new Map<string, Error>();
    const defs = [...byName.values()].map(({ cm, overrides }) => {
      try {
        // Overrides first, then property expressions (which win, as in SSIS).
        const copy = applyOverrides(cm, overrides);
        for (const [property, expression] of Object.entries(cm.propertyExpressions)) {
          if (!settableConnectionProperties(cm.type).includes(property))
            throw new Error(`property ${property} cannot be set by an expression`);
          copy[property] = textOrValue(scope.evaluate(expression));
        }
        const parsed = ConnectionManagerDef.safeParse(copy);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          const property = issue.path.join('.');
          const setBy = property in cm.propertyExpressions ? 'property expression' : 'override';
          throw new Error(`${setBy} for ${property}: ${issue.message}`);
        }
        for (const secret of connectionStringSecrets(parsed.data.connectionString)) shared.addSecret(secret);
        return parsed.data;
      } catch (error) {
        broken.set(cm.name.toLowerCase(), new Error(`connection manager ${cm.name}: ${errorText(error)}`));
        return cm;
      }
    });
    return { defs, broken };
  }

  async function runChild(task: ExecutePackageTask, context: TaskContext, frame: unknown): Promise<void> {
    // Each level adds a \Package segment to the path (a guard only: deploy refuses cycles).
    const depth = context.packagePath.split('\\Package').length - 1;
    if (depth > MAX_PACKAGE_DEPTH) throw new Error(`packages nest deeper than ${MAX_PACKAGE_DEPTH} levels`);
    const child =
      assignment.childPackages.find((p) => p.name.toLowerCase() === task.packageName.toLowerCase()) ??
      (pkg.name.toLowerCase() === task.packageName.toLowerCase() ? pkg : undefined);
    if (!child) throw new Error(`package ${task.packageName} is not in this project's deployment`);
    const parameters: Record<string, Value> = {};
    for (const [key, value] of Object.entries(split.parameters) as [string, Value][])
      if (key.startsWith('$Project::')) parameters[key] = value;
    for (const name of Object.keys(task.parameterBindings)) {
      if (!child.parameters.some((p) => p.name.toLowerCase() === name.toLowerCase()))
        throw new Error(`package ${child.name} has no parameter ${name}`);
    }
    for (const def of child.parameters) {
      const binding = findCaseless(task.parameterBindings, def.name);
      const value = binding !== undefined ? context.evaluate(binding) : (def.defaultValue ?? null);
      if (value === null && def.required)
        throw new Error(`package ${child.name} needs parameter ${def.name}: bind it in parameterBindings`);
      const converted = convertTo(def.dataType, value, `$Package::${def.name} of ${child.name}`);
      if (def.sensitive && converted !== null) shared.addSecret(textOf(converted));
      parameters[`$Package::${def.name}`] = converted;
    }
    context.log.information(`running package ${child.name}`);
    const result = await invoke({
      pkg: child,
      parameters,
      system: { ...system, PackageName: child.name },
      parentFrame: frame,
      pathPrefix: context.packagePath,
      depth,
      packageOverrides: [],
    });
    if (result === 'cancelled') throw new Error(`package ${child.name} was cancelled`);
    if (result === 'failure') throw new Error(`package ${child.name} failed`);
  }

  // Every parameter is read as its data type (a Decimal travels as text, a DateTime as ISO text);
  // one without a value is NULL, as in SSIS.
  const parameters: Record<string, Value> = {};
  const types = new Map<string, ParameterDataType>([
    ...Object.entries(assignment.projectParameterTypes).map(([n, t]) => [`$Project::${n}`, t] as const),
    ...pkg.parameters.map((p) => [`$Package::${p.name}`, p.dataType] as const),
  ]);
  const lowerTypes = new Set([...types.keys()].map((k) => k.toLowerCase()));
  const split = splitOverrides(assignment.parameterValues, (key) => lowerTypes.has(key.toLowerCase()));
  for (const key of types.keys()) parameters[key] = null;
  for (const [key, value] of Object.entries(split.parameters) as [string, Value][]) {
    const type = [...types].find(([k]) => k.toLowerCase() === key.toLowerCase());
    if (type) delete parameters[type[0]];
    parameters[type?.[0] ?? key] = type ? convertTo(type[1], value, key) : value;
  }
  let result: 'success' | 'failure' | 'cancelled';
  try {
    result = await invoke({
      pkg,
      parameters,
      system,
      parentFrame: null,
      pathPrefix: '',
      depth: 0,
      packageOverrides: split.package,
    });
  } catch (error) {
    return {
      outcome: 'failed',
      error: mask(`engine error: ${errorText(error)}`),
      statistics,
      dataStatistics,
    };
  }
  if (result === 'success') return { outcome: 'succeeded', error: null, statistics, dataStatistics };
  const reason = result === 'cancelled' ? 'the execution was stopped' : (firstError ?? 'the package failed');
  return { outcome: 'failed', error: mask(reason), statistics, dataStatistics };
}

function textOrValue(value: Value): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
