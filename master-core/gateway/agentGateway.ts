import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import {
  CloseCode,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  WorkerHello,
  WorkerMessage,
  decodeFrame,
} from '../protocol/wire';
import type { MasterTrust, TaskEvent, TaskFinished, WorkerSettingsApplied } from '../protocol/wire';
import type { EnrolmentRepo } from '../catalog/enrolmentRepo';
import type { ExecutionsRepo } from '../catalog/executionsRepo';
import type { ExecutionControlRepo } from '../catalog/executionControlRepo';
import type { MessagesRepo } from '../catalog/messagesRepo';
import { hasOperatorSettings, operatorSettings } from '../catalog/workersRepo';
import type { WorkerRecord, WorkersRepo } from '../catalog/workersRepo';
import type { EventBus } from '../eventBus';
import type { Logger } from '../logger';
import { createDispatcher } from './dispatcher';
import { createMessageWriter } from './messageWriter';
import { sendTo } from './workerSession';
import type { WorkerSession } from './workerSession';
import { authenticateHello, peerInfo } from './workerAuth';
import type { PeerInfo } from './workerAuth';

export { tokensEqual } from './workerAuth';

export interface GatewaySettings {
  /** Register new workers enabled (SSIS registers them disabled). */
  autoEnableWorkers: boolean;
  /** Workers enabled on registration whatever the setting: the master's own local worker. */
  trustedWorkerIds: ReadonlySet<string>;
  /** Agents older than this are connected but take no work ("outdated"). */
  minAgentVersion: string;
}

export interface GatewayTimings {
  heartbeatIntervalMs: number;
  offlineAfterMs: number;
  leaseMs: number;
  helloTimeoutMs: number;
  /** How long worker.update waits for a connected worker to say it applied new settings; default 5 s. */
  settingsAckTimeoutMs?: number;
  /**
   * How long a worker whose connection closed has to come back before its attempts end as lost
   * and are retried elsewhere (their leases are brought forward to it); default 1.5 heartbeats.
   */
  reconnectGraceMs?: number;
}

/**
 * The reconnect grace in force: 1.5 heartbeats unless set. Long enough for an agent's restart or a
 * reconnect after a network blip (its back-off starts at 100 ms), short enough that the work of a
 * dead worker starts again elsewhere within two heartbeats, the lease sweep included.
 */
export function reconnectGraceMs(
  t: Pick<GatewayTimings, 'heartbeatIntervalMs' | 'reconnectGraceMs'>,
): number {
  return t.reconnectGraceMs ?? 1.5 * t.heartbeatIntervalMs;
}

export interface GatewayDeps {
  executions: ExecutionsRepo;
  control: ExecutionControlRepo;
  messages: MessagesRepo;
  workers: WorkersRepo;
  enrolment: EnrolmentRepo;
  bus: EventBus;
  log: Logger;
  agentToken: string;
  timings: GatewayTimings;
  settings: GatewaySettings;
  onWorkerChanged: (workerId: string) => void;
  /** The CAs a worker should pin now (and its re-issued certificate); null without TLS. */
  trustFor?: (session: WorkerSession) => Promise<MasterTrust | null>;
}

