import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import {
  CloseCode,
  MAX_FRAME_BYTES,
  MasterMessage,
  PROTOCOL_VERSION,
  decodeFrame,
} from '../master-core/protocol/wire';
import type {
  MasterSettings,
  MasterTrust,
  TaskAssignment,
  WorkerMessage,
} from '../master-core/protocol/wire';
import { applyTrust, credentialsDir, loadCredentials } from './credentials';
import { fingerprintsOfFile, pinnedConnection } from './masterTrust';
import { createEventSpool } from './eventSpool';
import type { SpoolWrite } from './eventSpool';
import type { LiveWorkerSettings } from './config/workerSettings';
import { createHostPool } from './hostPool';
import { resolveRunAsUser } from './runAs';
import { planExecutionLimits } from './executionLimits';
import type { ExecutionLimitName, ExecutionLimits } from './executionLimits';
import type { HostPoolMode } from './hostPool';
import type { ExecutionSlot } from './executionSlot';
import { createHealthProbe, machineFacts, overLimits } from './machineFacts';
import type { HealthSample } from './machineFacts';
import { closeDecision, nextDelayMs } from './reconnect';

export const AGENT_VERSION = '0.1.0';

export interface AgentLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AgentOptions {
  masterUrl: string;
  /**
   * The shared agent token: the local worker and loopback development only. An enrolled worker
   * authenticates with the client certificate in `<workDir>/credentials/` instead.
   */
  token?: string;
  /** CA fingerprints to pin (`--ca-fingerprint`), besides those stored at enrolment. */
  caFingerprints?: string[];
  /** A CA file to trust directly (the local worker: the master's `tls/ca.crt`), re-read at every connection. */
  caFile?: string;
  /** Where enrolment left this worker's key, certificate and pins; default `<workDir>/credentials`. */
  credentialDir?: string;
  name: string;
  tags: string[];
  maxTasks: number;
  workDir: string;
  /** The built execution host script forked for each attempt. */
  hostEntry: string;
  /** process: a fresh host per attempt, with a warm spare (default); pooled: hosts reused for many attempts. */
  executionMode?: HostPoolMode;
  /** Extra environment variables (names) passed to execution hosts and their tasks. */
  passEnv?: string[];
  /**
   * Linux and macOS: run packages as this unprivileged user, so they cannot read the agent's
   * credential files (the agent must run as root to switch; runAs.ts). Default: the agent's user.
   */
  runAsUser?: string;
  /** What each execution may take of this machine (executionLimits.ts); default none. */
  executionLimits?: ExecutionLimits;
  /** How a limit is named in errors: the flag or the configuration setting the operator wrote. */
  limitLabel?: (name: ExecutionLimitName) => string;
  log: AgentLogger;
  /** Take no new work while CPU use is above this (SSIS TaskRequestMaxCPU); default 100. */
  maxCpuPercent?: number;
  /** Take no new work while free memory is below this (SSIS TaskRequestMinMemory); default 0. */
  minFreeMemoryBytes?: number;
  /**
   * Keep each attempt's working directory (`<workDir>/attempts/<attempt id>`) after it ends, for
   * inspection; by default it is removed, so a worker's disk does not fill with package scratch.
   */
  keepAttemptDirectories?: boolean;
  /** Bytes of unacknowledged events kept in `<workDir>/spool`; default 256 MiB. */
  spoolLimitBytes?: number;
  /** Called once when the agent must stop for good (refused token or version, replaced). */
  onFatal?: (reason: string) => void;
  /** Test seams: the machine's health, and the spool's file writes (to simulate a full disk). */
  healthProbe?: () => HealthSample;
  spoolWrite?: SpoolWrite;
}

/** How many tasks to ask for now: none while stopping, told off by the master, or short of resources. */
export function creditToOffer(state: {
  maxTasks: number;
  running: number;
  stopping: boolean;
  masterAllows: boolean;
  overLimits: boolean;
}): number {
  if (state.stopping || !state.masterAllows || state.overLimits) return 0;
  return Math.max(0, state.maxTasks - state.running);
}

/** The settings an agent applies live; the operator may set each one from the master. */
export interface LiveSettings {
  name: string;
  tags: string[];
  maxTasks: number;
  maxCpuPercent: number;
  minFreeMemoryBytes: number;
}

