import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openCatalog } from './catalog/openCatalog';
import { createRepos } from './catalog/repos';
import { createSecretBox, loadOrCreateKey } from './secretBox';
import { createRuntimeSweeper, runRetentionCleanup } from './housekeeping';
import { createQueueExplainer } from './queueExplainer';
import type { Targeting } from './protocol/api';
import { createEventBus } from './eventBus';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { createAgentGateway } from './gateway/agentGateway';
import type { GatewayTimings } from './gateway/agentGateway';
import { createConsoleServer } from './console/consoleServer';
import { createHandlers } from './console/handlers';
import { listWorkerRows } from './workerRows';
import { loadOrCreateToken, newToken, writeToken } from './secrets';
import { ensureWorkerId, startLocalWorker } from './localWorker';

export const MASTER_VERSION = '0.1.0';
/** The oldest agent this master hands work to. */
export const MIN_AGENT_VERSION = '0.1.0';

export interface MasterOptions {
  dataDir: string;
  consoleHost?: string;
  /** 8390 by default; 0 picks a free port. */
  consolePort?: number;
  agentHost?: string;
  /** 8391 by default; 0 picks a free port. */
  agentPort?: number;
  /** Fixed console token; by default a new one per launch, written to <dataDir>/console.token. */
  consoleToken?: string;
  rendererDir?: string | null;
  timings?: Partial<MasterTimings>;
  log?: Logger;
  /** Start this machine's own worker agent as a child process. */
  localWorker?: { cliEntry: string; name?: string; maxTasks?: number } | null;
  /** Register new workers enabled; by default they start disabled, as in SSIS (the local worker is always enabled). */
  autoEnableWorkers?: boolean;
  /** Agents older than this connect but take no work. */
  minAgentVersion?: string;
}

export interface MasterTimings extends GatewayTimings {
  /** How often the housekeeping sweep looks for expired leases and silent workers. */
  sweepIntervalMs: number;
  /** How often the retention cleanup runs (SSIS runs its job daily). */
  retentionIntervalMs: number;
}

export const defaultTimings: MasterTimings = {
  heartbeatIntervalMs: 5_000,
  offlineAfterMs: 15_000,
  leaseMs: 30_000,
  helloTimeoutMs: 10_000,
  sweepIntervalMs: 1_000,
  retentionIntervalMs: 60 * 60 * 1000,
};

