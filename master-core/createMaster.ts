import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { hostname } from 'node:os';
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
import { getWorkerRow, listWorkerRows } from './workerRows';
import { compareVersions } from './execution/workerState';
import { isTargetAllowed } from './execution/eligibility';
import { loadOrCreateToken, newToken, writeToken } from './secrets';
import { ensureWorkerId, startLocalWorker } from './localWorker';
import { createAgentTls, serverNames } from './security/agentTls';
import type { AgentTls } from './security/agentTls';
import { createWorkerTrust } from './security/workerTrust';
import { createEnrolRoute } from './gateway/enrolRoute';
import { createAuthenticator } from './security/authenticate';
import { createLoginThrottle, defaultThrottle } from './security/loginThrottle';
import type { ThrottleOptions } from './security/loginThrottle';
import { createFolderLookup } from './catalog/securityRepo';
import { ScaleOutError } from './protocol/errors';

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
  /** Plain ws:// on the agent endpoint, for loopback development only: no TLS, no enrolment. */
  insecureAgentEndpoint?: boolean;
  /** Extra DNS names or addresses workers reach the master by: in the server certificate, the first one in install commands. */
  agentNames?: string[];
  /** How long a session from auth.login lasts; 12 hours by default. */
  sessionTtlMs?: number;
  /** The failed-login throttle (security/loginThrottle.ts). */
  loginThrottle?: Partial<ThrottleOptions>;
}

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Addresses that keep the console on this machine; anything else needs TLS on the console listener. */
export const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

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
  /** wss://NAME:PORT for other machines (install commands). */
  advertisedAgentUrl: string;
  /** SHA-256 of the CA certificate workers pin; null with --insecure-agent-endpoint. */
  caFingerprint: string | null;
  /** `<data-dir>/tls/ca.crt`, trusted directly by the local worker; null without TLS. */
  caFile: string | null;
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
const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';

function warnInsecure(log: Logger, agentHost: string): void {
  const exposed = !['127.0.0.1', '::1', 'localhost'].includes(agentHost);
  log.warn('!!! ------------------------------------------------------------------------------ !!!');
  log.warn('!!! INSECURE AGENT ENDPOINT: plain ws://, no TLS (--insecure-agent-endpoint)          !!!');
  log.warn('!!! Agent tokens and package data cross the network in clear text; no enrolment.     !!!');
  if (exposed)
    log.warn(
      `!!! It listens on ${agentHost}, beyond this machine: use it for loopback development only. !!!`,
    );
  log.warn('!!! ------------------------------------------------------------------------------ !!!');
}

/**
 * Timings that cannot work together are refused before anything starts: a lease or offline timeout
 * no longer than one heartbeat would end healthy attempts and drop healthy workers.
 */
export function checkTimings(t: MasterTimings): void {
  const refuse = (field: string, message: string) => {
    throw new ScaleOutError('VALIDATION_FAILED', `${field}: ${message}`, { field });
  };
  for (const [field, value] of Object.entries(t))
    if (value !== undefined && (!Number.isFinite(value) || value < 0))
      refuse(field, `must be a number of milliseconds >= 0, got ${String(value)}`);
  if (t.heartbeatIntervalMs <= 0) refuse('heartbeatIntervalMs', 'must be more than 0');
  if (t.leaseMs <= t.heartbeatIntervalMs)
    refuse(
      'leaseMs',
      `the lease (${t.leaseMs / 1000} s) must be longer than the heartbeat (${t.heartbeatIntervalMs / 1000} s) that renews it`,
    );
  if (t.offlineAfterMs <= t.heartbeatIntervalMs)
    refuse(
      'offlineAfterMs',
      `the offline timeout (${t.offlineAfterMs / 1000} s) must be longer than the heartbeat (${t.heartbeatIntervalMs / 1000} s)`,
    );
}

