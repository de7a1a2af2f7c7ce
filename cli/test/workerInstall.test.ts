import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrolWorker } from '../../worker-agent/enrolment';
import { loadCredentials } from '../../worker-agent/credentials';
import { loadWorkerConfig } from '../../worker-agent/config/workerConfig';
import { nodeClient } from '../../e2e/harness/client';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { startTestMaster } from '../../master-core/test/masterFixture';
import { registerWorkerCommand } from '../commands/worker';
import { writeAgentStatus } from '../workerService/agentStatus';
import { registerWorkerServiceCommands } from '../workerService/commands';
import { installWorker, uninstallWorker } from '../workerService/install';
import { systemServiceHost } from '../workerService/serviceHost';
import type { ServiceHost } from '../workerService/serviceHost';
import { workerStatus } from '../workerService/status';

const UNIT = 'etc/systemd/system/scaleout-worker.service';
const CONFIG = 'etc/scaleout-worker/worker.yaml';

let master: Awaited<ReturnType<typeof startTestMaster>>;
let client: ApiClient;
const roots: string[] = [];
const newRoot = () => {
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-install-'));
  roots.push(dir);
  return dir;
};
const newToken = async () => (await client.call('worker.enrolmentToken.create', {})).token;

/** The real machine with the real enrolment, its output captured; the rest as each test needs. */
function testHost(overrides: Partial<ServiceHost> = {}): ServiceHost & { output: () => string } {
  let text = '';
  return {
    ...systemServiceHost(enrolWorker),
    out: (t: string) => (text += t),
    output: () => text,
    ...overrides,
  };
}

/** Runs `scaleout worker ...` through commander, as program.ts will register it. */
async function cli(args: string[], host: ServiceHost): Promise<void> {
  const program = new Command('scaleout')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  registerWorkerServiceCommands(registerWorkerCommand(program).exitOverride(), () => host);
  for (const sub of program.commands.flatMap((c) => c.commands)) sub.exitOverride();
  await program.parseAsync(['worker', ...args], { from: 'user' });
}

const dryInstall = (root: string, token: string, extra: string[] = []) => [
  'install',
  '--master',
  master.agentUrl,
  '--token',
  token,
  '--dry-run',
  '--root',
  root,
  ...extra,
];

beforeAll(async () => {
  master = await startTestMaster();
  client = nodeClient(master.consoleUrl, master.consoleToken);
});
afterAll(async () => {
  await master?.cleanup();
  roots.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});
afterEach(() => {
  process.exitCode = undefined;
});

