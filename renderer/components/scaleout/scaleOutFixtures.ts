import type { ApiOutput } from '../../../master-core/protocol/api';

/** Answers of the master for the Scale Out screens' tests. */

export const FINGERPRINT = 'ab'.repeat(32);

export function masterInfo(over: Partial<ApiOutput<'master.info'>> = {}): ApiOutput<'master.info'> {
  return {
    version: '0.1.0',
    protocolVersion: 1,
    agentUrl: 'wss://0.0.0.0:8391/agent',
    dataDir: '/var/lib/scaleout',
    agentTls: true,
    advertisedAgentUrl: 'wss://master.example:8391/agent',
    caFingerprint: FINGERPRINT,
    pendingCaFingerprint: null,
    caSwitchAt: null,
    ...over,
  };
}

export function dashboard(over: Partial<ApiOutput<'master.dashboard'>> = {}): ApiOutput<'master.dashboard'> {
  const start = Date.parse('2026-11-29T02:00:00.000Z');
  return {
    startedAt: '2026-11-29T00:00:00.000Z',
    uptimeSeconds: 2 * 3600 + 5 * 60,
    workersByState: { online: 2, busy: 1, draining: 0, disabled: 1, suspect: 0, offline: 3, outdated: 0 },
    queueDepth: 4,
    running: 3,
    executionsPerMinute: Array.from({ length: 60 }, (_, i) => ({
      minute: new Date(start + i * 60_000).toISOString(),
      started: i === 59 ? 5 : 1,
      succeeded: i === 59 ? 2 : 1,
      failed: i === 59 ? 1 : 0,
    })),
    ...over,
  };
}
