import type { ApiMethodName, ApiOutput, ApiParsedInput, Targeting, WorkerRow } from '../../protocol/api';
import type { Repos } from '../../catalog/repos';
import type { EventBus } from '../../eventBus';
import type { Principal } from '../../security/permissions';
import type { LoginThrottle } from '../../security/loginThrottle';

export interface HandlerContext {
  /** Who is calling, for created_by / deployed_by: the user name, or 'console'. */
  principal: string;
  /** The authenticated caller with role and folder grants; null only for auth.login. */
  caller: Principal | null;
  /** The client's address, for the login throttle and the audit. */
  clientAddress: string;
}

export interface HandlerDeps {
  version: string;
  /** When this master started (ms since the epoch), for the dashboard's uptime. */
  startedAtMs: number;
  dataDir: string;
  agentUrl: () => string;
  repos: Repos;
  bus: EventBus;
  listWorkers: () => Promise<WorkerRow[]>;
  onExecutionQueued: () => void;
  runtime: RuntimeControl;
  security: SecurityControl;
  auth: AuthControl;
}

/** Users and sessions, as the security handlers need them. */
export interface AuthControl {
  throttle: LoginThrottle;
  /** How long a session from auth.login lasts. */
  sessionTtlMs: number;
  /** Closes open event streams of these tokens, or of every token of this user (rights changed). */
  endStreams(which: { tokenIds?: string[]; userName?: string }): void;
}

/** The agent endpoint's TLS and worker credentials, as the handlers may use them. */
export interface SecurityControl {
  /** False with --insecure-agent-endpoint: no CA, no enrolment, no rotation. */
  agentTls: boolean;
  /** wss://NAME:PORT other machines reach the agent endpoint at. */
  advertisedAgentUrl(): string;
  status(): { caFingerprint: string; pendingCaFingerprint: string | null; switchAt: string | null } | null;
  rotate(request: {
    newCa: boolean;
    overlapMs: number;
  }): Promise<{ caFingerprint: string; pendingCaFingerprint: string | null; switchAt: string | null }>;
  /** Disconnects the worker at once (4007); true when it was connected. */
  revokeWorker(workerId: string, reason: string): Promise<boolean>;
}

export interface WorkerExplanation {
  name: string;
  state: string;
  eligible: boolean;
  reason: string;
}

/** What the handlers may ask of the live runtime (gateway and dispatcher). */
export interface RuntimeControl {
  updateWorker(workerId: string, flags: { enabled: boolean; draining: boolean }): void;
  /** Puts a worker's stored settings in force; true when the worker was connected and applied them. */
  applyWorkerSettings(workerId: string): Promise<boolean>;
  cancelAttempt(workerId: string, attemptId: string, reason: string): void;
  explain(targeting: Targeting): Promise<{ workers: WorkerExplanation[]; neverRunnable: boolean }>;
  /** A connected, enabled worker not draining may run this targeting (in memory: no catalog read). */
  someoneMayRun?(targeting: Targeting): boolean;
}

export type Handler<M extends ApiMethodName> = (
  input: ApiParsedInput<M>,
  ctx: HandlerContext,
) => Promise<ApiOutput<M>>;
export type Handlers = { [M in ApiMethodName]: Handler<M> };
export type HandlerGroup<K extends ApiMethodName> = { [M in K]: Handler<M> };
