import { describe, expect, it } from 'vitest';
import { launchdPlist, rooted, servicePaths, systemdUnit, unrooted } from './serviceFiles';
import { parseLaunchctlPrint, parseSystemdShow, serviceManager } from './serviceManager';

describe('service files', () => {
  it('puts system paths under --root and takes them back out', () => {
    expect(rooted('/', '/etc/x')).toBe('/etc/x');
    expect(rooted('/tmp/r', '/etc/x')).toBe('/tmp/r/etc/x');
    expect(unrooted('/tmp/r', '/tmp/r/var/lib/w/credentials')).toBe('/var/lib/w/credentials');
    expect(unrooted('/tmp/r', '/elsewhere/c')).toBe('/elsewhere/c');
    expect(unrooted('/', '/var/lib/w')).toBe('/var/lib/w');
  });

  it('quotes unit words that hold spaces, and lists extra writable folders', () => {
    const unit = systemdUnit({
      user: 'w',
      nodePath: '/opt/node 20/bin/node',
      paths: servicePaths('linux', '/srv/work dir'),
      extraWritable: ['/srv/creds'],
    });
    expect(unit).toContain(
      'ExecStart="/opt/node 20/bin/node" /opt/scaleout-worker/scaleout-worker.mjs --config',
    );
    expect(unit).toContain('ReadWritePaths="/srv/work dir" /srv/creds\n');
    expect(unit).not.toContain('MemoryDenyWriteExecute=yes');
  });

  it('escapes the plist', () => {
    const plist = launchdPlist({
      user: 'a&b',
      nodePath: '/usr/local/bin/node',
      paths: servicePaths('darwin'),
    });
    expect(plist).toContain('<string>a&amp;b</string>');
    expect(plist).toContain('<string>/usr/local/var/log/scaleout-worker/worker.log</string>');
  });
});

describe('service manager', () => {
  it('reads systemctl show', () => {
    expect(
      parseSystemdShow(
        'LoadState=loaded\nActiveState=active\nSubState=running\nMainPID=42\nExecMainStatus=0\n',
      ),
    ).toEqual({ loaded: true, running: true, pid: 42, summary: 'active (running)' });
    expect(
      parseSystemdShow(
        'LoadState=loaded\nActiveState=failed\nSubState=failed\nMainPID=0\nExecMainStatus=2\n',
      ),
    ).toEqual({
      loaded: true,
      running: false,
      pid: null,
      summary: 'failed (failed), last exit code 2',
    });
    expect(parseSystemdShow('LoadState=not-found\nActiveState=inactive\n').summary).toBe(
      'not loaded (not-found)',
    );
  });

  it('reads launchctl print', () => {
    const running = 'system/com.scaleout.worker = {\n\tactive count = 1\n\tstate = running\n\tpid = 812\n}';
    expect(parseLaunchctlPrint(running)).toEqual({
      loaded: true,
      running: true,
      pid: 812,
      summary: 'running',
    });
    expect(parseLaunchctlPrint('\tstate = not running\n\tlast exit code = 2\n').summary).toBe(
      'not running, last exit code 2',
    );
    expect(parseLaunchctlPrint('Could not find service').loaded).toBe(false);
  });

  it('names the commands for each platform', () => {
    const linux = serviceManager('linux', servicePaths('linux'));
    expect(linux.installCommands()).toEqual([
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'scaleout-worker.service'],
    ]);
    expect(linux.logCommand(5, true)).toContain('--follow');
    const mac = serviceManager('darwin', servicePaths('darwin'));
    expect(mac.stopCommands()).toEqual([['launchctl', 'bootout', 'system/com.scaleout.worker']]);
    expect(mac.logCommand(5, false)).toEqual([
      'tail',
      '-n',
      '5',
      '/usr/local/var/log/scaleout-worker/worker.log',
    ]);
  });
});
