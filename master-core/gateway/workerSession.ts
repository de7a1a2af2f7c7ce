import type { X509Certificate } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { MasterMessage, MachineFacts, WorkerHealth } from '../protocol/wire';

/** What the master knows about one connected worker agent. */
export interface WorkerSession {
  workerId: string;
  name: string;
  tags: string[];
  machine: MachineFacts;
  maxTasks: number;
  enabled: boolean;
  draining: boolean;
  agentVersion: string;
  /**
   * Ceilings for taking new work (SSIS TaskRequestMaxCPU / TaskRequestMinMemory): the operator's
   * when set, else the agent's own. name, tags and maxTasks are likewise the values in effect.
   */
  limits: { maxCpuPercent: number; minFreeMemoryBytes: number };
  /** Tasks the agent asked for and has not been given yet. */
  credit: number;
  health: WorkerHealth | null;
  /** Attempts the master handed to this session and has not seen end. */
  assigned: Set<string>;
  lastSeenMs: number;
  /** master.settings sent and not yet answered, by settingsId: each resolves true once applied. */
  settingsWaiters: Map<string, (applied: boolean) => void>;
  /** An enrolled worker's client certificate and its public key; null for the shared agent token. */
  credential: { publicKeyDer: Buffer; cert: X509Certificate } | null;
  socket: WebSocket;
  send(message: MasterMessage): void;
}

export function sendTo(socket: WebSocket, message: MasterMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
