import { z } from 'zod';
import { ParameterDataType, ParameterValue } from './packageFormat';

/** Rows the console API returns. One schema each: the TypeScript type and the validation. */

/** SSIS object types of parameters: 20 project, 30 package, 50 execution (system). */
export const ParameterObjectType = z.union([z.literal(20), z.literal(30)]);

/** A server-side value (SSIS "Configure"): a literal, or a reference to an environment variable. */
export const ServerValue = z.discriminatedUnion('kind', [
  /** `value` is null when the parameter is sensitive: it is never returned. */
  z.object({ kind: z.literal('value'), value: ParameterValue.nullable() }),
  z.object({ kind: z.literal('reference'), variableName: z.string() }),
]);
export type ServerValue = z.infer<typeof ServerValue>;

export const ParameterInfo = z.object({
  name: z.string(),
  /** "$Project::X" or "$Package::X": the name used in references and in execution.create. */
  reference: z.string(),
  dataType: ParameterDataType,
  /** Null for a sensitive parameter: design defaults of sensitive parameters are never returned. */
  defaultValue: ParameterValue.nullable(),
  required: z.boolean(),
  sensitive: z.boolean(),
  description: z.string(),
  serverValue: ServerValue.nullable().default(null),
});
export type ParameterInfo = z.infer<typeof ParameterInfo>;

/** A connection manager of a project or package: what CM.<Name>.<Property> overrides may set. */
export const ConnectionManagerInfo = z.object({
  name: z.string(),
  type: z.enum(['sqlite', 'postgresql', 'flatFile', 'http']),
  description: z.string(),
});
export type ConnectionManagerInfo = z.infer<typeof ConnectionManagerInfo>;

export const PackageInfo = z.object({
  name: z.string(),
  description: z.string(),
  taskCount: z.number(),
  parameters: z.array(ParameterInfo),
  connectionManagers: z.array(ConnectionManagerInfo).optional(),
});
export const ReferenceInfo = z.object({
  referenceId: z.number(),
  /** R: an environment in the project's own folder; A: in the named folder. */
  referenceType: z.enum(['R', 'A']),
  environmentFolderName: z.string(),
  environmentName: z.string(),
});
export type ReferenceInfo = z.infer<typeof ReferenceInfo>;
export const ProjectInfo = z.object({
  name: z.string(),
  description: z.string(),
  versionId: z.number(),
  deployedAt: z.string(),
  deployedBy: z.string(),
  parameters: z.array(ParameterInfo),
  packages: z.array(PackageInfo),
  references: z.array(ReferenceInfo).default([]),
  connectionManagers: z.array(ConnectionManagerInfo).optional(),
});
export const EnvironmentVariableInfo = z.object({
  name: z.string(),
  dataType: ParameterDataType,
  /** Null when sensitive. */
  value: ParameterValue.nullable(),
  sensitive: z.boolean(),
  description: z.string(),
});
export const EnvironmentInfo = z.object({
  name: z.string(),
  description: z.string(),
  variables: z.array(EnvironmentVariableInfo),
});
export type EnvironmentInfo = z.infer<typeof EnvironmentInfo>;
export const FolderInfo = z.object({
  name: z.string(),
  description: z.string(),
  projects: z.array(ProjectInfo),
  environments: z.array(EnvironmentInfo).default([]),
});
export type FolderInfo = z.infer<typeof FolderInfo>;
export type ProjectInfo = z.infer<typeof ProjectInfo>;
export type PackageInfo = z.infer<typeof PackageInfo>;

export const VersionRow = z.object({
  versionId: z.number(),
  deployedAt: z.string(),
  deployedBy: z.string(),
  contentHash: z.string(),
  description: z.string(),
  packageNames: z.array(z.string()),
  isCurrent: z.boolean(),
});
export type VersionRow = z.infer<typeof VersionRow>;

export const Targeting = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('any') }),
  z.strictObject({ kind: z.literal('workers'), names: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ kind: z.literal('tags'), tags: z.array(z.string().min(1)).min(1) }),
]);
export type Targeting = z.infer<typeof Targeting>;

export const ExecutionRow = z.object({
  executionId: z.number(),
  folderName: z.string(),
  projectName: z.string(),
  packageName: z.string(),
  /** The project version it runs; null once version cleanup removed that version. */
  versionId: z.number().nullable(),
  status: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  workerName: z.string().nullable(),
  machineName: z.string().nullable(),
  attempts: z.number(),
  retryCount: z.number(),
  priority: z.number(),
  loggingLevel: z.number(),
  timeoutMs: z.number().nullable(),
  targeting: Targeting,
  environmentName: z.string().nullable(),
  createdBy: z.string(),
  lastError: z.string().nullable(),
});
export type ExecutionRow = z.infer<typeof ExecutionRow>;

export const AttemptRow = z.object({
  attemptNumber: z.number(),
  workerId: z.string(),
  workerName: z.string().nullable(),
  machineName: z.string().nullable(),
  /** running; or how it ended: succeeded, failed, canceled, or lost (its worker vanished or the lease ran out). */
  outcome: z.enum(['running', 'succeeded', 'failed', 'canceled', 'lost']),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  exitCode: z.number().nullable(),
  error: z.string().nullable(),
});
export type AttemptRow = z.infer<typeof AttemptRow>;

