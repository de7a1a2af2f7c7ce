// What an execution host and the processes of its tasks see of the agent's environment.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostPool } from '../hostPool';
import type { HostPool } from '../hostPool';
import {
  assignment,
  closePool,
  poolStarter,
  realHost,
  shell,
  tempWorkDir,
  track,
} from './fixtures/hostTestKit';

let work: ReturnType<typeof tempWorkDir>;
let pool: HostPool | null = null;
const saved = { ...process.env };
beforeEach(() => {
  work = tempWorkDir();
  process.env.SCALEOUT_AGENT_TOKEN = 'agent-secret';
  process.env.SCALEOUT_TOKEN = 'console-secret';
  process.env.NODE_OPTIONS = '--max-old-space-size=100';
  process.env.HTTPS_PROXY = 'http://proxy.example:3128';
});
afterEach(async () => {
  for (const name of ['SCALEOUT_AGENT_TOKEN', 'SCALEOUT_TOKEN', 'NODE_OPTIONS', 'HTTPS_PROXY']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  try {
    await closePool(pool);
  } finally {
    pool = null;
    work.remove();
  }
});

const environOf = (pid: number) =>
  readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .filter(Boolean)
    .map((entry) => entry.slice(0, entry.indexOf('=')));

describe('execution host environment', () => {
  it.runIf(process.platform === 'linux')(
    'a host process has the allow-listed environment and no token',
    async () => {
      pool = createHostPool({ hostEntry: realHost, mode: 'process' });
      await pool.warm();
      const pid = pool.hosts()[0]!.pid!;
      track(pid);
      const names = environOf(pid);
      expect(names).toContain('PATH');
      expect(names).toContain('ELECTRON_RUN_AS_NODE');
      expect(names).not.toContain('SCALEOUT_AGENT_TOKEN');
      expect(names).not.toContain('SCALEOUT_TOKEN');
      expect(names).not.toContain('NODE_OPTIONS');
      expect(names).not.toContain('HTTPS_PROXY');
    },
  );

  it('a task process sees no token, and what the operator passes', async () => {
    pool = createHostPool({
      hostEntry: realHost,
      mode: 'pooled',
      passEnv: ['HTTPS_PROXY', 'SCALEOUT_AGENT_TOKEN'],
    });
    const r = poolStarter(pool, work.dir)(assignment([shell('env')]));
    expect((await r.done).outcome).toBe('succeeded');
    const names = r.events.map((e) => e.message.split('=')[0]);
    expect(names).toContain('PATH');
    expect(names).toContain('HTTPS_PROXY');
    expect(names.filter((n) => n?.startsWith('SCALEOUT_'))).toEqual([]);
    expect(names).not.toContain('NODE_OPTIONS');
    expect(names).not.toContain('ELECTRON_RUN_AS_NODE'); // sh is not the host's own binary
  });
});
