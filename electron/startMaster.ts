import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMaster } from '../master-core/createMaster';
import type { Master, MasterOptions } from '../master-core/createMaster';
import { newToken } from '../master-core/secrets';
import type { Logger } from '../master-core/logger';
import type { AppPaths } from './appPaths';
import { isAddressInUse } from './launchConfig';
import type { LaunchConfig } from './launchConfig';

/** The master inside the desktop app: a fresh console token per launch, this machine's worker beside it. */
export function desktopMasterOptions(config: LaunchConfig, paths: AppPaths, log: Logger): MasterOptions {
  const hasRenderer = existsSync(join(paths.rendererDir, 'index.html'));
  if (!hasRenderer) log.warn(`no built console in ${paths.rendererDir}: run "npm run build"`);
  const hasCli = existsSync(paths.cliEntry);
  if (!hasCli)
    log.warn(`no CLI bundle at ${paths.cliEntry}: the local worker is not started (run "npm run build")`);
  return {
    dataDir: config.dataDir,
    consoleHost: '127.0.0.1',
    consolePort: config.consolePort,
    agentPort: config.agentPort,
    consoleToken: newToken(),
    rendererDir: hasRenderer ? paths.rendererDir : null,
    log,
    localWorker: hasCli ? { cliEntry: paths.cliEntry, name: 'local' } : null,
  };
}

/**
 * Starts the master. When the usual agent port (8391) is taken, for instance by a headless master
 * on this machine, the agent endpoint moves to a free port rather than failing; a port the operator
 * chose explicitly is never silently changed.
 */
export async function startDesktopMaster(
  config: LaunchConfig,
  paths: AppPaths,
  log: Logger,
): Promise<Master> {
  const options = desktopMasterOptions(config, paths, log);
  try {
    return await createMaster(options);
  } catch (error) {
    if (!config.agentPortIsDefault || !isAddressInUse(error, config.agentPort)) throw error;
    log.warn(
      `agent port ${config.agentPort} is in use (a headless master?); the agent endpoint takes a free port instead`,
    );
    return createMaster({ ...options, agentPort: 0 });
  }
}
