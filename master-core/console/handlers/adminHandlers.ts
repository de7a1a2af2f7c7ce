import { ScaleOutError } from '../../protocol/errors';
import { PROTOCOL_VERSION } from '../../protocol/wire';
import type { HandlerDeps, HandlerGroup } from './context';

type AdminMethods =
  'master.info' | 'worker.list' | 'worker.health' | 'worker.update' | 'property.list' | 'property.set';

const SETTINGS = [
  'newName',
  'description',
  'tags',
  'maxTasks',
  'maxCpuPercent',
  'minFreeMemoryBytes',
] as const;

/** The master itself, workers, and catalog properties. */
export function adminHandlers(deps: HandlerDeps): HandlerGroup<AdminMethods> {
  const { repos } = deps;
  return {
    'master.info': async () => {
      const tls = deps.security.status();
      return {
        version: deps.version,
        protocolVersion: PROTOCOL_VERSION,
        agentUrl: deps.agentUrl(),
        dataDir: deps.dataDir,
        agentTls: deps.security.agentTls,
        advertisedAgentUrl: deps.security.advertisedAgentUrl(),
        caFingerprint: tls?.caFingerprint ?? '',
        pendingCaFingerprint: tls?.pendingCaFingerprint ?? null,
        caSwitchAt: tls?.switchAt ?? null,
      };
    },
    'worker.list': async () => ({ workers: await deps.listWorkers() }),
    'worker.health': async (input) => ({ samples: await repos.workers.health(input.workerId, input.limit) }),
    /**
     * Scale Out Manager's Edit Worker: stored first (the operator's values win over the worker's
     * own from then on), then put in force: at once for eligibility on the master, and live on a
     * connected worker. A disconnected worker gets them when it next connects.
     */
    'worker.update': async (input, ctx) => {
      if (SETTINGS.every((key) => input[key] === undefined))
        throw new ScaleOutError(
          'VALIDATION_FAILED',
          `nothing to change: give at least one of ${SETTINGS.join(', ')}`,
        );
      const worker = await repos.workers.findOne(input.name);
      if (worker.revoked_time)
        throw new ScaleOutError(
          'CONFLICT',
          `worker ${worker.display_name} was revoked at ${worker.revoked_time}; enrol it again instead`,
          { field: 'name' },
        );
      const workerId = worker.worker_agent_id;
      await repos.workers.updateSettings(
        workerId,
        {
          ...(input.newName === undefined ? {} : { name: input.newName }),
          ...(input.description === undefined ? {} : { description: input.description }),
          ...(input.tags === undefined ? {} : { tags: input.tags }),
          ...(input.maxTasks === undefined ? {} : { maxTasks: input.maxTasks }),
          ...(input.maxCpuPercent === undefined ? {} : { maxCpuPercent: input.maxCpuPercent }),
          ...(input.minFreeMemoryBytes === undefined ? {} : { minFreeMemoryBytes: input.minFreeMemoryBytes }),
        },
        ctx.principal,
      );
      const appliedLive = await deps.runtime.applyWorkerSettings(workerId);
      const row = (await deps.listWorkers()).find((w) => w.workerId === workerId);
      if (!row) throw new ScaleOutError('NOT_FOUND', `worker ${workerId} vanished`, { field: 'name' });
      deps.bus.emit({ type: 'worker:changed', worker: row });
      return { worker: row, appliedLive };
    },
    'property.list': async () => ({ properties: await repos.properties.list() }),
    'property.set': async (input) => {
      await repos.properties.set(input.name, input.value);
      return {};
    },
  };
}