function loadWorkerId(workDir: string): string {
  const file = join(workDir, 'worker-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * A worker agent: connects to the master, pulls work within its capacity, runs each attempt in a
 * child process. Events and final reports go through the spool, so they reach the master at least
 * once across reconnects and restarts of this agent.
 */
export function createAgent(options: AgentOptions) {
  const { log } = options;
  mkdirSync(options.workDir, { recursive: true });
  let credentials = loadCredentials(options.credentialDir ?? credentialsDir(options.workDir));
  // An enrolled worker is who its certificate says; the id file follows it.
  if (credentials) writeFileSync(join(options.workDir, 'worker-id'), `${credentials.workerId}\n`);
  const workerId = credentials?.workerId ?? loadWorkerId(options.workDir);
  /** CAs the master told us over a trusted connection (kept on disk too when enrolled). */
  let toldPins: string[] = [];
  // Nothing runs yet: directories left by attempts of an earlier run of this agent are scratch.
  const attemptsDir = join(options.workDir, 'attempts');
  if (!options.keepAttemptDirectories) rmSync(attemptsDir, { recursive: true, force: true });
  const machine = machineFacts();
  const probe = options.healthProbe ?? createHealthProbe(options.workDir);
  /** This worker's own live settings: its command line or configuration file (reloaded on SIGHUP). */
  const own: LiveSettings = {
    name: options.name,
    tags: [...options.tags],
    maxTasks: options.maxTasks,
    maxCpuPercent: options.maxCpuPercent ?? 100,
    minFreeMemoryBytes: options.minFreeMemoryBytes ?? 0,
  };
  /** The operator's settings from the master (master.settings): each one set wins over our own. */
  let operator: Omit<MasterSettings, 'type' | 'settingsId'> | null = null;
  /** The settings in force: options.name, tags and maxTasks, and these limits. */
  const limits = { maxCpuPercent: own.maxCpuPercent, minFreeMemoryBytes: own.minFreeMemoryBytes };
  /** The last health sample, to re-check new thresholds at once without waiting for the next heartbeat. */
  let lastSample: HealthSample | null = null;
  /** Set while the connection is closed on purpose to send a new hello (reconfigure). */
  let renewing = false;
  const spool = createEventSpool({
    dir: join(options.workDir, 'spool'),
    log,
    ...(options.spoolLimitBytes === undefined ? {} : { limitBytes: options.spoolLimitBytes }),
    ...(options.spoolWrite ? { write: options.spoolWrite } : {}),
  });
  /** Attempts whose process runs in this agent process (the slot is set once it is started). */
  const running = new Map<string, { slot: ExecutionSlot | null }>();
  const runAs = options.runAsUser ? resolveRunAsUser(options.runAsUser) : undefined;
  if (runAs) {
    // The run-as user reaches its attempt's folder through the work directory.
    if ((statSync(options.workDir).mode & 0o001) === 0) {
      throw new Error(
        `runAsUser ${runAs.name}: ${options.workDir} must let other users pass through (chmod o+x); its credentials folder stays 0700`,
      );
    }
    log.info(`packages run as ${runAs.name} (uid ${runAs.uid}, gid ${runAs.gid})`);
  }
  const hostLimits = planExecutionLimits(options.executionLimits ?? {}, {
    label: options.limitLabel ?? ((name) => name),
    executionMode: options.executionMode ?? 'process',
    runAsUser: runAs?.name,
  });
  if (hostLimits) log.info(`execution limits: ${hostLimits.summary}`);
  const hosts = createHostPool({
    hostEntry: options.hostEntry,
    mode: options.executionMode ?? 'process',
    ...(options.passEnv ? { passEnv: options.passEnv } : {}),
    ...(runAs ? { runAs } : {}),
    ...(hostLimits?.execArgv.length ? { execArgv: hostLimits.execArgv } : {}),
    ...(hostLimits?.hostArgs.length ? { hostArgs: hostLimits.hostArgs } : {}),
    log: (message) => log.info(message),
  });
  let socket: WebSocket | null = null;
  let welcomed = false;
  let stopping = false;
  let masterAllows = true;
  let shortOf: string | null = null;
  let heartbeat: NodeJS.Timeout | null = null;
  /** When the master was last heard (any frame or pong), to notice a connection that went silent. */
  let lastHeardMs = Date.now();
  let heartbeatEveryMs = 5_000;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  let lastCredit = -1;
  const changeWaiters = new Set<() => void>();
  const changed = () => changeWaiters.forEach((wake) => wake());

  /** Running attempts and those whose final report waits for an acknowledgement: both are still ours. */
  const heldAttemptIds = () => [...new Set([...running.keys(), ...spool.pendingReports()])];
  const sendText = (text: string) => {
    if (welcomed && socket?.readyState === WebSocket.OPEN) socket.send(text);
  };
  const send = (message: WorkerMessage) => sendText(JSON.stringify(message));
  const sendCredit = () => {
    const credit = creditToOffer({
      maxTasks: options.maxTasks,
      running: running.size,
      stopping,
      masterAllows,
      overLimits: shortOf !== null,
    });
    if (welcomed && credit !== lastCredit) {
      lastCredit = credit;
      send({ type: 'task.request', credit });
    }
  };

  /** Reports health and re-evaluates the resource limits: past them the agent asks for no work. */
  function sendHeartbeat(): void {
    // A black-holed connection looks open: ping, and give up on it after three silent intervals.
    if (welcomed && Date.now() - lastHeardMs > 3 * heartbeatEveryMs) {
      log.warn(
        `no answer from the master for ${Math.round((Date.now() - lastHeardMs) / 1000)} s: reconnecting`,
      );
      socket?.terminate();
      return;
    }
    socket?.ping();
    const sample = probe();
    lastSample = sample;
    checkLimits(sample);
    send({ type: 'worker.heartbeat', health: { ...sample, runningAttemptIds: heldAttemptIds() } });
    sendCredit();
  }

  /** Past the CPU or memory threshold the agent asks for no new work (and says so once). */
  function checkLimits(sample: HealthSample): void {
    const reason = overLimits(sample, limits);
    if (reason !== shortOf) {
      if (reason) log.warn(`taking no new work: ${reason}`);
      else log.info('resources recovered: taking work again');
      shortOf = reason;
    }
  }

  /** Lays the operator's settings over our own and puts the result in force. */
  function applySettings(): void {
    options.name = operator?.name ?? own.name;
    options.tags = [...(operator?.tags ?? own.tags)];
    options.maxTasks = operator?.maxTasks ?? own.maxTasks;
    limits.maxCpuPercent = operator?.maxCpuPercent ?? own.maxCpuPercent;
    limits.minFreeMemoryBytes = operator?.minFreeMemoryBytes ?? own.minFreeMemoryBytes;
    if (lastSample) checkLimits(lastSample);
    lastCredit = -1;
  }

  /** The operator changed this worker's settings: in force at once, no restart, no reconnect. */
  function operatorSettings(message: MasterSettings): void {
    const { type: _type, settingsId, ...settings } = message;
    operator = settings;
    applySettings();
    log.info(
      `the master set this worker's settings: name ${options.name}, tags [${options.tags.join(', ')}], max ${options.maxTasks} tasks, CPU <= ${limits.maxCpuPercent}%, free memory >= ${Math.floor(limits.minFreeMemoryBytes / 2 ** 20)} MiB`,
    );
    send({
      type: 'worker.settingsApplied',
      settingsId,
      name: options.name,
      tags: options.tags,
      maxTasks: options.maxTasks,
      ...limits,
    });
    // More (or fewer) tasks at once, or thresholds now passed or cleared: the credit says so.
    sendCredit();
  }

  /** Every CA fingerprint this worker trusts now: flags, CA file, enrolment, and what the master told. */
  function pins(): string[] {
    let fromFile: string[] = [];
    if (options.caFile) {
      try {
        fromFile = fingerprintsOfFile(options.caFile);
      } catch (error) {
        log.warn(`cannot read the CA file ${options.caFile}: ${(error as Error).message}`);
      }
    }
    return [
      ...new Set([
        ...(options.caFingerprints ?? []),
        ...fromFile,
        ...(credentials?.caFingerprints ?? []),
        ...toldPins,
      ]),
    ];
  }

  function connect(): void {
    reconnectTimer = null;
    if (stopping) return;
    const secure = options.masterUrl.startsWith('wss:');
    let pinFailure: string | null = null;
    const ws = new WebSocket(options.masterUrl, {
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 10_000,
      ...(secure
        ? {
            createConnection: pinnedConnection({
              pins,
              clientCredential: () =>
                credentials ? { key: credentials.keyPem, cert: credentials.certPem } : null,
            }) as unknown as ClientOptions['createConnection'],
          }
        : {}),
    });
    let lastError = '';
    socket = ws;
    ws.on('open', () => {
      const hello: WorkerMessage = {
        type: 'worker.hello',
        protocolVersion: PROTOCOL_VERSION,
        agentVersion: AGENT_VERSION,
        workerId,
        // Our own settings: the master lays the operator's over them (and tells us, master.settings).
        name: own.name,
        ...(options.token ? { token: options.token } : {}),
        tags: own.tags,
        maxTasks: own.maxTasks,
        machine,
        // Running attempts, and ended ones whose spooled report follows the welcome. Attempts that
        // died with an earlier agent process have no report and are not listed: the master ends them.
        runningAttemptIds: heldAttemptIds(),
        limits: { maxCpuPercent: own.maxCpuPercent, minFreeMemoryBytes: own.minFreeMemoryBytes },
      };
      ws.send(JSON.stringify(hello));
    });
    ws.on('pong', () => {
      lastHeardMs = Date.now();
    });
    ws.on('message', (data) => {
      lastHeardMs = Date.now();
      if (socket !== ws) return;
      const frame = decodeFrame(MasterMessage, String(data));
      if (frame.ok) handle(frame.value);
      else log.warn(`ignoring an invalid frame from the master: ${frame.error}`);
    });
    ws.on('error', (error) => {
      lastError = error.message;
      // Never retried: the master is not who this worker pins (or its CA changed while we were away).
      if (error.name === 'PinMismatchError') pinFailure = error.message;
    });
    ws.on('close', (code, reasonBuffer) => {
      if (socket !== ws) return;
      const reason = reasonBuffer.toString() || lastError;
      socket = null;
      welcomed = false;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      changed();
      if (pinFailure) return fatal(pinFailure);
      const decision = closeDecision(code, reason);
      if (decision.kind === 'fatal') return fatal(decision.reason);
      if (stopping) return;
      if (renewing) {
        // Closed on purpose to carry new settings in a new hello: at once, no back-off.
        renewing = false;
        log.info('reconnecting to give the master the new settings');
        connect();
        return;
      }
      failures += 1;
      const delayMs = nextDelayMs(failures);
      log.warn(
        `disconnected from the master (${code}${reason ? `: ${reason}` : ''}); retrying in ${delayMs} ms`,
      );
      reconnectTimer = setTimeout(connect, delayMs);
    });
  }

  function fatal(reason: string): void {
    log.error(`stopping: ${reason}`);
    stopping = true;
    // The master ends this worker's attempts; their processes must not run on unobserved.
    for (const attempt of running.values()) attempt.slot?.kill();
    options.onFatal?.(reason);
  }

  function handle(message: MasterMessage): void {
    switch (message.type) {
      case 'master.welcome':
        return welcome(message.heartbeatIntervalMs, message.enabled);
      case 'task.assign':
        return start(message.task);
      case 'task.ack':
        spool.ack(message.attemptId, message.nextSeq, message.finished);
        if (message.finished) log.debug(`attempt ${message.attemptId}: the master stored its final report`);
        return changed();
      case 'task.cancel':
        log.warn(`attempt ${message.attemptId} cancelled by the master: ${message.reason}`);
        return running.get(message.attemptId)?.slot?.cancel();
      case 'task.rejected':
        log.warn(`attempt ${message.attemptId} rejected by the master: ${message.reason}`);
        running.get(message.attemptId)?.slot?.kill();
        running.delete(message.attemptId);
        spool.forget(message.attemptId);
        changed();
        return sendCredit();
      case 'master.trust':
        return trust(message);
      case 'master.settings':
        return operatorSettings(message);
      case 'worker.update':
        masterAllows = message.enabled && !message.draining;
        log.info(
          `the master ${message.enabled ? 'enabled' : 'disabled'} this worker${message.draining ? ' (draining)' : ''}`,
        );
        return sendCredit();
    }
  }

  /** The CAs to pin from now on, told over the trusted connection (a CA rotation adds, then drops). */
  function trust(message: MasterTrust): void {
    const before = pins().join(',');
    if (credentials) {
      let updated: ReturnType<typeof applyTrust>;
      try {
        updated = applyTrust(credentials, message);
      } catch (error) {
        // Checked but not stored (disk full, read-only): it holds in memory until this agent restarts.
        log.error(`cannot store the master's new trust in ${credentials.dir}: ${(error as Error).message}`);
        updated = {
          ...credentials,
          caFingerprints: message.caFingerprints,
          certPem: message.clientCertificate ?? credentials.certPem,
        };
      }
      if (typeof updated === 'string') return log.error(`ignoring the master's new trust: ${updated}`);
      credentials = updated;
      if (message.clientCertificate)
        log.info("stored this worker's certificate re-issued by the master's new CA");
    }
    toldPins = message.caFingerprints;
    if (pins().join(',') !== before)
      log.info(`pinned master CA fingerprints now: ${message.caFingerprints.join(', ')}`);
  }

  function welcome(heartbeatIntervalMs: number, enabled: boolean): void {
    welcomed = true;
    failures = 0;
    masterAllows = enabled;
    log.info(`connected to ${options.masterUrl} as ${options.name} (${workerId})`);
    if (heartbeat) clearInterval(heartbeat);
    heartbeatEveryMs = heartbeatIntervalMs;
    lastHeardMs = Date.now();
    heartbeat = setInterval(sendHeartbeat, heartbeatIntervalMs);
    // Everything the master has not acknowledged, in order per attempt, before any new work.
    let replayed = 0;
    for (const line of spool.unacknowledged()) {
      sendText(line);
      replayed += 1;
    }
    if (replayed > 0) log.info(`replayed ${replayed} unacknowledged events and reports`);
    lastCredit = -1;
    sendHeartbeat(); // evaluates the resource limits, then asks for work
  }

  /** Best effort: a file a task left open on Windows may keep it; the next start tries again. */
  function removeAttemptDirectory(id: string): void {
    rm(join(attemptsDir, id), { recursive: true, force: true, maxRetries: 2 }).catch((error: Error) =>
      log.warn(`could not remove the working directory of attempt ${id}: ${error.message}`),
    );
  }

  function start(task: TaskAssignment): void {
    if (running.has(task.attemptId)) return;
    const id = task.attemptId;
    const attempt: { slot: ExecutionSlot | null } = { slot: null };
    running.set(id, attempt);
    log.info(
      `running execution ${task.executionId} (${task.folderName}/${task.projectName}/${task.packageName}), attempt ${task.attemptNumber}`,
    );
    attempt.slot = hosts.start({
      task,
      machineName: machine.hostname,
      workDir: options.workDir,
      handlers: {
        onStarted: (pid) => send({ type: 'task.started', attemptId: id, pid }),
        // An attempt the master refused (task.rejected) is forgotten: nothing more of it is sent.
        onEvent: (event) => running.has(id) && spool.event(id, event).forEach(send),
        onDone: (result) => {
          if (!running.has(id)) return;
          const { outcome, exitCode, signal, error, statistics, dataStatistics = [] } = result;
          const frames = spool.finish(id, { outcome, exitCode, signal, error, statistics, dataStatistics });
          running.delete(id);
          log.info(
            `execution ${task.executionId} attempt ${task.attemptNumber} ${outcome}${error ? `: ${error}` : ''}`,
          );
          frames.forEach(send);
          changed();
          sendCredit();
          if (!options.keepAttemptDirectories) removeAttemptDirectory(id);
        },
      },
    });
    sendCredit();
  }

  /** Resolves once `done()` holds, or false at the deadline; woken by every change, never polls. */
  function waitUntil(done: () => boolean, deadlineMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        clearTimeout(timer);
        changeWaiters.delete(wake);
        resolve(result);
      };
      const wake = () => done() && finish(true);
      const timer = setTimeout(() => finish(done()), deadlineMs);
      changeWaiters.add(wake);
    });
  }

  connect();

  return {
    workerId,
    isConnected: () => welcomed,
    runningCount: () => running.size,
    /** The live settings in force: our own with the operator's laid over them. */
    settings: (): LiveSettings => ({
      name: options.name,
      tags: [...options.tags],
      maxTasks: options.maxTasks,
      ...limits,
    }),
    spoolBytes: () => spool.usedBytes(),
    /**
     * New live settings (the worker's configuration file reloaded on SIGHUP): tags, max tasks and
     * the CPU and memory thresholds apply at once, except those the operator set on the master
     * (master.settings), which win. The master learns our own from the hello, so the connection
     * is renewed; running attempts carry on across it, as across any reconnect.
     */
    reconfigure(settings: LiveWorkerSettings): void {
      own.tags = [...settings.tags];
      own.maxTasks = settings.maxTasks;
      own.maxCpuPercent = settings.maxCpuPercent;
      own.minFreeMemoryBytes = settings.minFreeMemoryBytes;
      applySettings();
      if (socket && !stopping) {
        renewing = true;
        socket.close(CloseCode.normal, 'worker settings changed');
      } else {
        sendCredit();
      }
    },
    /** Stops taking work, lets running attempts finish for up to drainMs, then stops them. */
    async stop(drainMs = 10_000): Promise<void> {
      stopping = true;
      sendCredit();
      await waitUntil(() => running.size === 0, drainMs);
      for (const attempt of running.values()) attempt.slot?.cancel();
      // Stopped attempts exit and report; give the master a moment to take the reports. What it
      // does not acknowledge stays spooled and is replayed when the agent starts again.
      await waitUntil(() => running.size === 0 && (spool.pendingReports().length === 0 || !welcomed), 7_000);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (heartbeat) clearInterval(heartbeat);
      socket?.close(CloseCode.normal, 'worker stopping');
      // The warm spare would keep this process alive.
      await hosts.close();
    },
  };
}

export type Agent = ReturnType<typeof createAgent>;
