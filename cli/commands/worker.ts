import { cpus } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../../worker-agent/agent';
import { createLogger } from '../../master-core/logger';
import { ScaleOutError } from '../../master-core/protocol/errors';
import { defaultDataDir, hostEntry } from '../paths';

export interface WorkerFlags {
  master: string;
  token?: string;
  name?: string;
  tags: string[];
  maxTasks?: number;
  workDir?: string;
}

/** `scaleout worker`: a worker agent in the foreground until SIGINT/SIGTERM. */
export async function runWorker(flags: WorkerFlags): Promise<void> {
  const token = flags.token ?? process.env.SCALEOUT_AGENT_TOKEN;
  if (!token) {
    throw new ScaleOutError(
      'UNAUTHORIZED',
      'no agent token: pass --token or set SCALEOUT_AGENT_TOKEN (the master keeps it in <data-dir>/agent.token)',
      {
        field: 'token',
      },
    );
  }
  if (!/^wss?:\/\//.test(flags.master)) {
    throw new ScaleOutError(
      'VALIDATION_FAILED',
      `--master must be a ws:// or wss:// URL (got ${flags.master})`,
      { field: 'master' },
    );
  }
  const name = flags.name ?? (await import('node:os')).hostname();
  const log = createLogger(`worker ${name}`);
  const agent = createAgent({
    masterUrl: flags.master,
    token,
    name,
    tags: flags.tags,
    maxTasks: flags.maxTasks ?? Math.max(1, cpus().length),
    workDir: flags.workDir ?? join(defaultDataDir(), 'worker', name.replace(/[^A-Za-z0-9_.-]/g, '_')),
    hostEntry: hostEntry(),
    log,
    onFatal: () => process.exit(2),
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing running work, then stopping`);
    void agent.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
