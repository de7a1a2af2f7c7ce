import { describe, expect, it } from 'vitest';
import { filterEnvironment, hostEnvironment, isPassed, taskEnvironment } from './hostEnvironment';

const agentEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/agent',
  USER: 'agent',
  LANG: 'C.UTF-8',
  LC_ALL: 'C.UTF-8',
  LC_TIME: 'en_GB.UTF-8',
  TZ: 'UTC',
  TMPDIR: '/tmp',
  SCALEOUT_AGENT_TOKEN: 'agent-secret',
  SCALEOUT_TOKEN: 'console-secret',
  SCALEOUT_CONSOLE_TOKEN: 'console-secret',
  SCALEOUT_DATA_DIR: '/srv/scaleout',
  NODE_OPTIONS: '--inspect',
  AWS_SECRET_ACCESS_KEY: 'cloud-secret',
  HTTPS_PROXY: 'http://proxy:3128',
  UNSET: undefined,
};

describe('hostEnvironment', () => {
  it('passes the allow-list only, and marks the host to run as Node under Electron', () => {
    expect(hostEnvironment(agentEnv, { platform: 'linux' })).toEqual({
      PATH: '/usr/bin:/bin',
      HOME: '/home/agent',
      USER: 'agent',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      LC_TIME: 'en_GB.UTF-8',
      TZ: 'UTC',
      TMPDIR: '/tmp',
      ELECTRON_RUN_AS_NODE: '1',
    });
  });

  it('passes names an operator lists, but never a token', () => {
    const env = filterEnvironment(agentEnv, {
      platform: 'linux',
      passEnv: ['HTTPS_PROXY', 'SCALEOUT_AGENT_TOKEN', 'scaleout_token'],
    });
    expect(env.HTTPS_PROXY).toBe('http://proxy:3128');
    expect(Object.keys(env).filter((k) => k.startsWith('SCALEOUT_'))).toEqual([]);
  });

  it('matches names exactly on POSIX and without case on Windows, keeping their spelling', () => {
    expect(isPassed('Path', { platform: 'linux' })).toBe(false);
    const windows = {
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
      ComSpec: 'cmd.exe',
      Scaleout_Agent_Token: 'x',
    };
    expect(filterEnvironment(windows, { platform: 'win32' })).toEqual({
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
      ComSpec: 'cmd.exe',
    });
    expect(isPassed('SYSTEMROOT', { platform: 'linux' })).toBe(false);
  });

  it('gives a task process ELECTRON_RUN_AS_NODE only when it runs the host binary', () => {
    const hostEnv = hostEnvironment(agentEnv, { platform: 'linux' });
    expect(taskEnvironment(hostEnv, false)).not.toHaveProperty('ELECTRON_RUN_AS_NODE');
    expect(taskEnvironment(hostEnv, true)).toHaveProperty('ELECTRON_RUN_AS_NODE', '1');
    expect(taskEnvironment({ ...hostEnv, EXTRA: 'set by an earlier task' }, false)).toHaveProperty('EXTRA');
  });
});
