import { z } from 'zod';
import { ObjectName, ParameterDataType, ParameterValue, ProjectBundle } from './packageFormat';
import type { ErrorData } from './errors';

/** Console API: one schema per method for input and output. HTTP: POST /api/<method>. */

const FolderName = ObjectName;

export const ParameterInfo = z.object({
  name: z.string(),
  /** "$Project::X" or "$Package::X": the name used in references and in execution.create. */
  reference: z.string(),
  dataType: ParameterDataType,
  defaultValue: ParameterValue.nullable(),
  required: z.boolean(),
  sensitive: z.boolean(),
  description: z.string(),
});
export type ParameterInfo = z.infer<typeof ParameterInfo>;

export const PackageInfo = z.object({
  name: z.string(),
  description: z.string(),
  taskCount: z.number(),
  parameters: z.array(ParameterInfo),
});
export const ProjectInfo = z.object({
  name: z.string(),
  description: z.string(),
  versionId: z.number(),
  deployedAt: z.string(),
  deployedBy: z.string(),
  parameters: z.array(ParameterInfo),
  packages: z.array(PackageInfo),
});
export const FolderInfo = z.object({
  name: z.string(),
  description: z.string(),
  projects: z.array(ProjectInfo),
});
export type FolderInfo = z.infer<typeof FolderInfo>;
export type ProjectInfo = z.infer<typeof ProjectInfo>;
export type PackageInfo = z.infer<typeof PackageInfo>;

export const ExecutionRow = z.object({
  executionId: z.number(),
  folderName: z.string(),
  projectName: z.string(),
  packageName: z.string(),
  status: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  workerName: z.string().nullable(),
  machineName: z.string().nullable(),
  attempts: z.number(),
  retryCount: z.number(),
  priority: z.number(),
  createdBy: z.string(),
  lastError: z.string().nullable(),
});
export type ExecutionRow = z.infer<typeof ExecutionRow>;

export const MessageRow = z.object({
  messageId: z.number(),
  executionId: z.number(),
  attemptNumber: z.number().nullable(),
  time: z.string(),
  messageType: z.number(),
  sourceType: z.number(),
  sourceName: z.string(),
  message: z.string(),
});
export type MessageRow = z.infer<typeof MessageRow>;

export const WorkerRow = z.object({
  workerId: z.string(),
  name: z.string(),
  machineName: z.string(),
  tags: z.array(z.string()),
  enabled: z.boolean(),
  online: z.boolean(),
  maxTasks: z.number(),
  runningTasks: z.number(),
  cpuPercent: z.number().nullable(),
  freeMemoryBytes: z.number().nullable(),
  lastSeenAt: z.string(),
});
export type WorkerRow = z.infer<typeof WorkerRow>;

export const Targeting = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('any') }),
  z.strictObject({ kind: z.literal('workers'), names: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ kind: z.literal('tags'), tags: z.array(z.string().min(1)).min(1) }),
]);
export type Targeting = z.infer<typeof Targeting>;

export const apiMethods = {
  'master.info': {
    input: z.strictObject({}),
    output: z.object({
      version: z.string(),
      protocolVersion: z.number(),
      agentUrl: z.string(),
      dataDir: z.string(),
    }),
  },
  'catalog.tree': {
    input: z.strictObject({}),
    output: z.object({ folders: z.array(FolderInfo) }),
  },
  'folder.create': {
    input: z.strictObject({ name: FolderName, description: z.string().max(4000).default('') }),
    output: z.object({ created: z.boolean() }),
  },
  'project.deploy': {
    input: z.strictObject({ folderName: FolderName, bundle: ProjectBundle }),
    output: z.object({ versionId: z.number(), packageCount: z.number(), unchanged: z.boolean() }),
  },
  'execution.create': {
    input: z.strictObject({
      folderName: FolderName,
      projectName: ObjectName,
      packageName: ObjectName,
      /** Keys: "Name", "$Package::Name" or "$Project::Name". */
      parameters: z.record(z.string(), ParameterValue).default({}),
      retryCount: z.number().int().min(0).max(100).default(0),
      priority: z.number().int().min(-1000).max(1000).default(0),
      loggingLevel: z.number().int().default(1),
      timeoutMs: z.number().int().positive().nullable().default(null),
      targeting: Targeting.default({ kind: 'any' }),
    }),
    output: z.object({ executionId: z.number() }),
  },
  'execution.list': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(1000).default(100),
      beforeId: z.number().int().positive().optional(),
    }),
    output: z.object({ executions: z.array(ExecutionRow) }),
  },
  'execution.get': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({ execution: ExecutionRow }),
  },
  'execution.messages': {
    input: z.strictObject({
      executionId: z.number().int().positive(),
      afterMessageId: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(10_000).default(1000),
    }),
    output: z.object({ messages: z.array(MessageRow) }),
  },
  'worker.list': {
    input: z.strictObject({}),
    output: z.object({ workers: z.array(WorkerRow) }),
  },
} as const;

export type ApiMethodName = keyof typeof apiMethods;
export type ApiInput<M extends ApiMethodName> = z.input<(typeof apiMethods)[M]['input']>;
/** The input as a handler sees it: parsed, defaults applied. */
export type ApiParsedInput<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['input']>;
export type ApiOutput<M extends ApiMethodName> = z.output<(typeof apiMethods)[M]['output']>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

/** Live events on the console's WebSocket (/api/events). */
export const ConsoleEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('execution:changed'), execution: ExecutionRow }),
  z.object({ type: z.literal('worker:changed'), worker: WorkerRow }),
  z.object({ type: z.literal('catalog:changed') }),
  z.object({ type: z.literal('message:added'), executionId: z.number() }),
]);
export type ConsoleEvent = z.infer<typeof ConsoleEvent>;
