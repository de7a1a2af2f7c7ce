import { PROTOCOL_VERSION } from '../../protocol/wire';
import type { HandlerDeps, HandlerGroup } from './context';

type AdminMethods = 'master.info' | 'worker.list' | 'worker.health' | 'property.list' | 'property.set';

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
    'property.list': async () => ({ properties: await repos.properties.list() }),
    'property.set': async (input) => {
      await repos.properties.set(input.name, input.value);
      return {};
    },
  };
}
