import { PROTOCOL_VERSION } from '../protocol/wire';

/** A valid worker.hello for tests that speak the agent protocol by hand; override what the test is about. */
export function agentHello(token: string, overrides: Record<string, unknown> = {}) {
  return {
    type: 'worker.hello',
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: 'test',
    workerId: 'w-test',
    name: 'probe',
    token,
    tags: [],
    maxTasks: 1,
    machine: {
      hostname: 'h',
      platform: 'linux',
      arch: 'x64',
      cpuCount: 1,
      totalMemoryBytes: 1,
      nodeVersion: '20',
      userAccount: 'u',
    },
    ...overrides,
  };
}
