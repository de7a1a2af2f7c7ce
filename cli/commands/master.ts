import { createMaster } from '../../master-core/createMaster';
import { createLogger } from '../../master-core/logger';
import type { Logger } from '../../master-core/logger';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { loadProjectDir } from '../../master-core/deploy/loadProjectDir';
import { connect } from '../connection';
import { cliEntry, rendererDir, sampleDirs } from '../paths';

export interface MasterFlags {
  dataDir: string;
  consoleHost: string;
  consolePort: number;
  agentHost: string;
  agentPort: number;
  localWorker: boolean;
  localWorkerTasks?: number;
  sample: boolean;
  autoEnableWorkers: boolean;
  heartbeatSeconds?: number;
  leaseSeconds?: number;
  offlineAfterSeconds?: number;
  reconnectGraceSeconds?: number;
  consoleToken?: string;
  /** Plain ws:// for loopback development: no TLS, no enrolment. */
  insecureAgentEndpoint?: boolean;
  /** Names/addresses workers reach this master by (server certificate, install commands). */
  agentNames?: string[];
}

/** The flag an operator typed for each of the master's timings, named in its refusals. */
const TIMING_FLAGS: Record<string, string> = {
  heartbeatIntervalMs: '--heartbeat-seconds',
  leaseMs: '--lease-seconds',
  offlineAfterMs: '--offline-after-seconds',
  reconnectGraceMs: '--reconnect-grace-seconds',
};

/** `scaleout master`: the headless master, optionally with this machine's worker and the sample. */
export async function runMaster(flags: MasterFlags): Promise<void> {
  const log = createLogger('master', (process.env.SCALEOUT_LOG_LEVEL as 'debug' | undefined) ?? 'info');
  const master = await startMaster(flags, log);
  // Handlers before anything is printed: a script that stops us right after the banner gets a clean stop.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    master
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        log.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (flags.sample) await deploySampleOnFirstRun(master.consoleUrl, master.consoleToken, master.dataDir, log);

  process.stdout.write(masterBanner(master).join('\n'));
}

async function deploySampleOnFirstRun(
  consoleUrl: string,
  token: string,
  dataDir: string,
  log: ReturnType<typeof createLogger>,
): Promise<void> {
  // Through connect: an https console (--console-host beyond loopback) is trusted by its CA file.
  const client = connect({ url: consoleUrl, token, dataDir });
  const { folders } = await client.call('catalog.tree', {});
  if (folders.length > 0) return;
  for (const dir of sampleDirs()) {
    const bundle = loadProjectDir(dir);
    await client.call('project.deploy', { folderName: 'Samples', bundle });
    log.info(`first run: deployed the sample project Samples/${bundle.project.name}`);
  }
}

/** What `scaleout master` prints once it listens: where, the CA fingerprint, how to add workers. */
export function masterBanner(
  master: Pick<
    Awaited<ReturnType<typeof createMaster>>,
    'catalogFile' | 'consoleUrl' | 'consoleToken' | 'agentUrl' | 'dataDir' | 'caFingerprint' | 'caFile'
  >,
): string[] {
  const local = `SCALEOUT_AGENT_TOKEN=$(cat ${master.dataDir}/agent.token) npx scaleout worker --master ${master.agentUrl}`;
  return [
    `Scale Out master is running (catalog: ${master.catalogFile})`,
    `  Console:  ${master.consoleUrl}/#token=${master.consoleToken}`,
    `  Agents:   ${master.agentUrl}`,
    ...(master.caFingerprint
      ? [
          `  CA fingerprint (SHA-256): ${master.caFingerprint}`,
          `  Add a worker on another machine: scaleout worker-token create (prints the install command)`,
          `  Add a worker on this machine:`,
          `    ${local} --ca-file ${master.caFile}`,
        ]
      : [
          `  INSECURE: plain ws:// agent endpoint (--insecure-agent-endpoint), loopback development only`,
          `  Add a worker on this machine:`,
          `    ${local}`,
        ]),
    `  Press Ctrl+C to stop.`,
    '',
  ];
}

function startMaster(flags: MasterFlags, log: Logger) {
  return createMaster({
    dataDir: flags.dataDir,
    consoleHost: flags.consoleHost,
    consolePort: flags.consolePort,
    agentHost: flags.agentHost,
    agentPort: flags.agentPort,
    rendererDir: rendererDir(),
    autoEnableWorkers: flags.autoEnableWorkers,
    insecureAgentEndpoint: flags.insecureAgentEndpoint === true,
    agentNames: flags.agentNames ?? [],
    timings: {
      ...(flags.heartbeatSeconds ? { heartbeatIntervalMs: flags.heartbeatSeconds * 1000 } : {}),
      ...(flags.leaseSeconds ? { leaseMs: flags.leaseSeconds * 1000 } : {}),
      ...(flags.offlineAfterSeconds ? { offlineAfterMs: flags.offlineAfterSeconds * 1000 } : {}),
      ...(flags.reconnectGraceSeconds !== undefined
        ? { reconnectGraceMs: flags.reconnectGraceSeconds * 1000 }
        : {}),
    },
    log,
    ...(flags.consoleToken ? { consoleToken: flags.consoleToken } : {}),
    localWorker: flags.localWorker
      ? {
          cliEntry: cliEntry(),
          name: 'local',
          ...(flags.localWorkerTasks ? { maxTasks: flags.localWorkerTasks } : {}),
        }
      : null,
  }).catch((error: unknown) => {
    const flag = error instanceof ScaleOutError && error.field ? TIMING_FLAGS[error.field] : undefined;
    if (!flag || !(error instanceof ScaleOutError)) throw error;
    throw new ScaleOutError(error.code, error.message.replace(`${error.field}:`, `${flag}:`), {
      field: flag,
    });
  });
}