describe('scaleout worker install --dry-run --root', () => {
  it('enrols, and writes the bundle, the configuration and a hardened systemd unit', async () => {
    const root = newRoot();
    const host = testHost();
    await cli(
      dryInstall(root, await newToken(), ['--name', 'edge-1', '--tags', 'linux,etl', '--max-tasks', '3']),
      host,
    );

    const unit = readFileSync(join(root, UNIT), 'utf8');
    expect(unit).toContain('User=scaleout-worker\n');
    expect(unit).toContain(
      `ExecStart=${process.execPath} /opt/scaleout-worker/scaleout-worker.mjs --config /etc/scaleout-worker/worker.yaml\n`,
    );
    for (const line of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/scaleout-worker',
      'PrivateTmp=yes',
      'Restart=on-failure',
      'RestartPreventExitStatus=2',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'WantedBy=multi-user.target',
    ]) {
      expect(unit).toContain(`${line}\n`);
    }

    const configFile = join(root, CONFIG);
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    const config = loadWorkerConfig(configFile);
    expect(config).toMatchObject({
      MasterEndpoint: master.agentUrl,
      DisplayName: 'edge-1',
      Tags: ['linux', 'etl'],
      MaxTaskCount: 3,
      WorkFolder: '/var/lib/scaleout-worker', // as the service sees it, not under the root
      CredentialFolder: '/var/lib/scaleout-worker/credentials',
      MasterCaFingerprints: [], // the pins live with the credential, where CA rotations update them
    });
    expect(existsSync(join(root, 'var/lib/scaleout-worker/credentials/key.pem'))).toBe(true);
    expect(loadCredentials(join(root, 'var/lib/scaleout-worker/credentials'))?.caFingerprints).toEqual([
      master.caFingerprint,
    ]);
    for (const file of ['scaleout-worker.mjs', 'executionHost.mjs', 'scriptHost.mjs']) {
      expect(existsSync(join(root, 'opt/scaleout-worker', file))).toBe(true);
    }
    expect(host.output()).toMatch(/would run: useradd --system .* scaleout-worker/);
    expect(host.output()).toMatch(
      /would run: systemctl daemon-reload\n.*would run: systemctl enable --now scaleout-worker.service/s,
    );
    expect(host.output()).toContain('dry run: the service manager was not touched');
  });

  it('writes a unit that systemd-analyze verify accepts', async (context) => {
    let analyze: string;
    try {
      analyze = execFileSync('which', ['systemd-analyze'], { encoding: 'utf8' }).trim();
    } catch {
      console.log('skipped: systemd-analyze is not installed here (which systemd-analyze found nothing)');
      context.skip();
      return;
    }
    const root = newRoot();
    await cli(
      dryInstall(root, await newToken(), ['--user', 'daemon', '--work-dir', '/srv/scaleout work']),
      testHost(),
    );
    const unit = readFileSync(join(root, UNIT), 'utf8');
    expect(unit).toContain('ReadWritePaths="/srv/scaleout work"\n');
    // verify reports problems on stderr and still exits 0 for most of them: no output is the pass.
    const verified = execFileSync(analyze, ['verify', join(root, UNIT)], { encoding: 'utf8', stdio: 'pipe' });
    expect(verified).toBe('');

    // With resource limits for the service (the agent and every package it runs).
    const limited = newRoot();
    await cli(
      dryInstall(limited, await newToken(), [
        '--user',
        'daemon',
        '--memory-max',
        '4G',
        '--tasks-max',
        '512',
        '--cpu-quota',
        '150',
      ]),
      testHost(),
    );
    const limitedUnit = readFileSync(join(limited, UNIT), 'utf8');
    expect(limitedUnit).toMatch(/\nMemoryMax=4G\nTasksMax=512\nCPUQuota=150%\n/);
    expect(execFileSync(analyze, ['verify', join(limited, UNIT)], { encoding: 'utf8', stdio: 'pipe' })).toBe(
      '',
    );
  });

  it('refuses a bad resource limit naming the flag, before enrolling', async () => {
    const token = await newToken();
    for (const [flags, message] of [
      [['--memory-max', '12X'], /--memory-max must be bytes with an optional K, M, G or T/],
      [['--memory-max', '1M'], /--memory-max must be at least 64M/],
      [['--tasks-max', '3'], /--tasks-max must be between 16 and/],
      [['--cpu-quota', 'lots'], /--cpu-quota must be a whole number/],
    ] as const) {
      const root = newRoot();
      await expect(cli(dryInstall(root, token, [...flags]), testHost())).rejects.toThrow(message);
      expect(existsSync(join(root, UNIT))).toBe(false);
    }
    // The token was not spent by the refused installs.
    await cli(dryInstall(newRoot(), token), testHost());
  });

  it("surfaces enrolWorker's refusals (used, unknown, malformed token; another master's CA) and writes nothing", async () => {
    const token = await newToken();
    await cli(dryInstall(newRoot(), token), testHost());
    const [prefix, , fingerprint] = token.split('.');
    const other = (bytes: number) => randomBytes(bytes).toString('base64url');
    for (const [bad, message] of [
      [token, /enrolment refused: .*used/i],
      [`${prefix}.${other(32)}.${fingerprint}`, /enrolment refused/],
      [
        `${prefix}.${other(32)}.${other(32)}`,
        /the master's CA fingerprint is [0-9a-f]{64}, but this worker pins/,
      ],
      ['not-a-token', /not an enrolment token/],
    ] as const) {
      const root = newRoot();
      await expect(cli(dryInstall(root, bad), testHost())).rejects.toThrow(message);
      expect(existsSync(join(root, UNIT))).toBe(false);
      expect(existsSync(join(root, CONFIG))).toBe(false);
    }
  });

  it('refuses before enrolling, so the token stays good: unknown user, not root, no systemd, --root without --dry-run', async () => {
    const token = await newToken();
    const flags = { master: master.agentUrl, token, tags: [], dryRun: false, root: '/' };
    await expect(cli(dryInstall(newRoot(), token, ['--user', 'no-such-user-x']), testHost())).rejects.toThrow(
      'unknown user no-such-user-x',
    );
    await expect(installWorker(flags, testHost({ euid: 1000 }))).rejects.toThrow(
      /needs root: run the same command with sudo/,
    );
    await expect(installWorker(flags, testHost({ euid: 0, systemdRunning: () => false }))).rejects.toThrow(
      /systemd is not running on this machine/,
    );
    const notDry = dryInstall(newRoot(), token).filter((a) => a !== '--dry-run');
    await expect(cli(notDry, testHost())).rejects.toThrow(/use it with --dry-run/);
    await expect(installWorker(flags, testHost({ platform: 'win32' }))).rejects.toThrow(
      /docs\/worker-install.md/,
    );
    const root = newRoot();
    await cli(dryInstall(root, token), testHost());
    expect(existsSync(join(root, UNIT))).toBe(true);
    await expect(cli(dryInstall(root, await newToken()), testHost())).rejects.toThrow(/already installed/);
  });

  it('writes a launchd daemon on macOS', async () => {
    const root = newRoot();
    const host = testHost({ platform: 'darwin' });
    await installWorker(
      { master: master.agentUrl, token: await newToken(), tags: [], user: 'daemon', dryRun: true, root },
      host,
    );
    const plist = readFileSync(join(root, 'Library/LaunchDaemons/com.scaleout.worker.plist'), 'utf8');
    expect(plist).toContain('<key>UserName</key>\n  <string>daemon</string>');
    expect(plist).toContain('<string>/usr/local/lib/scaleout-worker/scaleout-worker.mjs</string>');
    expect(plist).toContain('<string>/usr/local/etc/scaleout-worker/worker.yaml</string>');
    expect(host.output()).toContain(
      'would run: launchctl bootstrap system /Library/LaunchDaemons/com.scaleout.worker.plist',
    );
    expect(loadWorkerConfig(join(root, 'usr/local/etc/scaleout-worker/worker.yaml')).WorkFolder).toBe(
      '/usr/local/var/scaleout-worker',
    );
  });
});

