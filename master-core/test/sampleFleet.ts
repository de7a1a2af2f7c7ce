import { afterAll, beforeAll } from 'vitest';
import type { ApiClient } from '../protocol/apiClient';
import { loadProjectDir } from '../deploy/loadProjectDir';
import { nodeClient } from '../../e2e/harness/client';
import { startWorker } from '../../e2e/harness/processes';
import type { Spawned } from '../../e2e/harness/processes';
import { startTestMaster } from './masterFixture';

/** Timings that make leases and silence show within a second or two. */
export const FAST_TIMINGS = {
  heartbeatIntervalMs: 200,
  leaseMs: 1_500,
  offlineAfterMs: 1_500,
  sweepIntervalMs: 100,
};

/**
 * For a describe block: a master with fast timings, the HelloScaleOut sample deployed in Samples,
 * and one-slot workers of these names, all stopped afterwards. Read the fields inside tests.
 */
export function useSampleFleet(names: readonly string[]) {
  const fleet = {
    master: undefined as unknown as Awaited<ReturnType<typeof startTestMaster>>,
    client: undefined as unknown as ApiClient,
    workers: new Map<string, Spawned>(),
  };
  beforeAll(async () => {
    fleet.master = await startTestMaster({ timings: FAST_TIMINGS });
    fleet.client = nodeClient(fleet.master.consoleUrl, fleet.master.consoleToken);
    await fleet.client.call('project.deploy', {
      folderName: 'Samples',
      bundle: loadProjectDir('samples/HelloScaleOut'),
    });
    for (const name of names)
      fleet.workers.set(name, await startWorker(fleet.master, name, ['--max-tasks', '1']));
  });
  afterAll(async () => {
    await Promise.all([...fleet.workers.values()].map((w) => w.stop('SIGKILL')));
    await fleet.master?.cleanup();
  });
  return fleet;
}
