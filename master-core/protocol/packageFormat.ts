import { z } from 'zod';
import { DataFlowFields } from './dataFlowFormat';
import { Expression, ObjectName, VariableRef } from './formatBasics';

export { ObjectName };

export const ParameterDataType = z.enum([
  'String',
  'Boolean',
  'Int32',
  'Int64',
  'Double',
  'Decimal',
  'DateTime',
]);
export type ParameterDataType = z.infer<typeof ParameterDataType>;

export const ParameterValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParameterValue = z.infer<typeof ParameterValue>;

const Description = z.string().max(4000).default('');

export const ParameterDef = z.strictObject({
  name: ObjectName,
  dataType: ParameterDataType,
  defaultValue: ParameterValue.optional(),
  required: z.boolean().default(false),
  sensitive: z.boolean().default(false),
  description: Description,
});
export type ParameterDef = z.infer<typeof ParameterDef>;

/** Variables also hold Object values: arrays and records (full result sets, foreach lists). */
export const VariableDataType = z.enum([...ParameterDataType.options, 'Object']);
export type VariableDataType = z.infer<typeof VariableDataType>;

export const VariableDef = z.strictObject({
  name: ObjectName,
  dataType: VariableDataType,
  value: z.unknown().optional(),
  /** EvaluateAsExpression: the value is computed from this expression each time it is read. */
  expression: Expression.optional(),
  readOnly: z.boolean().default(false),
  /** Sends an OnVariableValueChanged message (type 80) when a task changes the value. */
  raiseChangedEvent: z.boolean().default(false),
  description: Description,
});
export type VariableDef = z.infer<typeof VariableDef>;

function uniqueNames(items: readonly { name: string }[]): boolean {
  return new Set(items.map((i) => i.name.toLowerCase())).size === items.length;
}

// ---------------------------------------------------------------------------------------------
// Connection managers

const ConnectionBase = {
  name: ObjectName,
  description: Description,
  /** Connection manager property -> expression computing it when the package starts. */
  propertyExpressions: z.record(z.string(), Expression).default({}),
};

/** SQLite database file; the connection string is its path (relative to the work directory). */
export const SqliteConnection = z.strictObject({
  ...ConnectionBase,
  type: z.literal('sqlite'),
  connectionString: z.string().default(''),
  readOnly: z.boolean().default(false),
});
/** PostgreSQL server: postgres://user:password@host:port/database or key=value pairs. */
export const PostgresConnection = z.strictObject({
  ...ConnectionBase,
  type: z.literal('postgresql'),
  connectionString: z.string().default(''),
});
/** A delimited text file; the connection string is its path. */
export const FlatFileConnection = z.strictObject({
  ...ConnectionBase,
  type: z.literal('flatFile'),
  connectionString: z.string().default(''),
  delimiter: z.string().min(1).max(4).default(','),
  textQualifier: z.string().max(1).default('"'),
  columnNamesInFirstDataRow: z.boolean().default(true),
  encoding: z.enum(['utf8', 'utf16le', 'latin1', 'ascii']).default('utf8'),
});
/** An HTTP server; the connection string is its base URL. */
export const HttpConnection = z.strictObject({
  ...ConnectionBase,
  type: z.literal('http'),
  connectionString: z.string().default(''),
  headers: z.record(z.string(), z.string()).default({}),
  timeoutMs: z.number().int().positive().default(30_000),
});

export const ConnectionManagerDef = z.discriminatedUnion('type', [
  SqliteConnection,
  PostgresConnection,
  FlatFileConnection,
  HttpConnection,
]);
export type ConnectionManagerDef = z.infer<typeof ConnectionManagerDef>;
export type ConnectionType = ConnectionManagerDef['type'];

// ---------------------------------------------------------------------------------------------
// Control flow: tasks, containers, precedence constraints, event handlers

export const PrecedenceConstraintDef = z.strictObject({
  from: ObjectName,
  to: ObjectName,
  /** The result of `from` this constraint waits for. */
  value: z.enum(['Success', 'Failure', 'Completion']).default('Success'),
  evalOp: z
    .enum(['Constraint', 'Expression', 'ExpressionAndConstraint', 'ExpressionOrConstraint'])
    .default('Constraint'),
  expression: Expression.optional(),
  /** Several constraints into one executable: all must hold (true) or any one (false). */
  logicalAnd: z.boolean().default(true),
});
export type PrecedenceConstraintDef = z.infer<typeof PrecedenceConstraintDef>;