/** Opens the catalog, listens for workers and for the console, and starts housekeeping. */
export async function createMaster(options: MasterOptions): Promise<Master> {
  const startedAtMs = Date.now();
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log = options.log ?? createLogger('master');
  const timings = { ...defaultTimings, ...options.timings };
  checkTimings(timings);
  const catalogFile = join(dataDir, 'catalog.sqlite');
  const db = await openCatalog(catalogFile);
  const repos = createRepos(db, createSecretBox(loadOrCreateKey(join(dataDir, 'catalog.key'))), {
    onHeartbeatWriteError: (error) =>
      log.warn(`could not write the heartbeats of the last second: ${String(error)}`),
  });
  const { executions, messages, workers } = repos;
  // Workers could not renew their leases while no master ran: each live attempt gets a full lease
  // from now, so a restart (an upgrade, a crash) does not retry work that is still running.
  const held = await executions.extendLiveLeases(Date.now() + timings.leaseMs);
  if (held > 0)
    log.info(
      `${held} attempt(s) were running when the master stopped; their workers have ${timings.leaseMs / 1000} s to reconnect`,
    );
  const bus = createEventBus((error) => log.error(`event listener failed: ${String(error)}`));
  const agentToken = loadOrCreateToken(join(dataDir, 'agent.token'));
  const consoleToken = writeToken(join(dataDir, 'console.token'), options.consoleToken ?? newToken());
  const agentHost = options.agentHost ?? '0.0.0.0';
  const consoleHost = options.consoleHost ?? '127.0.0.1';
  // A console beyond loopback is served over https with a certificate from the master's CA: without
  // the CA (--insecure-agent-endpoint) the master refuses to start rather than expose it in clear.
  const consoleTls = !isLoopback(consoleHost);
  if (consoleTls && options.insecureAgentEndpoint) {
    await db.close();
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `--console-host ${consoleHost} exposes the console beyond this machine, which needs TLS on the console listener (a certificate from the master's CA), and --insecure-agent-endpoint turns the CA off: drop --insecure-agent-endpoint, or keep --console-host on 127.0.0.1 (the default)`,
      { field: 'consoleHost' },
    );
  }
  const agentNames = [
    ...(options.agentNames ?? []),
    ...(isWildcard(agentHost) ? [] : [agentHost]),
    ...(consoleTls && !isWildcard(consoleHost) ? [consoleHost] : []),
  ];
  let tls: AgentTls | null = null;
  try {
    tls = options.insecureAgentEndpoint
      ? null
      : await createAgentTls({ dir: join(dataDir, 'tls'), names: serverNames(agentNames), log });
  } catch (error) {
    await db.close();
    throw error;
  }

  const factsSettings = {
    heartbeatIntervalMs: timings.heartbeatIntervalMs,
    offlineAfterMs: timings.offlineAfterMs,
    minAgentVersion: options.minAgentVersion ?? MIN_AGENT_VERSION,
  };
  const listWorkers = () => listWorkerRows(workers, gateway.sessions, factsSettings);
  const localWorkDir = join(dataDir, 'local-worker');
  const explainer = (targeting: Targeting) =>
    createQueueExplainer(workers, gateway.sessions, factsSettings)(targeting);
  // Workers whose row is being read to publish, and whether they changed again meanwhile: one read
  // at a time per worker, the latest state published last (a heartbeat burst costs one read more).
  const publishing = new Map<string, boolean>();
  const workerChanged = (workerId: string): void => {
    if (publishing.has(workerId)) {
      publishing.set(workerId, true);
      return;
    }
    publishing.set(workerId, false);
    // A change that lands while the master closes finds the catalog closed: nobody is listening.
    void getWorkerRow(workers, gateway.sessions, factsSettings, workerId)
      .then((worker) => {
        if (worker) bus.emit({ type: 'worker:changed', worker });
      })
      .catch((error: unknown) => {
        if (!closed) log.warn(`could not read worker ${workerId} back: ${(error as Error).message}`);
      })
      .finally(() => {
        const again = publishing.get(workerId) === true;
        publishing.delete(workerId);
        if (again && !closed) workerChanged(workerId);
      });
  };
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
    enrolment: repos.enrolment,
    bus,
    log,
    agentToken,
    timings,
    ...(tls ? { trustFor: createWorkerTrust(tls, repos.enrolment) } : {}),
    onWorkerChanged: workerChanged,
  });

  let consolePort = 0;
  const throttle = createLoginThrottle({ ...defaultThrottle, ...options.loginThrottle });
  // Bound once the console server exists (the handlers are made first).
  let endStreams: (which: { tokenIds?: string[]; userName?: string }) => void = () => undefined;
  const consoleNames = consoleTls ? serverNames(agentNames) : [];
  let agentUrl = '';
  let advertisedAgentUrl = '';
  const consoleServer = createConsoleServer({
    handlers: createHandlers({
      version: MASTER_VERSION,
      startedAtMs,
      dataDir,
      agentUrl: () => agentUrl,
      repos,
      bus,
      listWorkers,
      onExecutionQueued: () => void gateway.pump(),
      runtime: {
        updateWorker: gateway.updateWorker,
        applyWorkerSettings: gateway.applySettings,
        cancelAttempt: gateway.cancelAttempt,
        explain: explainer,
        someoneMayRun: (targeting) =>
          [...gateway.sessions.values()].some(
            (s) =>
              s.enabled &&
              !s.draining &&
              compareVersions(s.agentVersion, factsSettings.minAgentVersion) >= 0 &&
              isTargetAllowed(targeting, s),
          ),
      },
      security: {
        agentTls: tls !== null,
        advertisedAgentUrl: () => advertisedAgentUrl,
        status: () => tls?.status() ?? null,
        rotate: async (request) => {
          if (!tls) throw new Error('no TLS on the agent endpoint');
          return tls.rotate(request);
        },
        revokeWorker: gateway.revokeWorker,
      },
      auth: {
        throttle,
        sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
        endStreams: (which) => endStreams(which),
      },
    }),
    bus,
    log,
    authenticator: createAuthenticator({ consoleToken, security: repos.security }),
    folderLookup: createFolderLookup(db),
    audit: repos.security.audit.add,
    rendererDir: options.rendererDir ?? null,
    allowedHosts: () =>
      new Set([
        `${urlHost(consoleHost)}:${consolePort}`,
        `localhost:${consolePort}`,
        `127.0.0.1:${consolePort}`,
        ...consoleNames.map((name) => `${urlHost(name).toLowerCase()}:${consolePort}`),
      ]),
  });
  endStreams = consoleServer.endStreams;

  const consoleHttp = consoleTls
    ? createHttpsServer({ ...tls!.secureContext(), minVersion: 'TLSv1.2' }, consoleServer.handleRequest)
    : createServer(consoleServer.handleRequest);
  consoleHttp.on('upgrade', consoleServer.handleUpgrade);
  const enrol = createEnrolRoute({
    enrolment: repos.enrolment,
    tls,
    autoEnableWorkers: options.autoEnableWorkers ?? false,
    log,
    onEnrolled: workerChanged,
  });
  const agentRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url === '/enrol') {
      enrol(req, res).catch((error: unknown) => {
        log.error(`enrolment failed: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('enrolment failed on the master; see its log\n');
      });
      return;
    }
    res
      .writeHead(426, { 'content-type': 'text/plain' })
      .end('Scale Out agent endpoint: connect with a WebSocket, or POST /enrol.\n');
  };
  // Client certificates are asked for but not required: enrolment and the local worker come
  // without one. The gateway decides at hello who is who (gateway/workerAuth.ts).
  const agentHttp = tls
    ? createHttpsServer(
        { ...tls.secureContext(), requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
        agentRequest,
      )
    : createServer(agentRequest);
  agentHttp.on('upgrade', gateway.handleUpgrade);
  const stopTlsWatch = tls?.onChange(() => {
    (agentHttp as ReturnType<typeof createHttpsServer>).setSecureContext(tls!.secureContext());
    if (consoleTls)
      (consoleHttp as ReturnType<typeof createHttpsServer>).setSecureContext(tls!.secureContext());
    void gateway.broadcastTrust();
  });

  try {
    consolePort = await listen(consoleHttp, options.consolePort ?? 8390, consoleHost);
    const agentPort = await listen(agentHttp, options.agentPort ?? 8391, agentHost);
    const scheme = tls ? 'wss' : 'ws';
    agentUrl = `${scheme}://${isWildcard(agentHost) ? '127.0.0.1' : urlHost(agentHost)}:${agentPort}`;
    advertisedAgentUrl = `${scheme}://${urlHost(agentNames[0] ?? hostname())}:${agentPort}`;
  } catch (error) {
    tls?.close();
    consoleHttp.close();
    agentHttp.close();
    await db.close();
    throw error;
  }
  if (tls) log.info(`agent endpoint CA fingerprint (SHA-256, workers pin it): ${tls.caFingerprint()}`);
  else warnInsecure(log, agentHost);

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
        caFile: tls?.caFile ?? null,
        name: options.localWorker.name ?? 'local',
        ...(options.localWorker.maxTasks ? { maxTasks: options.localWorker.maxTasks } : {}),
        workDir: localWorkDir,
        log,
      })
    : null;

  const consoleUrl = `${consoleTls ? 'https' : 'http'}://${isWildcard(consoleHost) ? '127.0.0.1' : urlHost(consoleHost)}:${consolePort}`;
  // Lets the CLI and scripts on this machine find the running master without flags.
  const stateFile = join(dataDir, 'master.json');
  writeFileSync(
    stateFile,
    JSON.stringify(
      { pid: process.pid, consoleUrl, agentUrl, startedAt: new Date(startedAtMs).toISOString() },
      null,
      2,
    ),
  );
  log.info(`console listening on ${consoleUrl}; agent endpoint on ${agentHost}:${new URL(agentUrl).port}`);

  let closed: Promise<void> | null = null;
  return {
    consoleUrl,
    agentUrl,
    consoleToken,
    agentToken,
    advertisedAgentUrl,
    caFingerprint: tls?.caFingerprint() ?? null,
    caFile: tls?.caFile ?? null,
    dataDir,
    catalogFile,
    close: () =>
      (closed ??= (async () => {
        clearInterval(sweep);
        clearInterval(retentionTimer);
        stopTlsWatch?.();
        tls?.close();
        await local?.stop();
        consoleServer.close();
        await gateway.close();
        await Promise.all([new Promise((r) => consoleHttp.close(r)), new Promise((r) => agentHttp.close(r))]);
        consoleHttp.closeAllConnections();
        agentHttp.closeAllConnections();
        await workers.flushHeartbeats();
        await db.exec('PRAGMA wal_checkpoint(TRUNCATE)').catch(() => undefined);
        await db.close();
        rmSync(stateFile, { force: true });
      })()),
  };
}
