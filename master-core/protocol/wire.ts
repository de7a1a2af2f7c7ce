import { z } from 'zod';
import { ConnectionManagerDef, PackageDef, ParameterDataType, ParameterValue } from './packageFormat';

/** Bumped on any incompatible change to the messages below. */
export const PROTOCOL_VERSION = 1;
/** Largest frame either side accepts; a package definition is the biggest thing we send. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** WebSocket close codes: why a worker connection ended. */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  /** The master cannot take more right now (message writer full or failing): reconnect and replay. */
  tryAgainLater: 1013,
  authFailed: 4001,
  versionMismatch: 4002,
  protocolViolation: 4003,
  replaced: 4004,
  disabled: 4005,
  helloTimeout: 4006,
  /** The operator revoked this worker: it is refused from now on (the agent stops, it does not retry). */
  revoked: 4007,
} as const;

/** First part of an enrolment token: `SOE1.<secret>.<CA fingerprint>`, both base64url of 32 bytes. */
export const ENROLMENT_TOKEN_PREFIX = 'SOE1';

/** A CA fingerprint as workers pin it: the SHA-256 of the certificate's DER, 64 lower-case hex digits. */
export const Fingerprint = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 fingerprint is 64 hex digits');

/** Accepts `AB:CD:...`, upper case, spaces and a `sha256:` prefix; null when it is no SHA-256 fingerprint. */
export function normalizeFingerprint(text: string): string | null {
  const hex = text
    .trim()
    .replace(/^sha-?256[:=]?/i, '')
    .replace(/[\s:]/g, '')
    .toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

const Id = z.string().min(1).max(200);
const Seq = z.number().int().nonnegative();

export const MachineFacts = z.strictObject({
  hostname: z.string().max(256),
  platform: z.string().max(64),
  arch: z.string().max(64),
  cpuCount: z.number().int().positive(),
  totalMemoryBytes: z.number().nonnegative(),
  nodeVersion: z.string().max(64),
  userAccount: z.string().max(256),
});
export type MachineFacts = z.infer<typeof MachineFacts>;

export const WorkerHealth = z.strictObject({
  cpuPercent: z.number().min(0).max(100),
  freeMemoryBytes: z.number().nonnegative(),
  runningAttemptIds: z.array(Id).max(10_000),
  totalMemoryBytes: z.number().nonnegative().optional(),
  /** Free space of the file system holding the agent's work directory. */
  freeDiskBytes: z.number().nonnegative().optional(),
  /** One-minute load average (0 where the OS has none). */
  loadAverage: z.number().nonnegative().optional(),
  uptimeSeconds: z.number().nonnegative().optional(),
});
export type WorkerHealth = z.infer<typeof WorkerHealth>;

// ---- worker -> master ----

export const WorkerHello = z.strictObject({
  type: z.literal('worker.hello'),
  protocolVersion: z.number().int(),
  agentVersion: z.string().max(64),
  workerId: Id,
  name: z.string().min(1).max(256),
  /** The shared agent token: only for the local worker and loopback development; enrolled workers present their certificate instead. */
  token: z.string().min(1).max(512).optional(),
  tags: z.array(z.string().min(1).max(64)).max(64),
  maxTasks: z.number().int().positive().max(1024),
  machine: MachineFacts,
  /**
   * Attempts this agent still holds: running, or ended with their final report not yet
   * acknowledged (kept in its spool across its own restart). The master ends at once, as lost, the
   * worker's live attempts missing here: they died with an earlier agent process.
   */
  runningAttemptIds: z.array(Id).max(10_000).default([]),
  /** SSIS TaskRequestMaxCPU / TaskRequestMinMemory: take no new work past these. */
  limits: z
    .strictObject({
      maxCpuPercent: z.number().min(1).max(100).default(100),
      minFreeMemoryBytes: z.number().nonnegative().default(0),
    })
    .default({ maxCpuPercent: 100, minFreeMemoryBytes: 0 }),
});
export const WorkerHeartbeat = z.strictObject({ type: z.literal('worker.heartbeat'), health: WorkerHealth });
export const TaskRequest = z.strictObject({
  type: z.literal('task.request'),
  /** How many more tasks the agent can take right now (replaces any earlier credit). */
  credit: z.number().int().nonnegative().max(1024),
});
export const TaskStarted = z.strictObject({
  type: z.literal('task.started'),
  attemptId: Id,
  pid: z.number().int().nonnegative(),
});
export const TaskEvent = z.strictObject({
  type: z.literal('task.event'),
  attemptId: Id,
  seq: Seq,
  timeMs: z.number().nonnegative(),
  messageType: z.number().int(),
  sourceType: z.number().int(),
  sourceName: z.string().max(512),
  /** Where in the package the message comes from, e.g. \\Package\\Build message (SSIS package_path). */
  packagePath: z.string().max(4096).default(''),
  message: z.string().max(64 * 1024),
});
/** Statistics rows one attempt reports at most; the engine keeps the first ones and says so. */
export const MAX_STATISTICS = 10_000;

/** One executable's run (SSIS catalog.executable_statistics); result 0 success, 1 failure, 3 cancelled. */
export const TaskStatistic = z.strictObject({
  executionPath: z.string().max(4096),
  taskName: z.string().max(512),
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
  result: z.number().int().min(0).max(3),
});
export type TaskStatistic = z.infer<typeof TaskStatistic>;

/**
 * A Data Flow's statistics (SSIS catalog.execution_data_statistics): rows sent along one path, or
 * the time one component spent in its own code.
 */
export const DataStatistic = z.strictObject({
  /** The Data Flow task's package path. */
  taskPath: z.string().max(4096),
  /** "Source.Output -> Destination.Input" for a path, the component name for a component. */
  name: z.string().max(1024),
  rowsSent: z.number().int().nonnegative().nullable(),
  elapsedMs: z.number().int().nonnegative().nullable(),
});
export type DataStatistic = z.infer<typeof DataStatistic>;

export const TaskFinished = z.strictObject({
  type: z.literal('task.finished'),
  attemptId: Id,
  /** Number of events the agent sent for this attempt; the master checks it has them all. */
  eventCount: Seq,
  outcome: z.enum(['succeeded', 'failed']),
  exitCode: z.number().int().nullable(),
  signal: z.string().max(32).nullable(),
  error: z
    .string()
    .max(16 * 1024)
    .nullable(),
  statistics: z.array(TaskStatistic).max(MAX_STATISTICS).default([]),
  dataStatistics: z.array(DataStatistic).max(MAX_STATISTICS).default([]),
});

/** The four settings a worker applies live, as both sides name them. */
const LiveSettingsFields = {
  name: z.string().min(1).max(256),
  tags: z.array(z.string().min(1).max(64)).max(64),
  maxTasks: z.number().int().positive().max(1024),
  maxCpuPercent: z.number().min(1).max(100),
  minFreeMemoryBytes: z.number().nonnegative(),
};

/**
 * The agent's answer to master.settings: it applied them (no restart, no reconnect). The settings
 * in force on the worker now, after the operator's values were laid over its own.
 */
export const WorkerSettingsApplied = z.strictObject({
  type: z.literal('worker.settingsApplied'),
  settingsId: Id,
  ...LiveSettingsFields,
});
export type WorkerSettingsApplied = z.infer<typeof WorkerSettingsApplied>;

export const WorkerMessage = z.discriminatedUnion('type', [
  WorkerHello,
  WorkerHeartbeat,
  TaskRequest,
  TaskStarted,
  TaskEvent,
  TaskFinished,
  WorkerSettingsApplied,
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
export type TaskEvent = z.infer<typeof TaskEvent>;
export type TaskFinished = z.infer<typeof TaskFinished>;
export type WorkerHello = z.infer<typeof WorkerHello>;

// ---- master -> worker ----

export const MasterWelcome = z.strictObject({
  type: z.literal('master.welcome'),
  protocolVersion: z.number().int(),
  workerId: Id,
  enabled: z.boolean(),
  heartbeatIntervalMs: z.number().int().positive(),
  leaseMs: z.number().int().positive(),
});

export const TaskAssignment = z.strictObject({
  attemptId: Id,
  executionId: z.number().int().positive(),
  attemptNumber: z.number().int().positive(),
  folderName: z.string(),
  projectName: z.string(),
  packageName: z.string(),
  package: PackageDef,
  /** The project's connection managers (a package's own of the same name take precedence). */
  projectConnections: z.array(ConnectionManagerDef).default([]),
  /** Data types of the project's parameters, so the engine reads each value as its type. */
  projectParameterTypes: z.record(z.string(), ParameterDataType).default({}),
  /** The packages Execute Package tasks of this package run, directly or through others. */
  childPackages: z.array(PackageDef).default([]),
  /** Resolved values keyed by reference name: "$Project::Name" or "$Package::Name". */
  parameterValues: z.record(z.string(), ParameterValue),
  /** References whose values are sensitive: the engine masks them in every message. */
  sensitiveReferences: z.array(z.string()).default([]),
  loggingLevel: z.number().int(),
  timeoutMs: z.number().int().positive().nullable(),
});
export type TaskAssignment = z.infer<typeof TaskAssignment>;

export const TaskAssign = z.strictObject({ type: z.literal('task.assign'), task: TaskAssignment });
export const TaskAck = z.strictObject({
  type: z.literal('task.ack'),
  attemptId: Id,
  /** Every event with a sequence number below this has been stored. */
  nextSeq: Seq,
  /** Set once the final report is stored: the agent may forget the attempt. */
  finished: z.boolean(),
});
export const TaskCancel = z.strictObject({
  type: z.literal('task.cancel'),
  attemptId: Id,
  reason: z.string(),
});
/** The master refuses a report because the attempt is no longer this worker's (fenced). */
export const TaskRejected = z.strictObject({
  type: z.literal('task.rejected'),
  attemptId: Id,
  reason: z.string(),
});
/** The master enabled, disabled or started draining this worker. */
export const WorkerUpdate = z.strictObject({
  type: z.literal('worker.update'),
  enabled: z.boolean(),
  draining: z.boolean().default(false),
});

/**
 * The CAs to pin from now on, over the already trusted connection: sent after every welcome and
 * whenever they change (a CA rotation adds the new one for its overlap, then drops the old). With
 * a new CA, `clientCertificate` is this worker's certificate re-issued by it for the same public key.
 */
export const MasterTrust = z.strictObject({
  type: z.literal('master.trust'),
  caFingerprints: z.array(Fingerprint).min(1).max(4),
  caCertificates: z.array(z.string().max(16_384)).min(1).max(4),
  clientCertificate: z.string().max(16_384).nullable(),
});
export type MasterTrust = z.infer<typeof MasterTrust>;

/**
 * The operator's settings for this worker (console Edit Worker, `scaleout workers set`): each
 * non-null value wins over the worker's own (its configuration file, its command line) until the
 * operator changes it; null leaves the worker's own. Sent after the welcome of a worker that has
 * any, and whenever the operator changes them. The agent applies them at once, without a restart
 * or a reconnect, and answers worker.settingsApplied with the same settingsId.
 */
export const MasterSettings = z.strictObject({
  type: z.literal('master.settings'),
  settingsId: Id,
  name: LiveSettingsFields.name.nullable(),
  tags: LiveSettingsFields.tags.nullable(),
  maxTasks: LiveSettingsFields.maxTasks.nullable(),
  maxCpuPercent: LiveSettingsFields.maxCpuPercent.nullable(),
  minFreeMemoryBytes: LiveSettingsFields.minFreeMemoryBytes.nullable(),
});
export type MasterSettings = z.infer<typeof MasterSettings>;

export const MasterMessage = z.discriminatedUnion('type', [
  MasterWelcome,
  TaskAssign,
  TaskAck,
  TaskCancel,
  TaskRejected,
  WorkerUpdate,
  MasterTrust,
  MasterSettings,
]);
export type MasterMessage = z.infer<typeof MasterMessage>;

// ---- enrolment: HTTPS POST /enrol on the agent endpoint ----

/** The worker trades a one-time token for a certificate of its own public key. */
export const EnrolRequest = z.strictObject({
  token: z.string().min(1).max(512),
  /** The worker's ECDSA P-256 public key (SPKI PEM); its private key never leaves the worker. */
  publicKey: z.string().min(1).max(4096),
  /** Base64 ECDSA-SHA256 signature of `scaleout-enrol:<token>` with that key: proof the worker holds it. */
  proof: z.string().min(1).max(1024),
  name: z.string().min(1).max(256).optional(),
  tags: z.array(z.string().min(1).max(64)).max(64).optional(),
  machineName: z.string().max(256).optional(),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;

/** What the proof signs. */
export const enrolProofText = (token: string) => `scaleout-enrol:${token}`;

/** Why an enrolment was refused; each has its own message. */
export const EnrolRefusal = z.enum(['unknown', 'used', 'expired', 'revoked', 'invalid', 'unavailable']);
export type EnrolRefusal = z.infer<typeof EnrolRefusal>;

export const EnrolResponse = z.discriminatedUnion('ok', [
  z.strictObject({
    ok: z.literal(true),
    value: z.strictObject({
      workerId: Id,
      name: z.string(),
      tags: z.array(z.string()),
      /** This worker's client certificate (PEM), signed by the master's CA. */
      certificate: z.string(),
      caCertificates: z.array(z.string()).min(1),
      caFingerprints: z.array(Fingerprint).min(1),
    }),
  }),
  z.strictObject({
    ok: z.literal(false),
    error: z.strictObject({ reason: EnrolRefusal, message: z.string() }),
  }),
]);
export type EnrolResponse = z.infer<typeof EnrolResponse>;

/** Parses one text frame; returns an error message naming the field instead of throwing. */
export function decodeFrame<S extends z.ZodType>(
  schema: S,
  text: string,
): { ok: true; value: z.output<S> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    error: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
  };
}