export const EVENT_HANDLER_NAMES = [
  'OnError',
  'OnWarning',
  'OnInformation',
  'OnPreExecute',
  'OnPostExecute',
  'OnTaskFailed',
] as const;
export type EventHandlerName = (typeof EVENT_HANDLER_NAMES)[number];
/** Event name -> the control flow that runs when the executable (or one inside it) raises it. */
export type EventHandlers = Partial<Record<EventHandlerName, ControlFlowDef>>;

/** What every task and container has (SSIS executable properties). */
const ExecutableBase = {
  name: ObjectName,
  description: Description,
  /** Disable: the executable is skipped and its constraints see it as succeeded. */
  disabled: z.boolean().default(false),
  failPackageOnFailure: z.boolean().default(false),
  failParentOnFailure: z.boolean().default(false),
  /** Errors the executable tolerates before it fails; 0 means no limit. */
  maximumErrorCount: z.number().int().min(0).default(1),
  /** Property name -> expression; evaluated just before the executable runs. */
  propertyExpressions: z.record(z.string(), Expression).default({}),
  eventHandlers: z
    .lazy((): z.ZodType<EventHandlers, unknown> =>
      z.partialRecord(z.enum(EVENT_HANDLER_NAMES), ControlFlowDef),
    )
    .default({}),
};

/** Execute Process task: runs a program without a shell. */
export const ExecuteProcessTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('executeProcess'),
  executable: z.string().min(1, 'must name a program'),
  arguments: z.array(z.string()).default([]),
  workingDirectory: z.string().optional(),
  environment: z.record(z.string(), z.string()).default({}),
  /** Exit codes that mean success (SSIS SuccessValue). */
  successExitCodes: z.array(z.number().int()).min(1).default([0]),
  failTaskIfReturnCodeIsNotSuccessValue: z.boolean().default(true),
  standardInput: z.string().optional(),
  standardOutputVariable: VariableRef.optional(),
  standardErrorVariable: VariableRef.optional(),
  exitCodeVariable: VariableRef.optional(),
  timeoutMs: z.number().int().positive().optional(),
});
export type ExecuteProcessTask = z.infer<typeof ExecuteProcessTask>;

/** Script task: a JavaScript async function body, run in an isolated process with the script API. */
export const ScriptTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('script'),
  /** The code; deploy fills it from `file` when a project folder is deployed. */
  code: z.string().optional(),
  /** A .js file in the project folder, relative to it. */
  file: z.string().optional(),
  timeoutMs: z.number().int().positive().optional(),
});
export type ScriptTask = z.infer<typeof ScriptTask>;

export const ExecuteSqlTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('executeSql'),
  connection: ObjectName,
  sqlStatement: z.string().min(1, 'must hold SQL'),
  /** Values for the statement's placeholders (? or $1 for PostgreSQL), each an expression. */
  parameters: z.array(Expression).default([]),
  resultSet: z.enum(['None', 'SingleRow', 'FullResultSet']).default('None'),
  /** SingleRow: column name (or 0-based index) -> variable. */
  resultBindings: z.array(z.strictObject({ column: z.string().min(1), variable: VariableRef })).default([]),
  /** FullResultSet: the Object variable that receives the rows (an array of records). */
  resultVariable: VariableRef.optional(),
  timeoutMs: z.number().int().positive().optional(),
});
export type ExecuteSqlTask = z.infer<typeof ExecuteSqlTask>;

export const FileSystemOperation = z.enum([
  'CopyFile',
  'MoveFile',
  'DeleteFile',
  'RenameFile',
  'CopyDirectory',
  'MoveDirectory',
  'DeleteDirectory',
  'DeleteDirectoryContent',
  'CreateDirectory',
]);
export const FileSystemTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('fileSystem'),
  operation: FileSystemOperation,
  source: z.string().min(1),
  destination: z.string().optional(),
  overwriteDestination: z.boolean().default(false),
  /** CreateDirectory: succeed when the directory already exists. */
  useDirectoryIfExists: z.boolean().default(true),
});
export type FileSystemTask = z.infer<typeof FileSystemTask>;

/** Expression task: an assignment such as @[User::Count] = @[User::Count] + 1. */
export const ExpressionTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('expression'),
  expression: Expression,
});
export type ExpressionTask = z.infer<typeof ExpressionTask>;