/** The WebSocket endpoint worker agents connect to; validates every frame, never trusts a worker. */
export function createAgentGateway(deps: GatewayDeps) {
  const sessions = new Map<string, WorkerSession>();
  let closing = false;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const dispatcher = createDispatcher({
    executions: deps.executions,
    sessions: () => sessions.values(),
    bus: deps.bus,
    log: deps.log,
    leaseMs: () => deps.timings.leaseMs,
    facts: {
      heartbeatIntervalMs: deps.timings.heartbeatIntervalMs,
      offlineAfterMs: deps.timings.offlineAfterMs,
      minAgentVersion: deps.settings.minAgentVersion,
    },
  });
  const writer = createMessageWriter(
    deps.messages,
    (workerId, events, touched) => {
      const session = sessions.get(workerId);
      const nextSeq = new Map<string, number>();
      for (const e of events) nextSeq.set(e.attemptId, Math.max(nextSeq.get(e.attemptId) ?? 0, e.seq + 1));
      if (session) {
        for (const [attemptId, seq] of nextSeq)
          session.send({ type: 'task.ack', attemptId, nextSeq: seq, finished: false });
      }
      for (const executionId of touched) deps.bus.emit({ type: 'message:added', executionId });
    },
    { log: deps.log },
  );

  wss.on('connection', (socket: WebSocket, request: IncomingMessage) => accept(socket, request));

  function accept(socket: WebSocket, request: IncomingMessage): void {
    const peer = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    const tlsPeer = peerInfo(request);
    let session: WorkerSession | null = null;
    let chain: Promise<void> = Promise.resolve();
    const helloTimer = setTimeout(
      () => socket.close(CloseCode.helloTimeout, 'no worker.hello in time'),
      deps.timings.helloTimeoutMs,
    );
    const violation = (reason: string) => {
      deps.log.warn(`worker ${session?.name ?? peer}: protocol violation: ${reason}`);
      socket.close(CloseCode.protocolViolation, reason.slice(0, 120));
    };

    socket.on('message', (data, isBinary) => {
      // Heard from now, when the frame arrives, not when its turn in the chain comes: a master that
      // is behind must not drop healthy workers whose heartbeats merely wait in its queue.
      if (session) session.lastSeenMs = Date.now();
      if (isBinary) return violation('binary frames are not part of the protocol');
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString(
        'utf8',
      );
      // Frames are handled strictly in order: an attempt's events are stored before its end.
      chain = chain.then(async () => {
        if (socket.readyState !== socket.OPEN) return;
        if (!session) {
          session = await handleHello(socket, text, violation, tlsPeer).catch((error: unknown) => {
            deps.log.error(`worker at ${peer}: handling its hello failed: ${String(error)}`);
            socket.close(CloseCode.tryAgainLater, 'the master could not handle the hello; try again');
            return null;
          });
          if (session) clearTimeout(helloTimer);
          return;
        }
        const frame = decodeFrame(WorkerMessage, text);
        if (!frame.ok) return violation(frame.error);
        await handle(session, frame.value).catch((error: unknown) => {
          deps.log.error(`worker ${session?.name}: handling ${frame.value.type} failed: ${String(error)}`);
        });
      });
    });
    socket.on('error', (error) =>
      deps.log.warn(`worker ${session?.name ?? peer}: socket error: ${error.message}`),
    );
    socket.on('close', () => {
      clearTimeout(helloTimer);
      // The session, even one whose hello is still being handled (it is registered before the
      // hello's last steps finish): a worker that died in between must not stay "connected".
      const registered = session ?? [...sessions.values()].find((s) => s.socket === socket);
      if (registered) for (const settle of [...registered.settingsWaiters.values()]) settle(false);
      if (registered && sessions.get(registered.workerId) === registered) {
        sessions.delete(registered.workerId);
        deps.log.info(`worker ${registered.name} disconnected`);
        deps.onWorkerChanged(registered.workerId);
        void holdForReconnect(registered);
      }
    });
  }

  async function handleHello(
    socket: WebSocket,
    text: string,
    violation: (r: string) => void,
    peer: PeerInfo,
  ) {
    const frame = decodeFrame(WorkerHello, text);
    if (!frame.ok) {
      violation(`first frame must be a valid worker.hello: ${frame.error}`);
      return null;
    }
    const hello = frame.value;
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      socket.close(
        CloseCode.versionMismatch,
        `protocol version ${hello.protocolVersion} not supported; master speaks ${PROTOCOL_VERSION}`,
      );
      return null;
    }
    const auth = await authenticateHello(hello, peer, deps);
    if (!auth.ok) {
      deps.log.warn(`worker ${hello.name} (${hello.workerId}) from ${peer.address}: refused: ${auth.reason}`);
      socket.close(auth.code, auth.reason);
      return null;
    }
    const trusted = deps.settings.autoEnableWorkers || deps.settings.trustedWorkerIds.has(hello.workerId);
    const record = await deps.workers.upsertFromHello(hello, trusted);
    const previous = sessions.get(hello.workerId);
    if (previous)
      previous.socket.close(CloseCode.replaced, 'replaced by a newer connection of the same worker');
    const session: WorkerSession = {
      workerId: hello.workerId,
      // The values in effect, from the catalog: the operator's win over the hello's.
      ...effectiveSettings(record),
      machine: hello.machine,
      enabled: record.is_enabled === 1,
      draining: record.draining === 1,
      agentVersion: hello.agentVersion,
      settingsWaiters: new Map(),
      credit: 0,
      health: null,
      assigned: new Set(),
      lastSeenMs: Date.now(),
      credential: auth.via === 'certificate' ? { publicKeyDer: auth.publicKeyDer, cert: auth.cert } : null,
      socket,
      send: (message) => sendTo(socket, message),
    };
    sessions.set(hello.workerId, session);
    session.send({
      type: 'master.welcome',
      protocolVersion: PROTOCOL_VERSION,
      workerId: hello.workerId,
      enabled: session.enabled,
      heartbeatIntervalMs: deps.timings.heartbeatIntervalMs,
      leaseMs: deps.timings.leaseMs,
    });
    // The agent's idea of enabled/draining after a reconnect comes from here.
    session.send({ type: 'worker.update', enabled: session.enabled, draining: session.draining });
    await sendTrust(session);
    // Settings the operator changed while the worker was away (or before): it applies them now.
    if (hasOperatorSettings(operatorSettings(record))) void pushSettings(session, record);
    deps.log.info(
      `worker ${session.name} connected from ${hello.machine.hostname} with ${auth.via === 'certificate' ? 'its certificate' : 'the agent token'} (max ${session.maxTasks} tasks)`,
    );
    deps.onWorkerChanged(hello.workerId);
    await readopt(session, hello.runningAttemptIds);
    return session;
  }

  /**
   * Re-adoption: attempts the agent still runs continue under their leases. The worker's other live
   * attempts died with an earlier agent process: they end now, as lost, instead of at lease expiry.
   */
  async function readopt(session: WorkerSession, runningAttemptIds: readonly string[]): Promise<void> {
    session.assigned = new Set(runningAttemptIds);
    await deps.executions.renewLeases(session.workerId, runningAttemptIds, deps.timings.leaseMs);
    const lost = await deps.control.loseAttemptsExcept(
      session.workerId,
      runningAttemptIds,
      'the worker reconnected without this attempt (its agent restarted)',
    );
    for (const execution of lost) deps.bus.emit({ type: 'execution:changed', execution });
    if (lost.length > 0) {
      deps.log.warn(
        `worker ${session.name} came back without ${lost.length} of its attempts; they end as lost`,
      );
      await dispatcher.pump();
    }
  }

  /** Applies an operator's enable/disable/drain to a connected worker at once. */
  function updateWorker(workerId: string, flags: { enabled: boolean; draining: boolean }): void {
    const session = sessions.get(workerId);
    if (!session) return;
    session.enabled = flags.enabled;
    session.draining = flags.draining;
    session.send({ type: 'worker.update', enabled: flags.enabled, draining: flags.draining });
    if (flags.enabled && !flags.draining) void dispatcher.pump();
  }

  /**
   * Sends the operator's settings to a connected worker; true once it says it applied them,
   * false when it does not answer in time or the connection ends first.
   */
  function pushSettings(session: WorkerSession, record: WorkerRecord): Promise<boolean> {
    const settingsId = randomUUID();
    const timeoutMs = deps.timings.settingsAckTimeoutMs ?? 5_000;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), timeoutMs);
      const settle = (applied: boolean) => {
        clearTimeout(timer);
        session.settingsWaiters.delete(settingsId);
        if (!applied)
          deps.log.warn(
            `worker ${session.name} did not confirm its new settings within ${timeoutMs} ms; it gets them again when it reconnects`,
          );
        resolve(applied);
      };
      session.settingsWaiters.set(settingsId, settle);
      session.send({ type: 'master.settings', settingsId, ...operatorSettings(record) });
    });
  }

  /**
   * An operator changed a worker's settings (already stored): the master uses them at once for
   * eligibility and dispatch, and a connected worker applies them live. True when it confirmed.
   */
  async function applySettings(workerId: string): Promise<boolean> {
    const session = sessions.get(workerId);
    const record = await deps.workers.get(workerId);
    if (!session || !record) return false;
    Object.assign(session, effectiveSettings(record));
    void dispatcher.pump();
    const applied = await pushSettings(session, record);
    // Its credit follows the new max tasks (task.request); anything newly eligible goes now.
    if (applied) void dispatcher.pump();
    return applied;
  }

  function settingsApplied(session: WorkerSession, message: WorkerSettingsApplied): void {
    const settle = session.settingsWaiters.get(message.settingsId);
    if (!settle) return;
    deps.log.info(
      `worker ${session.name} applied its new settings: ${message.name}, tags [${message.tags.join(', ')}], max ${message.maxTasks} tasks, CPU <= ${message.maxCpuPercent}%, free memory >= ${message.minFreeMemoryBytes} bytes`,
    );
    settle(true);
  }

  async function sendTrust(session: WorkerSession): Promise<void> {
    if (!deps.trustFor) return;
    try {
      const trust = await deps.trustFor(session);
      if (trust) session.send(trust);
    } catch (error) {
      deps.log.error(`worker ${session.name}: cannot send the pinned CAs: ${String(error)}`);
    }
  }

  /** Tells every connected worker the CAs to pin now (after a certificate rotation step). */
  async function broadcastTrust(): Promise<void> {
    await Promise.all([...sessions.values()].map((session) => sendTrust(session)));
  }

  /**
   * Revoked: the connection is closed at once with 4007 (the agent stops for good), and the
   * worker's running attempts end as lost, so they are retried elsewhere now.
   */
  async function revokeWorker(workerId: string, reason: string): Promise<boolean> {
    const session = sessions.get(workerId);
    session?.socket.close(CloseCode.revoked, reason.slice(0, 120));
    const lost = await deps.control.loseAttemptsExcept(workerId, [], 'the worker was revoked');
    for (const execution of lost) deps.bus.emit({ type: 'execution:changed', execution });
    if (lost.length > 0) await dispatcher.pump();
    return session !== undefined;
  }

  /**
   * A closed connection is not proof of death (a worker that reconnects keeps its attempts), but
   * waiting for the whole lease (30 s) to retry the work of a dead one is too long: its attempts
   * get the reconnect grace instead. Back in time, its hello renews them (readopt).
   */
  async function holdForReconnect(session: WorkerSession): Promise<void> {
    const graceMs = reconnectGraceMs(deps.timings);
    if (closing) return;
    try {
      const held = await deps.executions.shortenLeases(session.workerId, Date.now() + graceMs);
      if (held > 0)
        deps.log.warn(
          `worker ${session.name} disconnected holding ${held} attempt(s); they are retried elsewhere unless it is back within ${graceMs / 1000} s`,
        );
    } catch (error) {
      // The catalog closed under a closing master: the leases keep their full length.
      deps.log.warn(`worker ${session.name}: could not shorten its leases: ${String(error)}`);
    }
  }

  /** Asks the worker holding an attempt to stop it (stop request, drain deadline). */
  function cancelAttempt(workerId: string, attemptId: string, reason: string): void {
    sessions.get(workerId)?.send({ type: 'task.cancel', attemptId, reason });
  }

  async function handle(session: WorkerSession, message: WorkerMessage): Promise<void> {
    session.lastSeenMs = Date.now();
    switch (message.type) {
      case 'worker.hello':
        return session.socket.close(CloseCode.protocolViolation, 'worker.hello sent twice');
      case 'worker.heartbeat':
        session.health = message.health;
        // What the worker holds, as the catalog knows it: attempts assigned and not ended. (The
        // heartbeat's own list may still hold attempts whose final report is on its way, and
        // attempts ended by the master, lost or drained, leave here too.)
        session.assigned = new Set(await deps.control.liveAttempts(session.workerId));
        await deps.executions.renewLeases(
          session.workerId,
          message.health.runningAttemptIds,
          deps.timings.leaseMs,
        );
        deps.workers.recordHeartbeat(session.workerId, message.health);
        // A worker that was busy, suspect or over its limits may take work again now.
        if (session.credit > 0) void dispatcher.pump();
        deps.onWorkerChanged(session.workerId);
        return;
      case 'task.request':
        session.credit = message.credit;
        return dispatcher.pump();
      case 'task.started':
        if (!(await deps.executions.markStarted(message.attemptId, session.workerId, message.pid))) {
          session.send({
            type: 'task.cancel',
            attemptId: message.attemptId,
            reason: 'the attempt is no longer yours',
          });
        }
        return;
      case 'task.event':
        // Writer full: the event is not acknowledged; the agent reconnects and replays it.
        if (!writer.enqueue(session.workerId, message as TaskEvent)) {
          deps.log.warn(
            `worker ${session.name}: message writer full; asking the agent to reconnect and replay`,
          );
          session.socket.close(
            CloseCode.tryAgainLater,
            'master busy storing messages; replay after reconnect',
          );
        }
        return;
      case 'task.finished':
        return finish(session, message);
      case 'worker.settingsApplied':
        return settingsApplied(session, message);
    }
  }

  async function finish(session: WorkerSession, message: TaskFinished): Promise<void> {
    try {
      await writer.flush();
    } catch (error) {
      // Events could not be stored: do not end the attempt on partial evidence. The agent keeps
      // its unacknowledged events and the final report and sends them again after reconnecting.
      deps.log.error(
        `worker ${session.name}: cannot store messages (${String(error)}); asking the agent to replay`,
      );
      session.socket.close(
        CloseCode.tryAgainLater,
        'master cannot store messages now; replay after reconnect',
      );
      return;
    }
    const stored = await deps.messages.countForAttempt(message.attemptId);
    const error =
      stored < message.eventCount
        ? `${message.error ?? ''} (${message.eventCount - stored} package messages were not received)`.trim()
        : message.error;
    session.assigned.delete(message.attemptId);
    const execution = await deps.executions.endAttempt({
      attemptId: message.attemptId,
      workerId: session.workerId,
      outcome: message.outcome,
      exitCode: message.exitCode,
      error,
      statistics: message.statistics,
      dataStatistics: message.dataStatistics,
    });
    if (!execution && (await deps.executions.endedBy(message.attemptId, session.workerId, message.outcome))) {
      // The same final report again (its acknowledgement was lost with the connection): stored once,
      // acknowledged again, nothing changes.
      deps.log.info(
        `worker ${session.name}: attempt ${message.attemptId} was already ended; report acknowledged again`,
      );
      session.send({
        type: 'task.ack',
        attemptId: message.attemptId,
        nextSeq: message.eventCount,
        finished: true,
      });
      return;
    }
    if (!execution) {
      deps.log.warn(
        `worker ${session.name}: late report for attempt ${message.attemptId} rejected (fenced: its lease ended)`,
      );
      session.send({
        type: 'task.rejected',
        attemptId: message.attemptId,
        reason: 'the attempt was fenced: its lease ended',
      });
      return;
    }
    session.send({
      type: 'task.ack',
      attemptId: message.attemptId,
      nextSeq: message.eventCount,
      finished: true,
    });
    deps.bus.emit({ type: 'execution:changed', execution });
    await dispatcher.pump();
  }

  /** Drops sessions that went silent; called by the housekeeping timer. */
  function sweepSilent(nowMs: number): void {
    for (const session of sessions.values()) {
      if (nowMs - session.lastSeenMs > deps.timings.offlineAfterMs) {
        deps.log.warn(
          `worker ${session.name} silent for ${nowMs - session.lastSeenMs} ms: dropping its connection`,
        );
        session.socket.terminate();
      }
    }
  }

  return {
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    sessions,
    pump: () => dispatcher.pump(),
    updateWorker,
    applySettings,
    cancelAttempt,
    revokeWorker,
    broadcastTrust,
    sweepSilent,
    flush: () => writer.flush(),
    async close(): Promise<void> {
      // Its workers are not gone: their attempts keep their leases for the master that comes back.
      closing = true;
      for (const session of sessions.values())
        session.socket.close(CloseCode.goingAway, 'master shutting down');
      await writer.flush().catch(() => undefined);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

export type AgentGateway = ReturnType<typeof createAgentGateway>;

/** The live settings in effect for a worker, as its catalog record holds them. */
function effectiveSettings(record: WorkerRecord) {
  return {
    name: record.display_name,
    tags: JSON.parse(record.tags_json) as string[],
    maxTasks: record.max_tasks,
    limits: { maxCpuPercent: record.max_cpu_percent, minFreeMemoryBytes: record.min_free_memory_bytes },
  };
}
