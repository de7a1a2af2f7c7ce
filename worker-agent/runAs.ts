/**
 * Run-as user (Linux and macOS): execution hosts, and every process their tasks start, run as
 * another, unprivileged OS user instead of the agent's. The agent's own files (its key and
 * certificate in `<work-dir>/credentials/`, 0700/0600; a token file; the master's data directory
 * on the master machine) then stay out of a package's reach whatever the package runs, an Execute
 * Process task included: the kernel refuses the read. The attempt's working directory is made
 * over to that user (0700) so the package can write there.
 *
 * The agent must be able to switch users: it runs as root (or with CAP_SETUID and CAP_SETGID).
 * The user's supplementary groups are dropped (libuv does so whenever a uid or gid is given), and
 * HOME, USER and LOGNAME are the user's. Without a run-as user, a package runs as the agent's user
 * and can read whatever that user can: docs/security.md says what that means.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, readFileSync } from 'node:fs';

export interface RunAsUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** One line of `getent passwd` (or /etc/passwd): name:x:uid:gid:gecos:home:shell. */
function passwdEntry(name: string): string | undefined {
  try {
    return execFileSync('getent', ['passwd', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .find((line) => line.startsWith(`${name}:`));
  } catch {
    // No getent (macOS, minimal images) or no such user: the file is the last word.
    try {
      return readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((line) => line.startsWith(`${name}:`));
    } catch {
      return undefined;
    }
  }
}

/**
 * Looks the user up and checks this agent can switch to it. Throws an error an operator can act
 * on: the platform, a missing user, root as the target, or an agent that is not root.
 */
export function resolveRunAsUser(
  name: string,
  env: { platform?: NodeJS.Platform; agentUid?: number | undefined } = {},
): RunAsUser {
  const platform = env.platform ?? process.platform;
  if (platform === 'win32') {
    throw new Error(
      'runAsUser is not supported on Windows: run the agent service as the account packages may use',
    );
  }
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(name) || name.length > 64) {
    throw new Error(`runAsUser ${JSON.stringify(name)} is not a user name`);
  }
  const entry = passwdEntry(name);
  if (!entry) throw new Error(`runAsUser: there is no user ${name} on this machine`);
  const [, , uidText, gidText, , home] = entry.split(':');
  const uid = Number(uidText);
  const gid = Number(gidText);
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error(`runAsUser: cannot read ${name}'s uid and gid`);
  if (uid === 0) throw new Error(`runAsUser: ${name} is root (uid 0); name an unprivileged user`);
  const agentUid = 'agentUid' in env ? env.agentUid : process.getuid?.();
  if (agentUid !== 0) {
    throw new Error(
      `runAsUser ${name}: the agent runs as uid ${agentUid ?? 'unknown'} and cannot switch users; run it as root (it starts packages as ${name})`,
    );
  }
  return { name, uid, gid, home: home || '/' };
}

/** The identity a host process is started with, and the environment entries that go with it. */
export function runAsSpawnOptions(user: RunAsUser): {
  uid: number;
  gid: number;
  env: Record<string, string>;
} {
  return { uid: user.uid, gid: user.gid, env: { HOME: user.home, USER: user.name, LOGNAME: user.name } };
}

/** Makes an attempt's working directory over to the run-as user, owner-only. */
export function handOver(dir: string, user: RunAsUser): void {
  chownSync(dir, user.uid, user.gid);
  chmodSync(dir, 0o700);
}