export const WebRequestTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('webRequest'),
  /** An http connection manager; url is then relative to its base URL. */
  connection: ObjectName.optional(),
  url: z.string().min(1),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** Statuses that mean success; by default any 2xx. */
  expectedStatusCodes: z.array(z.number().int().min(100).max(599)).default([]),
  responseVariable: VariableRef.optional(),
  responseFile: z.string().optional(),
  overwriteResponseFile: z.boolean().default(true),
  timeoutMs: z.number().int().positive().optional(),
});
export type WebRequestTask = z.infer<typeof WebRequestTask>;

export const ExecutePackageTask = z.strictObject({
  ...ExecutableBase,
  type: z.literal('executePackage'),
  /** Another package of the same project. */
  packageName: ObjectName,
  /** Child package parameter name -> expression giving its value. */
  parameterBindings: z.record(z.string(), Expression).default({}),
});
export type ExecutePackageTask = z.infer<typeof ExecutePackageTask>;

/** Data Flow task: rows streamed from sources through transformations to destinations. */
export const DataFlowTask = z.strictObject({
  ...ExecutableBase,
  ...DataFlowFields,
  type: z.literal('dataFlow'),
});
export type DataFlowTask = z.infer<typeof DataFlowTask>;

const ContainerFields = {
  variables: z.array(VariableDef).default([]).refine(uniqueNames, 'variable names must be unique'),
  precedenceConstraints: z.array(PrecedenceConstraintDef).default([]),
};
/** The child executables of a container, package or event handler (schema built lazily: recursive). */
const childTasks = (what: string) => ({
  tasks: z.lazy((): z.ZodType<ExecutableDef[], unknown> =>
    z
      .array(ExecutableDef)
      .min(1, `${what} needs at least one task`)
      .refine(uniqueNames, 'task names must be unique in a container'),
  ),
});

const SequenceFields = z.strictObject({ ...ExecutableBase, ...ContainerFields, type: z.literal('sequence') });
const ForLoopFields = z.strictObject({
  ...ExecutableBase,
  ...ContainerFields,
  type: z.literal('forLoop'),
  initExpression: Expression.optional(),
  evalExpression: Expression,
  assignExpression: Expression.optional(),
  /** A guard against loops that never end. */
  maxIterations: z.number().int().positive().default(1_000_000),
});

export const ForeachEnumerator = z.discriminatedUnion('type', [
  /** Foreach Item: a fixed list; each item is a value or an array of column values. */
  z.strictObject({ type: z.literal('items'), items: z.array(z.unknown()) }),
  /** Foreach File: files in a folder matching a pattern such as *.csv. */
  z.strictObject({
    type: z.literal('files'),
    folder: z.string().min(1),
    pattern: z.string().default('*'),
    recurse: z.boolean().default(false),
    retrieve: z.enum(['FullyQualified', 'NameAndExtension', 'NameOnly']).default('FullyQualified'),
  }),
  /** Foreach ADO (rows): the rows of a query on a connection manager. */
  z.strictObject({
    type: z.literal('rows'),
    connection: ObjectName,
    query: z.string().min(1),
  }),
  /** Foreach From Variable: the elements of an Object variable holding an array. */
  z.strictObject({ type: z.literal('variable'), variable: VariableRef }),
]);
export type ForeachEnumerator = z.infer<typeof ForeachEnumerator>;

const ForeachLoopFields = z.strictObject({
  ...ExecutableBase,
  ...ContainerFields,
  type: z.literal('foreachLoop'),
  enumerator: ForeachEnumerator,
  /** Which part of each item goes into which variable: index (0-based) or column name. */
  variableMappings: z
    .array(z.strictObject({ variable: VariableRef, index: z.union([z.number().int().min(0), z.string()]) }))
    .default([]),
});

export interface SequenceContainer extends z.infer<typeof SequenceFields> {
  tasks: ExecutableDef[];
}
export interface ForLoopContainer extends z.infer<typeof ForLoopFields> {
  tasks: ExecutableDef[];
}
export interface ForeachLoopContainer extends z.infer<typeof ForeachLoopFields> {
  tasks: ExecutableDef[];
}
export type ContainerDef = SequenceContainer | ForLoopContainer | ForeachLoopContainer;

export const SequenceContainer = SequenceFields.extend(childTasks('a sequence container'));
export const ForLoopContainer = ForLoopFields.extend(childTasks('a For Loop container'));
export const ForeachLoopContainer = ForeachLoopFields.extend(childTasks('a Foreach Loop container'));

export const TaskDef = z.discriminatedUnion('type', [
  ExecuteProcessTask,
  ScriptTask,
  ExecuteSqlTask,
  FileSystemTask,
  ExpressionTask,
  WebRequestTask,
  ExecutePackageTask,
  DataFlowTask,
]);
export type TaskDef = z.infer<typeof TaskDef>;