describe('install and uninstall for real, on a machine the test plays', () => {
  /** systemd as far as the commands go: records them; `enable --now` "starts" the worker. */
  function playedHost(root: string, failing?: string) {
    const commands: string[] = [];
    const host = testHost({
      euid: 0,
      systemdRunning: () => true,
      hasCommand: () => true,
      connectWaitMs: 5_000,
      run: async (command) => {
        commands.push(command.join(' '));
        if (command[0] === 'id') return { code: 1, stdout: '', stderr: 'no such user' };
        if (failing && command.join(' ').startsWith(failing))
          return { code: 1, stdout: '', stderr: 'Access denied' };
        if (command.join(' ') === 'systemctl enable --now scaleout-worker.service') {
          const status = { pid: process.pid, workerId: 'w', name: 'edge-3', masterUrl: master.agentUrl };
          writeAgentStatus(join(root, 'var/lib/scaleout-worker'), {
            ...status,
            connected: true,
            since: 'now',
            stopped: false,
          });
        }
        return { code: 0, stdout: '', stderr: '' };
      },
    });
    return Object.assign(host, { commands });
  }

  it('creates the account, hands it its files, starts the service and shows it connected', async () => {
    const root = newRoot();
    const host = playedHost(root);
    await installWorker(
      { master: master.agentUrl, token: await newToken(), tags: [], dryRun: false, root },
      host,
    );
    expect(host.commands).toEqual([
      'id -u scaleout-worker',
      'useradd --system --user-group --home-dir /var/lib/scaleout-worker --no-create-home --shell /usr/sbin/nologin scaleout-worker',
      `chown -R scaleout-worker ${root}/var/lib/scaleout-worker`,
      `chown -R scaleout-worker ${root}/etc/scaleout-worker/worker.yaml`,
      'systemctl daemon-reload',
      'systemctl enable --now scaleout-worker.service',
    ]);
    expect(host.output()).toMatch(/connection +connected to wss:\/\/127\.0\.0\.1:\d+ since now/);

    const removal = playedHost(root);
    await uninstallWorker({ purge: false, dryRun: false, root }, removal);
    expect(removal.commands).toEqual([
      'systemctl disable --now scaleout-worker.service',
      'systemctl daemon-reload',
    ]);
    expect(removal.output()).toMatch(/scaleout workers revoke \S+/);
  });

  it('stops at a failing command and says which', async () => {
    const root = newRoot();
    const host = playedHost(root, 'systemctl enable');
    await expect(
      installWorker(
        { master: master.agentUrl, token: await newToken(), tags: [], dryRun: false, root },
        host,
      ),
    ).rejects.toThrow('systemctl enable --now scaleout-worker.service failed (exit 1): Access denied');
  });
});

