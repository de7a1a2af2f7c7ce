import { z } from 'zod';
import { ObjectName, ParameterDataType, ParameterValue, ProjectBundle } from './packageFormat';
import type { ErrorData } from './errors';
import {
  ApiTokenRow,
  AttemptRow,
  AuditRow,
  FolderPermissionRow,
  UserRow,
  EnvironmentInfo,
  ExecutionParameterRow,
  ExecutionRow,
  FolderInfo,
  HealthSample,
  MessageRow,
  ParameterInfo,
  PropertyRow,
  ReferenceInfo,
  StatisticRow,
  DataStatisticRow,
  EnrolmentTokenRow,
  Targeting,
  VersionRow,
  WORKER_STATES,
  WorkerRow,
} from './apiRows';

export * from './apiRows';

/** Console API: one schema per method for input and output. HTTP: POST /api/<method>. */

const FolderName = ObjectName;
const ProjectRef = { folderName: FolderName, projectName: ObjectName };
const EnvironmentRef = { folderName: FolderName, environmentName: ObjectName };
const Empty = z.strictObject({});
const Done = z.object({});
const UserName = z
  .string()
  .min(1)
  .max(128)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
    'must start with a letter or digit and hold only letters, digits and . _ @ -',
  );
const Password = z.string().min(12, 'must be at least 12 characters').max(1024);
/** SSISDB-like roles: admin (everything), executor (ssis_cluster_executor: run packages, read executions and workers), viewer (read only). */
const Role = z.enum(['admin', 'executor', 'viewer']);

