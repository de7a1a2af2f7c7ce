// One process of simulated agents for the fleet benchmark (bench/fleet.ts forks a few of these).
// Each agent is a real WebSocket client speaking our agent protocol with its own credential: it
// enrols with its own one-time token and its own ECDSA key (worker-agent/enrolment.ts), connects
// over mutual TLS with the agent's own pinned connection, says hello, heartbeats at the rate the
// master's welcome gives, asks for one task at a time and answers a task at once (started, then
// finished, no events), as a worker running a no-op package in no time would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { ClientOptions } from 'ws';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../master-core/protocol/wire';
import type { WorkerMessage } from '../master-core/protocol/wire';
import { enrolWorker } from '../worker-agent/enrolment';
import { credentialsDir, loadCredentials } from '../worker-agent/credentials';
import { pinnedConnection } from '../worker-agent/masterTrust';

export interface FleetProcessConfig {
  agentUrl: string;
  /** One enrolment token per agent of this process. */
  tokens: string[];
  /** Index of the first agent of this process (for names). */
  firstIndex: number;
}

/** What a fleet process tells its parent (IPC). */
export type FleetReport =
  | { type: 'enrolled'; count: number; ms: number }
  | { type: 'connected'; count: number; ms: number }
  | {
      type: 'stats';
      heartbeats: number;
      tasks: number;
      closes: number;
      welcomed: number;
      failed: number;
      /** Close code (1006: terminated, no close frame) -> connections closed with it. */
      closeCodes: Record<string, number>;
    }
  | { type: 'error'; message: string };

const machine = (i: number) => ({
  hostname: `sim-${i}`,
  platform: 'linux',
  arch: 'x64',
  cpuCount: 2,
  totalMemoryBytes: 8 * 2 ** 30,
  nodeVersion: process.versions.node,
  userAccount: 'svc-scaleout',
});

const send = (ws: WebSocket, message: WorkerMessage) => ws.send(JSON.stringify(message));

async function run(config: FleetProcessConfig): Promise<void> {
  const report = (r: FleetReport) => process.send?.(r);
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-bench-fleet-'));
  const stats = {
    heartbeats: 0,
    tasks: 0,
    closes: 0,
    welcomed: 0,
    failed: 0,
    closeCodes: {} as Record<string, number>,
  };
  const sockets: WebSocket[] = [];
  process.on('disconnect', () => {
    sockets.forEach((ws) => ws.terminate());
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  let connectNow: () => void = () => undefined;
  const connectOrdered = new Promise<void>((resolve) => (connectNow = resolve));
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') report({ type: 'stats', ...stats });
    if (m.type === 'connect') connectNow();
  });

  // Enrol, a few at a time (the master signs one certificate per enrolment).
  const t0 = performance.now();
  const credentials: NonNullable<ReturnType<typeof loadCredentials>>[] = [];
  for (let i = 0; i < config.tokens.length; i += 10) {
    const batch = config.tokens.slice(i, i + 10);
    const enrolled = await Promise.all(
      batch.map(async (token, j) => {
        const workDir = join(dir, `agent-${config.firstIndex + i + j}`);
        await enrolWorker({
          masterUrl: config.agentUrl,
          token,
          workDir,
          name: `sim-${config.firstIndex + i + j}`,
        });
        return loadCredentials(credentialsDir(workDir))!;
      }),
    );
    credentials.push(...enrolled);
  }
  report({ type: 'enrolled', count: credentials.length, ms: performance.now() - t0 });
  await connectOrdered; // the parent connects the processes one after the other

  const t1 = performance.now();
  const connectOne = (credential: (typeof credentials)[number], index: number) =>
    new Promise<void>((resolve) => {
      const ws: WebSocket = new WebSocket(config.agentUrl, {
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: 30_000,
        createConnection: pinnedConnection({
          pins: () => credential.caFingerprints,
          clientCredential: () => ({ key: credential.keyPem, cert: credential.certPem }),
        }) as unknown as ClientOptions['createConnection'],
      });
      sockets.push(ws);
      let heartbeat: NodeJS.Timeout | null = null;
      let welcomed = false;
      const running = new Set<string>();
      ws.on('open', () =>
        send(ws, {
          type: 'worker.hello',
          protocolVersion: PROTOCOL_VERSION,
          agentVersion: '0.1.0',
          workerId: credential.workerId,
          name: credential.name,
          tags: [],
          maxTasks: 1,
          machine: machine(index),
          runningAttemptIds: [],
          limits: { maxCpuPercent: 100, minFreeMemoryBytes: 0 },
        }),
      );
      ws.on('message', (data) => {
        const message = JSON.parse(String(data)) as {
          type: string;
          task?: { attemptId: string };
          heartbeatIntervalMs?: number;
        };
        if (message.type === 'master.welcome') {
          const beat = () => {
            stats.heartbeats += 1;
            send(ws, {
              type: 'worker.heartbeat',
              health: {
                cpuPercent: 3 + (index % 20),
                freeMemoryBytes: 6 * 2 ** 30,
                totalMemoryBytes: 8 * 2 ** 30,
                freeDiskBytes: 40 * 2 ** 30,
                loadAverage: 0.1,
                uptimeSeconds: Math.round(process.uptime()),
                runningAttemptIds: [...running],
              },
            });
          };
          // Agents started together would beat in step; a real fleet's phases are spread.
          setTimeout(
            () => {
              beat();
              heartbeat = setInterval(beat, message.heartbeatIntervalMs);
            },
            Math.random() * (message.heartbeatIntervalMs ?? 5_000),
          );
          send(ws, { type: 'task.request', credit: 1 });
          stats.welcomed += 1;
          welcomed = true;
          resolve();
        } else if (message.type === 'task.assign' && message.task) {
          const attemptId = message.task.attemptId;
          stats.tasks += 1;
          running.add(attemptId);
          send(ws, { type: 'task.request', credit: 0 });
          send(ws, { type: 'task.started', attemptId, pid: process.pid });
          send(ws, {
            type: 'task.finished',
            attemptId,
            eventCount: 0,
            outcome: 'succeeded',
            exitCode: 0,
            signal: null,
            error: null,
            statistics: [],
            dataStatistics: [],
          });
          running.delete(attemptId);
          send(ws, { type: 'task.request', credit: 1 });
        }
      });
      // A refused or dropped agent is counted, not fatal: the parent reports how many stayed.
      ws.on('error', () => undefined);
      ws.on('close', (code, reason) => {
        if (heartbeat) clearInterval(heartbeat);
        stats.closes += 1;
        stats.closeCodes[code] = (stats.closeCodes[code] ?? 0) + 1;
        if (!welcomed) {
          stats.failed += 1;
          if (stats.failed <= 3)
            console.error(`agent ${credential.name} closed before its welcome: ${code} ${reason.toString()}`);
        }
        resolve();
      });
    });
  for (let i = 0; i < credentials.length; i += 20)
    await Promise.all(credentials.slice(i, i + 20).map((c, j) => connectOne(c, config.firstIndex + i + j)));
  report({ type: 'connected', count: stats.welcomed, ms: performance.now() - t1 });
}

process.once('message', (config: FleetProcessConfig) => {
  run(config).catch((error: unknown) => {
    process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});
