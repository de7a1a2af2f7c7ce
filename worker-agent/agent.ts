import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  CloseCode,
  MAX_FRAME_BYTES,
  MasterMessage,
  PROTOCOL_VERSION,
  decodeFrame,
} from '../master-core/protocol/wire';
import type { TaskAssignment, TaskEvent, TaskFinished, WorkerMessage } from '../master-core/protocol/wire';
import { startExecutionSlot } from './executionSlot';
import type { ExecutionSlot } from './executionSlot';
import { createCpuSampler, freeMemoryBytes, machineFacts } from './machineFacts';

export const AGENT_VERSION = '0.1.0';

export interface AgentLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface AgentOptions {
  masterUrl: string;
  token: string;
  name: string;
  tags: string[];
  maxTasks: number;
  workDir: string;
  /** The built execution host script forked for each attempt. */
  hostEntry: string;
  log: AgentLogger;
  /** Take no new work while CPU use is above this (SSIS TaskRequestMaxCPU); default 100. */
  maxCpuPercent?: number;
  /** Take no new work while free memory is below this (SSIS TaskRequestMinMemory); default 0. */
  minFreeMemoryBytes?: number;
  /** Called when the master refuses us for good (bad token, wrong protocol version). */
  onFatal?: (reason: string) => void;
}

interface AttemptState {
  task: TaskAssignment;
  slot: ExecutionSlot | null;
  nextSeq: number;
  unacked: TaskEvent[];
  finished: TaskFinished | null;
}

/** Events kept for one attempt while the master has not acknowledged them. */
const MAX_UNACKED_EVENTS = 100_000;

