/**
 * The soak's master process: `scaleout master` exactly (cli/commands/master.ts runMaster), with the
 * heartbeat, lease and offline timings its flags struct takes but the CLI does not expose, so that
 * leases run out within seconds. Run with `node --import tsx soak/masterMain.ts <flags>`.
 */
import { parseArgs } from 'node:util';
import { runMaster } from '../cli/commands/master';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'console-port': { type: 'string' },
    'agent-port': { type: 'string' },
    'console-token': { type: 'string' },
    'heartbeat-seconds': { type: 'string', default: '1' },
    'lease-seconds': { type: 'string', default: '4' },
    'offline-after-seconds': { type: 'string', default: '4' },
  },
});
const required = (name: 'data-dir' | 'console-port' | 'agent-port' | 'console-token') => {
  const value = values[name];
  if (!value) throw new Error(`--${name} is required`);
  return value;
};

await runMaster({
  dataDir: required('data-dir'),
  consoleHost: '127.0.0.1',
  consolePort: Number(required('console-port')),
  agentHost: '127.0.0.1',
  agentPort: Number(required('agent-port')),
  consoleToken: required('console-token'),
  localWorker: false,
  sample: false,
  autoEnableWorkers: true,
  heartbeatSeconds: Number(values['heartbeat-seconds']),
  leaseSeconds: Number(values['lease-seconds']),
  offlineAfterSeconds: Number(values['offline-after-seconds']),
});