export interface Master {
  consoleUrl: string;
  agentUrl: string;
  consoleToken: string;
  agentToken: string;
  dataDir: string;
  catalogFile: string;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePort((server.address() as AddressInfo).port);
    });
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** Opens the catalog, listens for workers and for the console, and starts housekeeping. */
export async function createMaster(options: MasterOptions): Promise<Master> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? createLogger('master');
  const timings = { ...defaultTimings, ...options.timings };
  const catalogFile = join(dataDir, 'catalog.sqlite');
  const db = await openCatalog(catalogFile);
  const repos = createRepos(db, createSecretBox(loadOrCreateKey(join(dataDir, 'catalog.key'))));
  const { executions, messages, workers } = repos;
  const bus = createEventBus((error) => log.error(`event listener failed: ${String(error)}`));
  const agentToken = loadOrCreateToken(join(dataDir, 'agent.token'));
  const consoleToken = writeToken(join(dataDir, 'console.token'), options.consoleToken ?? newToken());

  const factsSettings = {
    heartbeatIntervalMs: timings.heartbeatIntervalMs,
    offlineAfterMs: timings.offlineAfterMs,
    minAgentVersion: options.minAgentVersion ?? MIN_AGENT_VERSION,
  };
  const listWorkers = () => listWorkerRows(workers, gateway.sessions, factsSettings);
  const localWorkDir = join(dataDir, 'local-worker');
  const explainer = (targeting: Targeting) =>
    createQueueExplainer(workers, gateway.sessions, factsSettings)(targeting);
  const gateway = createAgentGateway({
    settings: {
      autoEnableWorkers: options.autoEnableWorkers ?? false,
      trustedWorkerIds: new Set(options.localWorker ? [ensureWorkerId(localWorkDir)] : []),
      minAgentVersion: factsSettings.minAgentVersion,
    },
    control: repos.executionControl,
    executions,
    messages,
    workers,
    bus,
    log,
    agentToken,
    timings,
    onWorkerChanged: (workerId) => {
      void listWorkers().then((rows) => {
        const worker = rows.find((w) => w.workerId === workerId);
        if (worker) bus.emit({ type: 'worker:changed', worker });
      });
    },
  });

  const consoleHost = options.consoleHost ?? '127.0.0.1';
  let consolePort = 0;
  let agentUrl = '';
  const consoleServer = createConsoleServer({
    handlers: createHandlers({
      version: MASTER_VERSION,
      dataDir,
      agentUrl: () => agentUrl,
      repos,
      bus,
      listWorkers,
      onExecutionQueued: () => void gateway.pump(),
      runtime: {
        updateWorker: gateway.updateWorker,
        cancelAttempt: gateway.cancelAttempt,
        explain: explainer,
      },
    }),
    bus,
    log,
    token: consoleToken,
    rendererDir: options.rendererDir ?? null,
    allowedHosts: () =>
      new Set([
        `${urlHost(consoleHost)}:${consolePort}`,
        `localhost:${consolePort}`,
        `127.0.0.1:${consolePort}`,
      ]),
  });

  const consoleHttp = createServer(consoleServer.handleRequest);
  consoleHttp.on('upgrade', consoleServer.handleUpgrade);
  const agentHttp = createServer((_req, res) => {
    res
      .writeHead(426, { 'content-type': 'text/plain' })
      .end('Scale Out agent endpoint: connect with a WebSocket.\n');
  });
  agentHttp.on('upgrade', gateway.handleUpgrade);

  const agentHost = options.agentHost ?? '0.0.0.0';
  try {
    consolePort = await listen(consoleHttp, options.consolePort ?? 8390, consoleHost);
    const agentPort = await listen(agentHttp, options.agentPort ?? 8391, agentHost);
    agentUrl = `ws://${agentHost === '0.0.0.0' || agentHost === '::' ? '127.0.0.1' : urlHost(agentHost)}:${agentPort}`;
  } catch (error) {
    consoleHttp.close();
    agentHttp.close();
    await db.close();
    throw error;
  }

  const sweepRuntime = createRuntimeSweeper({ repos, gateway, bus, explain: explainer, log });
  const sweep = setInterval(() => {
    const now = Date.now();
    gateway.sweepSilent(now);
    void sweepRuntime(now);
    void executions
      .expireLeases(now)
      .then((changed) => {
        for (const execution of changed) bus.emit({ type: 'execution:changed', execution });
        if (changed.length > 0) void gateway.pump();
      })
      .catch((error: unknown) => log.error(`lease sweep failed: ${String(error)}`));
  }, timings.sweepIntervalMs);

  const cleanup = () =>
    runRetentionCleanup(repos, log).catch((error: unknown) =>
      log.error(`retention cleanup failed: ${String(error)}`),
    );
  const retentionTimer = setInterval(() => void cleanup(), timings.retentionIntervalMs);
  retentionTimer.unref();
  void cleanup();

  const local = options.localWorker
    ? startLocalWorker({
        cliEntry: options.localWorker.cliEntry,
        agentUrl,
        agentToken,
        name: options.localWorker.name ?? 'local',
        ...(options.localWorker.maxTasks ? { maxTasks: options.localWorker.maxTasks } : {}),
        workDir: localWorkDir,
        log,
      })
    : null;

  const consoleUrl = `http://${urlHost(consoleHost)}:${consolePort}`;
  // Lets the CLI and scripts on this machine find the running master without flags.
  const stateFile = join(dataDir, 'master.json');
  writeFileSync(
    stateFile,
    JSON.stringify({ pid: process.pid, consoleUrl, agentUrl, startedAt: new Date().toISOString() }, null, 2),
  );
  log.info(`console listening on ${consoleUrl}; agent endpoint on ${agentHost}:${new URL(agentUrl).port}`);

  let closed: Promise<void> | null = null;
  return {
    consoleUrl,
    agentUrl,
    consoleToken,
    agentToken,
    dataDir,
    catalogFile,
    close: () =>
      (closed ??= (async () => {
        clearInterval(sweep);
        clearInterval(retentionTimer);
        await local?.stop();
        consoleServer.close();
        await gateway.close();
        await Promise.all([new Promise((r) => consoleHttp.close(r)), new Promise((r) => agentHttp.close(r))]);
        consoleHttp.closeAllConnections();
        agentHttp.closeAllConnections();
        await db.exec('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
        await db.close();
        rmSync(stateFile, { force: true });
      })()),
  };
}