export const apiMethods = {
  'master.info': {
    input: Empty,
    output: z.object({
      version: z.string(),
      protocolVersion: z.number(),
      agentUrl: z.string(),
      dataDir: z.string(),
      /** The agent endpoint serves wss:// (false only with --insecure-agent-endpoint). */
      agentTls: z.boolean().default(true),
      /** The URL other machines use for the agent endpoint (install commands show it). */
      advertisedAgentUrl: z.string().default(''),
      /** SHA-256 of the CA certificate workers pin (64 hex digits). */
      caFingerprint: z.string().default(''),
      /** During a CA rotation: the new CA workers pin as well, and when the endpoint switches to it. */
      pendingCaFingerprint: z.string().nullable().default(null),
      caSwitchAt: z.string().nullable().default(null),
    }),
  },
  /**
   * Rotates the agent endpoint's certificate. Same CA (default): a new server certificate at once,
   * workers notice nothing. `newCa`: a new CA pinned by connected workers at once, presented after
   * `overlapSeconds`; workers not connected during the overlap must enrol again.
   */
  'master.rotateCertificate': {
    input: z.strictObject({
      newCa: z.boolean().default(false),
      overlapSeconds: z
        .number()
        .int()
        .min(0)
        .max(90 * 86_400)
        .default(86_400),
    }),
    output: z.object({
      caFingerprint: z.string(),
      pendingCaFingerprint: z.string().nullable(),
      switchAt: z.string().nullable(),
    }),
  },
  /** Scale Out Manager's dashboard: uptime, workers by state, the queue and throughput. */
  'master.dashboard': {
    input: Empty,
    output: z.object({
      startedAt: z.string(),
      uptimeSeconds: z.number(),
      /** Every worker state as a key (zero when none), computed as worker.list computes state. */
      workersByState: z.record(z.enum(WORKER_STATES), z.number()),
      /** Executions waiting for a worker: created and pending, ready for dispatch. */
      queueDepth: z.number(),
      /** Executions with an attempt running now. */
      running: z.number(),
      /** The last 60 minutes, oldest first, one entry per minute (zeros included); minute is ISO, UTC. */
      executionsPerMinute: z.array(
        z.object({ minute: z.string(), started: z.number(), succeeded: z.number(), failed: z.number() }),
      ),
    }),
  },
  'catalog.tree': { input: Empty, output: z.object({ folders: z.array(FolderInfo) }) },
  'folder.create': {
    input: z.strictObject({ name: FolderName, description: z.string().max(4000).default('') }),
    output: z.object({ created: z.boolean() }),
  },
  /** Only an empty folder (no projects, no environments) can be deleted, as in SSISDB. */
  'folder.delete': { input: z.strictObject({ name: FolderName }), output: Done },
  'project.deploy': {
    input: z.strictObject({ folderName: FolderName, bundle: ProjectBundle }),
    output: z.object({ versionId: z.number(), packageCount: z.number(), unchanged: z.boolean() }),
  },
  'project.versions': {
    input: z.strictObject(ProjectRef),
    output: z.object({ versions: z.array(VersionRow) }),
  },
  'project.restore': {
    input: z.strictObject({ ...ProjectRef, versionId: z.number().int().positive() }),
    output: Done,
  },
  /**
   * Deploy from files the console read from a chosen folder (or one bundle file): the master loads
   * them exactly as `scaleout project deploy DIR` does. Every problem is returned, with file, line
   * and column where known; nothing is deployed unless there are none. `validateOnly` only checks.
   */
  'project.deployFiles': {
    input: z.strictObject({
      folderName: FolderName,
      files: z
        .array(
          z.strictObject({
            /** Relative to the chosen folder, '/'-separated, e.g. "Orders.package.yaml". */
            path: z.string().min(1).max(1024),
            content: z.string().max(16 * 1024 * 1024),
          }),
        )
        .min(1)
        .max(2000),
      validateOnly: z.boolean().default(false),
    }),
    output: z.object({
      problems: z.array(
        z.object({
          file: z.string(),
          line: z.number().nullable(),
          column: z.number().nullable(),
          /** Dotted path inside the document, '' when the whole file is at fault. */
          path: z.string(),
          message: z.string(),
        }),
      ),
      projectName: z.string().nullable(),
      packageNames: z.array(z.string()),
      /** Null when validateOnly or when there were problems. */
      deployed: z
        .object({ versionId: z.number(), packageCount: z.number(), unchanged: z.boolean() })
        .nullable(),
    }),
  },
  'project.delete': { input: z.strictObject(ProjectRef), output: Done },
  /** Project and package parameters with their server values (sensitive values never returned). */
  'project.parameters': {
    input: z.strictObject(ProjectRef),
    output: z.object({
      parameters: z.array(ParameterInfo.extend({ objectName: z.string(), objectType: z.number() })),
    }),
  },
  /** SSIS "Configure": set (value or referencedVariable) or clear (neither) a server value. */
  'project.configure': {
    input: z.strictObject({
      ...ProjectRef,
      /** "$Project::Name" or "$Package::Name" with packageName for package parameters. */
      reference: z.string().regex(/^\$(Project|Package)::.+$/, 'must be $Project::Name or $Package::Name'),
      packageName: ObjectName.optional(),
      value: ParameterValue.optional(),
      referencedVariable: ObjectName.optional(),
    }),
    output: Done,
  },
  'project.references': {
    input: z.strictObject(ProjectRef),
    output: z.object({ references: z.array(ReferenceInfo) }),
  },
  'reference.add': {
    input: z.strictObject({
      ...ProjectRef,
      /** Absent: the environment is in the project's own folder (a relative reference). */
      environmentFolderName: FolderName.optional(),
      environmentName: ObjectName,
    }),
    output: z.object({ referenceId: z.number() }),
  },
  'reference.remove': { input: z.strictObject({ referenceId: z.number().int().positive() }), output: Done },
  'environment.list': {
    input: z.strictObject({ folderName: FolderName }),
    output: z.object({ environments: z.array(EnvironmentInfo) }),
  },
  'environment.create': {
    input: z.strictObject({ ...EnvironmentRef, description: z.string().max(4000).default('') }),
    output: Done,
  },
  'environment.delete': { input: z.strictObject(EnvironmentRef), output: Done },
  'environment.setVariable': {
    input: z.strictObject({
      ...EnvironmentRef,
      name: ObjectName,
      dataType: ParameterDataType,
      value: ParameterValue,
      sensitive: z.boolean().default(false),
      description: z.string().max(4000).default(''),
    }),
    output: Done,
  },
  'environment.deleteVariable': {
    input: z.strictObject({ ...EnvironmentRef, name: ObjectName }),
    output: Done,
  },
  'execution.create': {
    input: z.strictObject({
      folderName: FolderName,
      projectName: ObjectName,
      packageName: ObjectName,
      /** Keys: "Name", "$Package::Name" or "$Project::Name". */
      parameters: z.record(z.string(), ParameterValue).default({}),
      /** An environment reference of the project, for parameters configured to reference variables. */
      referenceId: z.number().int().positive().optional(),
      retryCount: z.number().int().min(0).max(100).default(0),
      priority: z.number().int().min(-1000).max(1000).default(0),
      /** Default: the catalog property SERVER_LOGGING_LEVEL. */
      loggingLevel: z
        .number()
        .int()
        .refine(
          (v) => [0, 1, 2, 3, 4, 100].includes(v),
          'must be 0 None, 1 Basic, 2 Performance, 3 Verbose, 4 RuntimeLineage or 100 Custom',
        )
        .optional(),
      timeoutMs: z.number().int().positive().nullable().default(null),
      targeting: Targeting.default({ kind: 'any' }),
      /** Fail the execution if it has not started after waiting this long in the queue. */
      maxQueueWaitMs: z.number().int().positive().nullable().default(null),
    }),
    output: z.object({ executionId: z.number() }),
  },
  'execution.list': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(1000).default(100),
      beforeId: z.number().int().positive().optional(),
      folderName: z.string().optional(),
      projectName: z.string().optional(),
      packageName: z.string().optional(),
      statuses: z.array(z.number().int().min(1).max(9)).max(9).optional(),
      createdAfter: z.iso.datetime().optional(),
      createdBefore: z.iso.datetime().optional(),
      /** Page by offset (the console's grid); beforeId keyset paging stays for scripts. */
      offset: z.number().int().min(0).max(10_000_000).default(0),
      sortBy: z
        .enum([
          'executionId',
          'status',
          'folderName',
          'projectName',
          'packageName',
          'workerName',
          'createdAt',
          'startedAt',
          'endedAt',
          'duration',
          'attempts',
          'createdBy',
        ])
        .default('executionId'),
      sortDirection: z.enum(['asc', 'desc']).default('desc'),
      /** The worker that ran (or runs) its latest attempt. */
      workerName: z.string().min(1).optional(),
      /** Who created it (createdBy), exact. */
      createdBy: z.string().min(1).optional(),
      /** Case-insensitive substring of folder, project or package name, or the execution id. */
      search: z.string().min(1).max(200).optional(),
    }),
    /** total counts every row matching the filters, whatever the page. */
    output: z.object({ executions: z.array(ExecutionRow), total: z.number() }),
  },
  /** Stop (SSIS stop_operation): a queued execution is canceled at once, a running one goes 8 stopping then 3 canceled. */
  'execution.stop': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({ execution: ExecutionRow }),
  },
  /** Why an execution is (not) running: per worker, eligible or the reason not. */
  'execution.explain': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({
      status: z.number(),
      eligibleWorkers: z.number(),
      /** No enabled worker could ever take it: its targeting matches none. */
      neverRunnable: z.boolean(),
      workers: z.array(
        z.object({ name: z.string(), state: z.string(), eligible: z.boolean(), reason: z.string() }),
      ),
    }),
  },
  /** Every attempt of an execution, oldest first: which worker, when, and how it ended. */
  'execution.attempts': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({ attempts: z.array(AttemptRow) }),
  },
  /** Before submitting: which workers could take work with this targeting now, and why not the others. */
  'execution.preview': {
    input: z.strictObject({ targeting: Targeting }),
    output: z.object({
      eligibleWorkers: z.number(),
      neverRunnable: z.boolean(),
      workers: z.array(
        z.object({ name: z.string(), state: z.string(), eligible: z.boolean(), reason: z.string() }),
      ),
    }),
  },
  'execution.get': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({ execution: ExecutionRow }),
  },
  'execution.parameters': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({ parameters: z.array(ExecutionParameterRow) }),
  },
  'execution.statistics': {
    input: z.strictObject({ executionId: z.number().int().positive() }),
    output: z.object({ statistics: z.array(StatisticRow), dataStatistics: z.array(DataStatisticRow) }),
  },
  'execution.messages': {
    input: z.strictObject({
      executionId: z.number().int().positive(),
      afterMessageId: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(10_000).default(1000),
      messageTypes: z.array(z.number().int()).max(32).optional(),
    }),
    output: z.object({ messages: z.array(MessageRow) }),
  },
  'worker.list': { input: Empty, output: z.object({ workers: z.array(WorkerRow) }) },
  /** SSIS: new workers start disabled; enabling lets a worker take work (and ends draining). */
  'worker.enable': { input: z.strictObject({ name: z.string().min(1) }), output: Done },
  /** A disabled worker keeps running what it has and takes nothing new. */
  'worker.disable': { input: z.strictObject({ name: z.string().min(1) }), output: Done },
  /** Drain: no new work; running work may finish until the deadline, then it is stopped and retried elsewhere. */
  'worker.drain': {
    input: z.strictObject({
      name: z.string().min(1),
      deadlineSeconds: z
        .number()
        .int()
        .min(1)
        .max(7 * 86_400)
        .optional(),
    }),
    output: Done,
  },
  /**
   * Scale Out Manager's Edit Worker: display name, description, tags, max tasks and thresholds.
   * Saved in the catalog (the operator's values win over what the worker's file says from then
   * on) and pushed to a connected worker, which applies them live without a restart.
   */
  'worker.update': {
    input: z.strictObject({
      name: z.string().min(1),
      newName: z.string().min(1).max(256).optional(),
      description: z.string().max(4000).optional(),
      tags: z.array(z.string().min(1).max(64)).max(64).optional(),
      maxTasks: z.number().int().min(1).max(1024).optional(),
      maxCpuPercent: z.number().min(1).max(100).optional(),
      minFreeMemoryBytes: z.number().int().min(0).optional(),
    }),
    /** appliedLive: the worker was connected and acknowledged the new settings. */
    output: z.object({ worker: WorkerRow, appliedLive: z.boolean() }),
  },
  /** A one-time token that enrols one worker (`scaleout worker install --token ...`). Shown once. */
  'worker.enrolmentToken.create': {
    input: z.strictObject({
      expiresInSeconds: z
        .number()
        .int()
        .min(60)
        .max(30 * 86_400)
        .default(3600),
      /** Preset name and tags: the enrolled worker gets these, whatever it asks for. */
      name: z.string().min(1).max(256).optional(),
      tags: z.array(z.string().min(1).max(64)).max(64).optional(),
      /** Who asked, for the list (e.g. user@host); the console records its own principal otherwise. */
      createdBy: z.string().min(1).max(256).optional(),
    }),
    output: z.object({
      token: z.string(),
      tokenId: z.string(),
      expiresAt: z.string(),
      caFingerprint: z.string(),
      advertisedAgentUrl: z.string(),
      installCommand: z.string(),
    }),
  },
  'worker.enrolmentToken.list': {
    input: Empty,
    output: z.object({ tokens: z.array(EnrolmentTokenRow) }),
  },
  /** An unused token stops working at once. */
  'worker.enrolmentToken.revoke': {
    input: z.strictObject({ tokenId: z.string().min(1).max(64) }),
    output: z.object({ token: EnrolmentTokenRow }),
  },
  /** The worker is disconnected at once and refused from then on (close 4007); its running attempts are retried elsewhere. */
  'worker.revoke': {
    input: z.strictObject({ name: z.string().min(1) }),
    output: z.object({ workerId: z.string(), name: z.string(), disconnected: z.boolean() }),
  },
  'worker.health': {
    input: z.strictObject({
      workerId: z.string().min(1),
      limit: z.number().int().min(1).max(10_000).default(720),
    }),
    output: z.object({ samples: z.array(HealthSample) }),
  },
  'property.list': { input: Empty, output: z.object({ properties: z.array(PropertyRow) }) },
  'property.set': { input: z.strictObject({ name: z.string().min(1), value: z.string() }), output: Done },

  // ---- Security: users, tokens, roles, folder permissions, audit (docs/security.md) ----

  /**
   * The only method callable without a credential: a user's name and password for a session token
   * (shown once; expires). Repeated failures are slowed down, per user and per client address.
   */
  'auth.login': {
    input: z.strictObject({ userName: UserName, password: z.string().min(1).max(1024) }),
    output: z.object({ token: z.string(), expiresAt: z.string(), user: UserRow }),
  },
  /** Ends the session whose token made this call. */
  'auth.logout': { input: Empty, output: Done },
  /** Who is calling and what they may do: the console shows only what this allows. */
  'auth.whoami': {
    input: Empty,
    output: z.object({
      user: UserRow,
      /** 'console': the master's own per-launch token (an admin); 'session' or 'api': a user's token. */
      credential: z.enum(['console', 'session', 'api']),
      permissions: z.array(FolderPermissionRow),
    }),
  },
  'user.list': { input: Empty, output: z.object({ users: z.array(UserRow) }) },
  'user.create': {
    input: z.strictObject({
      userName: UserName,
      password: Password,
      role: Role,
      description: z.string().max(4000).default(''),
    }),
    output: z.object({ user: UserRow }),
  },
  'user.update': {
    input: z.strictObject({
      userName: UserName,
      role: Role.optional(),
      password: Password.optional(),
      disabled: z.boolean().optional(),
      description: z.string().max(4000).optional(),
    }),
    output: z.object({ user: UserRow }),
  },
  /** Deletes the user and revokes all of their tokens at once. */
  'user.delete': { input: z.strictObject({ userName: UserName }), output: Done },
  /** The caller's own tokens; an admin may name another user. Never the token itself. */
  'token.list': {
    input: z.strictObject({ userName: UserName.optional() }),
    output: z.object({ tokens: z.array(ApiTokenRow) }),
  },
  /** An API token for the CLI and automation (`SCALEOUT_TOKEN`), shown once. */
  'token.create': {
    input: z.strictObject({
      name: z.string().min(1).max(128),
      userName: UserName.optional(),
      expiresInDays: z.number().int().min(1).max(3650).nullable().default(90),
    }),
    output: z.object({ token: z.string(), tokenRow: ApiTokenRow }),
  },
  /** Stops working at once (the next request with it is refused; open event streams close). */
  'token.revoke': { input: z.strictObject({ tokenId: z.string().min(1).max(64) }), output: Done },
  'permission.list': {
    input: z.strictObject({ folderName: FolderName.optional(), userName: UserName.optional() }),
    output: z.object({ permissions: z.array(FolderPermissionRow) }),
  },
  /** SSISDB-style object permissions on a folder (and everything in it); all false removes the entry. */
  'permission.set': {
    input: z.strictObject({
      folderName: FolderName,
      userName: UserName,
      read: z.boolean(),
      execute: z.boolean(),
      modify: z.boolean(),
    }),
    output: Done,
  },
  /** Who did what and when: every change and every refused attempt, newest first. */
  'audit.list': {
    input: z.strictObject({
      limit: z.number().int().min(1).max(1000).default(100),
      offset: z.number().int().min(0).default(0),
      userName: z.string().min(1).optional(),
      method: z.string().min(1).optional(),
      outcome: z.enum(['ok', 'refused', 'failed']).optional(),
      after: z.iso.datetime().optional(),
      before: z.iso.datetime().optional(),
    }),
    output: z.object({ entries: z.array(AuditRow), total: z.number() }),
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