export const ExecutionParameterRow = z.object({
  objectType: z.union([z.literal(20), z.literal(30), z.literal(50)]),
  name: z.string(),
  dataType: z.string(),
  sensitive: z.boolean(),
  /** Null when sensitive. */
  value: ParameterValue.nullable(),
  /** Where the value came from: execution, server, environment, default or system. */
  source: z.string(),
});
export type ExecutionParameterRow = z.infer<typeof ExecutionParameterRow>;

export const StatisticRow = z.object({
  attemptNumber: z.number(),
  executionPath: z.string(),
  taskName: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  durationMs: z.number(),
  /** SSIS execution_result: 0 success, 1 failure, 2 completion, 3 cancelled. */
  executionResult: z.number(),
});
export type StatisticRow = z.infer<typeof StatisticRow>;

/** Rows sent along a Data Flow path, or a component's own time (catalog.execution_data_statistics). */
export const DataStatisticRow = z.object({
  attemptNumber: z.number(),
  taskPath: z.string(),
  name: z.string(),
  rowsSent: z.number().nullable(),
  elapsedMs: z.number().nullable(),
});
export type DataStatisticRow = z.infer<typeof DataStatisticRow>;

export const MessageRow = z.object({
  messageId: z.number(),
  executionId: z.number(),
  attemptNumber: z.number().nullable(),
  time: z.string(),
  messageType: z.number(),
  sourceType: z.number(),
  sourceName: z.string(),
  packagePath: z.string().default(''),
  message: z.string(),
});
export type MessageRow = z.infer<typeof MessageRow>;

export const WORKER_STATES = [
  'online',
  'busy',
  'draining',
  'disabled',
  'suspect',
  'offline',
  'outdated',
] as const;

export const WorkerRow = z.object({
  workerId: z.string(),
  name: z.string(),
  description: z.string().default(''),
  machineName: z.string(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
  draining: z.boolean().default(false),
  /** online, busy, draining, disabled, suspect, offline or outdated, computed by the master. */
  state: z.enum(WORKER_STATES).default('offline'),
  /** Why the worker is in that state, in words an operator reads. */
  stateReason: z.string().default(''),
  online: z.boolean(),
  maxTasks: z.number(),
  runningTasks: z.number(),
  cpuPercent: z.number().nullable(),
  freeMemoryBytes: z.number().nullable(),
  totalMemoryBytes: z.number().default(0),
  freeDiskBytes: z.number().nullable().default(null),
  loadAverage: z.number().nullable().default(null),
  maxCpuPercent: z.number().default(100),
  minFreeMemoryBytes: z.number().default(0),
  cpuCount: z.number().default(0),
  os: z.string().default(''),
  agentVersion: z.string().default(''),
  lastSeenAt: z.string(),
  /** When the operator revoked the worker (it is refused from then on); null while it is trusted. */
  revokedAt: z.string().nullable().optional(),
});
export type WorkerRow = z.infer<typeof WorkerRow>;

export const HealthSample = z.object({
  timeMs: z.number(),
  cpuPercent: z.number(),
  freeMemoryBytes: z.number(),
  freeDiskBytes: z.number().nullable().default(null),
  runningTasks: z.number(),
});
export type HealthSample = z.infer<typeof HealthSample>;

export const PropertyRow = z.object({ name: z.string(), value: z.string(), description: z.string() });
export type PropertyRow = z.infer<typeof PropertyRow>;

/** One enrolment token as the console lists it: never the token itself, which is shown once. */
export const EnrolmentTokenRow = z.object({
  tokenId: z.string(),
  presetName: z.string().nullable(),
  presetTags: z.array(z.string()).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  usedByWorkerId: z.string().nullable(),
  usedByWorkerName: z.string().nullable(),
  revokedAt: z.string().nullable(),
  state: z.enum(['active', 'used', 'expired', 'revoked']),
});
export type EnrolmentTokenRow = z.infer<typeof EnrolmentTokenRow>;

export const UserRow = z.object({
  userName: z.string(),
  role: z.enum(['admin', 'executor', 'viewer']),
  description: z.string().default(''),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type UserRow = z.infer<typeof UserRow>;

/** A token as listed: never the token itself, which is shown once. */
export const ApiTokenRow = z.object({
  tokenId: z.string(),
  userName: z.string(),
  name: z.string(),
  kind: z.enum(['api', 'session']),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenRow = z.infer<typeof ApiTokenRow>;

export const FolderPermissionRow = z.object({
  folderName: z.string(),
  userName: z.string(),
  read: z.boolean(),
  execute: z.boolean(),
  modify: z.boolean(),
});
export type FolderPermissionRow = z.infer<typeof FolderPermissionRow>;

export const AuditRow = z.object({
  auditId: z.number(),
  time: z.string(),
  userName: z.string(),
  /** The API method, or a master event such as a refused login. */
  method: z.string(),
  /** What it acted on, e.g. "Samples/HelloScaleOut" or "worker etl-01". Never a secret. */
  target: z.string(),
  outcome: z.enum(['ok', 'refused', 'failed']),
  /** For refused or failed calls: the error code and message. */
  detail: z.string(),
  clientAddress: z.string(),
});
export type AuditRow = z.infer<typeof AuditRow>;
