import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, removeDir, repoRoot, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess } from '../../e2e/harness/processes';

const PASSWORD = 'a long enough password';

/** A `scaleout` process with something on its standard input (passwords are read from there). */
function cli(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, SCALEOUT_URL: '', SCALEOUT_TOKEN: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Users, login, tokens, permissions and audit from the command line, against a real `scaleout master`. */
describe('scaleout users, login, tokens, permissions and audit', () => {
  let master: MasterProcess;
  const admin = (args: string[], stdin = '') => cli(args, master.cliEnv, stdin);

  beforeAll(async () => {
    master = await startMaster(['--insecure-agent-endpoint', '--sample']);
  }, 60_000);
  afterAll(async () => {
    await master?.stop();
    if (master) removeDir(master.dataDir);
  });

  it('creates a user with the password from stdin, logs in, and uses the session token', async () => {
    const created = await admin(
      ['users', 'create', 'olga', '--role', 'executor', '--description', 'ops'],
      `${PASSWORD}\n`,
    );
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/olga\s+executor\s+enabled/);

    const noPassword = await admin(['users', 'create', 'nopw', '--role', 'viewer']);
    expect(noPassword.code).toBe(2);
    expect(noPassword.stderr).toContain('no password on standard input [password]');

    const badRole = await admin(['users', 'create', 'x', '--role', 'root'], PASSWORD);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toContain('--role must be one of admin, executor, viewer (got "root")');

    const url = master.consoleUrl;
    const login = await cli(['login', '--user', 'olga', '--url', url], {}, `${PASSWORD}\n`);
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/logged in as olga \(executor\); the session ends at /);
    const token = login.stdout.trim();
    expect(token).toMatch(/^sot_[0-9a-f]{12}_/);

    const me = await cli(['whoami'], { SCALEOUT_URL: url, SCALEOUT_TOKEN: token });
    expect(me.stdout).toContain('olga (executor, session credential)');
    const folders = await cli(['workers', 'list'], { SCALEOUT_URL: url, SCALEOUT_TOKEN: token });
    expect(folders.code).toBe(0);

    const refused = await cli(['users', 'list'], { SCALEOUT_URL: url, SCALEOUT_TOKEN: token });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('user.list needs the admin role; olga is executor');

    const wrong = await cli(['login', '--user', 'olga', '--url', url], {}, 'not the password\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('the user name or password is wrong');

    expect((await cli(['logout'], { SCALEOUT_URL: url, SCALEOUT_TOKEN: token })).code).toBe(0);
    const after = await cli(['whoami'], { SCALEOUT_URL: url, SCALEOUT_TOKEN: token });
    expect(after.stderr).toMatch(/was revoked/);
  });

  it('creates, lists and revokes API tokens; sets users and permissions; shows the audit', async () => {
    const created = await admin([
      'tokens',
      'create',
      '--name',
      'nightly',
      '--user',
      'olga',
      '--expires-days',
      '7',
    ]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    const tokenId = /^token ([0-9a-f]{12}) for olga/.exec(created.stderr)![1]!;
    const env = { SCALEOUT_URL: master.consoleUrl, SCALEOUT_TOKEN: token };
    expect((await cli(['whoami'], env)).stdout).toContain('olga (executor, api credential)');

    const listed = await admin(['tokens', 'list', '--user', 'olga']);
    expect(listed.stdout).toMatch(new RegExp(`${tokenId}\\s+olga\\s+api\\s+nightly\\s+active`));
    expect(listed.stdout).not.toContain(token);

    expect((await admin(['permissions', 'set', 'Samples', 'olga', '--read', '--modify'])).code).toBe(0);
    expect((await admin(['permissions', 'list'])).stdout).toMatch(/Samples\s+olga\s+true\s+false\s+true/);
    expect((await cli(['whoami'], env)).stdout).toContain('Samples: read, modify');

    const disabled = await admin(['users', 'set', 'olga', '--disable']);
    expect(disabled.stdout).toMatch(/olga\s+executor\s+disabled/);
    expect((await cli(['whoami'], env)).stderr).toContain('user olga is disabled');
    await admin(['users', 'set', 'olga', '--enable', '--role', 'viewer']);
    expect((await cli(['whoami'], env)).stdout).toContain('olga (viewer, api credential)');

    expect((await admin(['tokens', 'revoke', tokenId])).stdout).toContain(`revoked token ${tokenId}`);
    expect((await cli(['whoami'], env)).code).toBe(2);

    const audit = await admin(['audit', '--user', 'olga']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/olga\s+auth\.login\s+userName=olga\s+failed/);
    expect(audit.stdout).toMatch(/olga\s+user\.list\s+refused/);
    const byConsole = await admin(['audit', '--method', 'token.revoke', '--since', '2000-01-01']);
    expect(byConsole.stdout).toMatch(new RegExp(`console\\s+token\\.revoke\\s+tokenId=${tokenId}\\s+ok`));
    expect((await admin(['audit', '--since', 'yesterday'])).stderr).toContain(
      '--since must be an ISO 8601 time',
    );

    expect((await admin(['users', 'delete', 'olga'])).stdout).toContain('deleted user olga');
    expect((await admin(['users', 'list'])).stdout).not.toContain('olga');
  });
});