function loadWorkerId(workDir: string): string {
  const file = join(workDir, 'worker-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = randomUUID();
  writeFileSync(file, `${id}\n`);
  return id;
}

/** A worker agent: connects to the master, pulls work within its capacity, runs each attempt in a child process. */
export function createAgent(options: AgentOptions) {
  mkdirSync(options.workDir, { recursive: true });
  const workerId = loadWorkerId(options.workDir);
  const machine = machineFacts();
  const cpu = createCpuSampler();
  const attempts = new Map<string, AttemptState>();
  let socket: WebSocket | null = null;
  let welcomed = false;
  let stopping = false;
  let heartbeat: NodeJS.Timeout | null = null;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let failures = 0;
  let lastCredit = -1;

  const running = () => [...attempts.values()].filter((a) => a.slot && !a.finished);
  const send = (message: WorkerMessage) => {
    if (welcomed && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  const sendCredit = (force = false) => {
    const credit = stopping ? 0 : Math.max(0, options.maxTasks - running().length);
    if (force || credit !== lastCredit) {
      lastCredit = credit;
      send({ type: 'task.request', credit });
    }
  };
  const sendHeartbeat = () =>
    send({
      type: 'worker.heartbeat',
      health: {
        cpuPercent: cpu(),
        freeMemoryBytes: freeMemoryBytes(),
        runningAttemptIds: running().map((a) => a.task.attemptId),
      },
    });

  function connect(): void {
    if (stopping) return;
    const ws = new WebSocket(options.masterUrl, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: 10_000 });
    socket = ws;
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          type: 'worker.hello',
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: AGENT_VERSION,
          workerId,
          name: options.name,
          token: options.token,
          tags: options.tags,
          maxTasks: options.maxTasks,
          machine,
          runningAttemptIds: running().map((a) => a.task.attemptId),
          limits: { maxCpuPercent: options.maxCpuPercent ?? 100, minFreeMemoryBytes: options.minFreeMemoryBytes ?? 0 },
        } satisfies WorkerMessage),
      );
    });
    ws.on('message', (data) => {
      const frame = decodeFrame(MasterMessage, String(data));
      if (!frame.ok) {
        options.log.warn(`ignoring an invalid frame from the master: ${frame.error}`);
        return;
      }
      handle(frame.value);
    });
    ws.on('error', (error) => options.log.warn(`connection to ${options.masterUrl}: ${error.message}`));
    ws.on('close', (code, reasonBuffer) => {
      const reason = reasonBuffer.toString();
      welcomed = false;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      if (socket === ws) socket = null;
      if (code === CloseCode.authFailed || code === CloseCode.versionMismatch) {
        options.log.error(`the master refused this worker: ${reason}`);
        stopping = true;
        options.onFatal?.(reason);
        return;
      }
      if (stopping) return;
      failures += 1;
      const delayMs = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
      options.log.warn(
        `disconnected from the master (${code}${reason ? `: ${reason}` : ''}); reconnecting in ${delayMs} ms`,
      );
      reconnectTimer = setTimeout(connect, delayMs);
    });
  }

  function handle(message: MasterMessage): void {
    switch (message.type) {
      case 'master.welcome':
        welcomed = true;
        failures = 0;
        options.log.info(`connected to ${options.masterUrl} as ${options.name} (${workerId})`);
        if (heartbeat) clearInterval(heartbeat);
        heartbeat = setInterval(sendHeartbeat, message.heartbeatIntervalMs);
        sendHeartbeat();
        for (const attempt of attempts.values()) {
          for (const event of attempt.unacked) send(event);
          if (attempt.finished) send(attempt.finished);
        }
        return sendCredit(true);
      case 'task.assign':
        return start(message.task);
      case 'task.ack': {
        const attempt = attempts.get(message.attemptId);
        if (!attempt) return;
        attempt.unacked = attempt.unacked.filter((e) => e.seq >= message.nextSeq);
        if (message.finished) attempts.delete(message.attemptId);
        return;
      }
      case 'task.cancel':
        options.log.warn(`attempt ${message.attemptId} cancelled by the master: ${message.reason}`);
        return attempts.get(message.attemptId)?.slot?.cancel();
      case 'task.rejected': {
        options.log.warn(`attempt ${message.attemptId} rejected by the master: ${message.reason}`);
        attempts.get(message.attemptId)?.slot?.kill();
        attempts.delete(message.attemptId);
        return sendCredit();
      }
      case 'worker.update':
        return options.log.info(`the master ${message.enabled ? 'enabled' : 'disabled'} this worker`);
    }
  }

  function start(task: TaskAssignment): void {
    const attempt: AttemptState = { task, slot: null, nextSeq: 0, unacked: [], finished: null };
    attempts.set(task.attemptId, attempt);
    options.log.info(
      `running execution ${task.executionId} (${task.folderName}/${task.projectName}/${task.packageName}), attempt ${task.attemptNumber}`,
    );
    attempt.slot = startExecutionSlot({
      hostEntry: options.hostEntry,
      task,
      machineName: machine.hostname,
      workDir: options.workDir,
      handlers: {
        onStarted: (pid) => send({ type: 'task.started', attemptId: task.attemptId, pid }),
        onEvent: (event) => {
          const frame: TaskEvent = {
            type: 'task.event',
            attemptId: task.attemptId,
            seq: attempt.nextSeq,
            ...event,
          };
          attempt.nextSeq += 1;
          if (attempt.unacked.length < MAX_UNACKED_EVENTS) attempt.unacked.push(frame);
          send(frame);
        },
        onDone: (result) => {
          attempt.finished = {
            type: 'task.finished',
            attemptId: task.attemptId,
            eventCount: attempt.nextSeq,
            outcome: result.outcome,
            exitCode: result.exitCode,
            signal: result.signal,
            error: result.error,
            statistics: result.statistics,
          };
          options.log.info(
            `execution ${task.executionId} attempt ${task.attemptNumber} ${result.outcome}${result.error ? `: ${result.error}` : ''}`,
          );
          send(attempt.finished);
          sendCredit();
        },
      },
    });
    sendCredit();
  }

  connect();

  return {
    workerId,
    isConnected: () => welcomed,
    runningCount: () => running().length,
    /** Stops taking work, lets running attempts finish for up to drainMs, then stops them. */
    async stop(drainMs = 10_000): Promise<void> {
      stopping = true;
      sendCredit(true);
      const deadline = Date.now() + drainMs;
      while (running().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const attempt of running()) attempt.slot?.cancel();
      // Wait for stopped attempts to exit and for the master to take their final reports.
      const flushDeadline = Date.now() + 7_000;
      while (attempts.size > 0 && welcomed && Date.now() < flushDeadline) {
        await new Promise((r) => setTimeout(r, 20));
      }
      if (reconnectTimer) clearTimeout(reconnectTimer);
      if (heartbeat) clearInterval(heartbeat);
      socket?.close(CloseCode.normal, 'worker stopping');
    },
  };
}

export type Agent = ReturnType<typeof createAgent>;
