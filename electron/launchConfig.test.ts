import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_PORT, isAddressInUse, parseLogLevel, resolveLaunchConfig } from './launchConfig';

const userData = join('/home', 'op', '.config', 'Scale Out Console');

describe('resolveLaunchConfig', () => {
  it('defaults: data under userData, a free console port, agent on 8391', () => {
    expect(resolveLaunchConfig({}, userData)).toEqual({
      dataDir: join(userData, 'data'),
      consolePort: 0,
      agentPort: DEFAULT_AGENT_PORT,
      agentPortIsDefault: true,
    });
  });

  it('takes the data folder and ports from the environment', () => {
    const config = resolveLaunchConfig(
      { SCALEOUT_DATA_DIR: '/srv/scaleout', SCALEOUT_CONSOLE_PORT: '8400', SCALEOUT_AGENT_PORT: '0' },
      userData,
    );
    expect(config).toEqual({
      dataDir: '/srv/scaleout',
      consolePort: 8400,
      agentPort: 0,
      agentPortIsDefault: false,
    });
  });

  it('treats empty variables as unset', () => {
    expect(resolveLaunchConfig({ SCALEOUT_DATA_DIR: ' ', SCALEOUT_AGENT_PORT: '' }, userData)).toMatchObject({
      dataDir: join(userData, 'data'),
      agentPortIsDefault: true,
    });
  });

  it('refuses invalid ports and names the variable', () => {
    for (const bad of ['abc', '-1', '65536', '80.5', '1e3']) {
      expect(() => resolveLaunchConfig({ SCALEOUT_CONSOLE_PORT: bad }, userData)).toThrow(
        /SCALEOUT_CONSOLE_PORT/,
      );
    }
  });
});

describe('isAddressInUse', () => {
  it('recognises the listen error for the given port only', () => {
    const error = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 8391 });
    expect(isAddressInUse(error, 8391)).toBe(true);
    expect(isAddressInUse(error, 8390)).toBe(false);
    expect(isAddressInUse(Object.assign(new Error('x'), { code: 'EACCES', port: 8391 }), 8391)).toBe(false);
    expect(isAddressInUse('EADDRINUSE', 8391)).toBe(false);
    expect(isAddressInUse(null, 8391)).toBe(false);
  });
});

describe('parseLogLevel', () => {
  it('accepts known levels in any case and defaults to info', () => {
    expect(parseLogLevel('DEBUG')).toBe('debug');
    expect(parseLogLevel('warn')).toBe('warn');
    expect(parseLogLevel('verbose')).toBe('info');
    expect(parseLogLevel(undefined)).toBe('info');
  });
});