/** A task or a container. */
export type ExecutableDef = TaskDef | ContainerDef;
export const ExecutableDef: z.ZodType<ExecutableDef, unknown> = z.discriminatedUnion('type', [
  ...TaskDef.options,
  SequenceContainer as never as typeof SequenceFields,
  ForLoopContainer as never as typeof ForLoopFields,
  ForeachLoopContainer as never as typeof ForeachLoopFields,
]) as never;

export const CONTAINER_TYPES: ReadonlySet<string> = new Set(['sequence', 'forLoop', 'foreachLoop']);
export function isContainer(executable: ExecutableDef): executable is ContainerDef {
  return CONTAINER_TYPES.has(executable.type);
}

/** A control flow: what a container or an event handler runs. */
export interface ControlFlowDef {
  variables: VariableDef[];
  tasks: ExecutableDef[];
  precedenceConstraints: PrecedenceConstraintDef[];
}
export const ControlFlowDef: z.ZodType<ControlFlowDef, unknown> = z.strictObject({
  ...ContainerFields,
  ...childTasks('an event handler'),
}) as never;

export const PackageDef = z.strictObject({
  $schema: z.string().optional(),
  name: ObjectName,
  description: Description,
  parameters: z.array(ParameterDef).default([]).refine(uniqueNames, 'parameter names must be unique'),
  variables: z.array(VariableDef).default([]).refine(uniqueNames, 'variable names must be unique'),
  connectionManagers: z
    .array(ConnectionManagerDef)
    .default([])
    .refine(uniqueNames, 'connection manager names must be unique'),
  /** Executables that may run at once; -1 means the number of processors plus 2 (SSIS). */
  maxConcurrentExecutables: z
    .number()
    .int()
    .min(-1)
    .max(1024)
    .refine((n) => n !== 0, 'must not be 0')
    .default(-1),
  /** Errors the package tolerates before it fails; 0 means no limit. */
  maximumErrorCount: z.number().int().min(0).default(1),
  eventHandlers: ExecutableBase.eventHandlers,
  ...childTasks('a package'),
  precedenceConstraints: z.array(PrecedenceConstraintDef).default([]),
});
export type PackageDef = z.infer<typeof PackageDef>;

export const ProjectDef = z.strictObject({
  $schema: z.string().optional(),
  name: ObjectName,
  description: Description,
  parameters: z.array(ParameterDef).default([]).refine(uniqueNames, 'parameter names must be unique'),
  connectionManagers: z
    .array(ConnectionManagerDef)
    .default([])
    .refine(uniqueNames, 'connection manager names must be unique'),
});
export type ProjectDef = z.infer<typeof ProjectDef>;

/** A whole project as sent to the master by `scaleout deploy` or the console. */
export const ProjectBundle = z.strictObject({
  project: ProjectDef,
  packages: z
    .array(PackageDef)
    .min(1, 'a project needs at least one package')
    .max(1000)
    .refine(uniqueNames, 'package names must be unique'),
});
export type ProjectBundle = z.infer<typeof ProjectBundle>;

/** What authors write (defaults not yet applied), for code and tests that build packages. */
export type PackageInput = z.input<typeof PackageDef>;
export type ExecutableInput = Record<string, unknown> & { type: ExecutableDef['type']; name: string };

const EXECUTABLE_SCHEMAS = [...TaskDef.options, SequenceContainer, ForLoopContainer, ForeachLoopContainer];
/** Properties an expression can never set: identity and structure are not runtime values. */
export const FIXED_PROPERTIES: ReadonlySet<string> = new Set([
  'type',
  'name',
  'tasks',
  'eventHandlers',
  'propertyExpressions',
  'variables',
  'precedenceConstraints',
]);

/** The properties of an executable type that property expressions may set. */
export function settableProperties(type: ExecutableDef['type']): string[] {
  const schema = EXECUTABLE_SCHEMAS.find((s) => s.shape.type.value === type);
  return schema ? Object.keys(schema.shape).filter((k) => !FIXED_PROPERTIES.has(k)) : [];
}

/** The properties of a connection manager type that property expressions may set. */
export function settableConnectionProperties(type: ConnectionManagerDef['type']): string[] {
  const schema = ConnectionManagerDef.options.find((o) => o.shape.type.value === type);
  const fixed = new Set(['name', 'type', 'description', 'propertyExpressions']);
  return schema ? Object.keys(schema.shape).filter((k) => !fixed.has(k)) : [];
}
