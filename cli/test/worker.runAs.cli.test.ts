import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../e2e/harness/processes';

/** `scaleout worker --run-as-user NAME` reaches the agent, which refuses a user it cannot use, naming why. */
const workDir = mkdtempSync(join(tmpdir(), 'scaleout-runas-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const worker = (user: string) =>
  runCli(
    [
      'worker',
      '--master',
      'wss://127.0.0.1:1',
      '--work-dir',
      workDir,
      '--ca-fingerprint',
      'a'.repeat(64),
      '--run-as-user',
      user,
    ],
    { SCALEOUT_AGENT_TOKEN: 'x' },
  );

describe('scaleout worker --run-as-user', () => {
  it('refuses root and an unknown user with exit code 2 and the reason', async () => {
    const root = await worker('root');
    expect(root.code).toBe(2);
    expect(root.stderr).toMatch(
      /runAsUser: root is root \(uid 0\); name an unprivileged user|cannot switch users|not supported on Windows/,
    );
    const unknown = await worker('no-such-user-here');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /there is no user no-such-user-here|cannot switch users|not supported on Windows/,
    );
  });
});