describe('scaleout worker status and uninstall', () => {
  it('status reads the configuration and the status the worker keeps', async () => {
    const root = newRoot();
    await cli(dryInstall(root, await newToken(), ['--name', 'edge-2']), testHost());
    const host = testHost();
    await cli(['status', '--root', root], host);
    expect(process.exitCode).toBe(1);
    expect(host.output()).toMatch(/service +systemd: not asked \(--root\)/);
    expect(host.output()).toMatch(/worker +edge-2 \([0-9a-f-]{36}\)/);
    expect(host.output()).toMatch(/connection +unknown/);
    expect(host.output()).toContain(`master CA    ${master.caFingerprint}\n`);
    const status = {
      pid: process.pid,
      workerId: 'w',
      name: 'edge-2',
      masterUrl: master.agentUrl,
      stopped: false,
    };
    writeAgentStatus(join(root, 'var/lib/scaleout-worker'), { ...status, connected: true, since: 'now' });
    expect(await workerStatus({ root }, host)).toBe(true);
    expect(host.output()).toContain(`connected to ${master.agentUrl} since now`);
  });

  it('uninstall removes the unit and the bundle, keeps the work folder unless --purge', async () => {
    const root = newRoot();
    await cli(dryInstall(root, await newToken()), testHost());
    const host = testHost();
    await cli(['uninstall', '--dry-run', '--root', root], host);
    expect(host.output()).toContain('would run: systemctl disable --now scaleout-worker.service');
    expect(existsSync(join(root, UNIT))).toBe(false);
    expect(existsSync(join(root, 'opt/scaleout-worker'))).toBe(false);
    expect(existsSync(join(root, CONFIG))).toBe(true);
    expect(existsSync(join(root, 'var/lib/scaleout-worker/credentials'))).toBe(true);
    await uninstallWorker({ purge: true, dryRun: true, root }, host);
    expect(existsSync(join(root, CONFIG))).toBe(false);
    expect(existsSync(join(root, 'etc/scaleout-worker'))).toBe(false);
    expect(existsSync(join(root, 'var/lib/scaleout-worker'))).toBe(false);
    await expect(uninstallWorker({ purge: false, dryRun: true, root }, host)).rejects.toThrow(
      /no worker is installed/,
    );
  });

  it("the subcommands' options are theirs, not those of `scaleout worker`", async () => {
    const root = newRoot();
    // --name and --tags exist on `worker` too: after `install` they are install's.
    await cli([...dryInstall(root, await newToken()), '--name', 'mine', '--tags', 'a'], testHost());
    expect(loadWorkerConfig(join(root, CONFIG))).toMatchObject({ DisplayName: 'mine', Tags: ['a'] });
  });
});
