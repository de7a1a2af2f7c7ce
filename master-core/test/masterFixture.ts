import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMaster } from '../createMaster';
import type { Master, MasterOptions } from '../createMaster';
import { silentLogger } from '../logger';

/** An in-process master on free loopback ports with its own data directory. */
export async function startTestMaster(
  options: Partial<MasterOptions> = {},
): Promise<Master & { cleanup(): Promise<void> }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'scaleout-master-'));
  const master = await createMaster({
    dataDir,
    consolePort: 0,
    agentPort: 0,
    agentHost: '127.0.0.1',
    log: silentLogger,
    // Tests start their workers by hand; the disabled-by-default rule has tests of its own.
    autoEnableWorkers: true,
    ...options,
  });
  return {
    ...master,
    async cleanup() {
      await master.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Client TLS options that trust the master's CA file (what a test's raw WebSocket to the agent endpoint needs). */
export function agentTlsOptions(master: Pick<Master, 'caFile'>): { ca?: Buffer } {
  return master.caFile ? { ca: readFileSync(master.caFile) } : {};
}
