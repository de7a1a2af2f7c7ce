// Isolation of packages on a worker, end to end: a real master, a real agent (in this process, so
// the test owns its environment and knows its pid), real execution hosts and real programs run by
// Execute Process tasks. A package sees an allow-listed environment (never the agent's token or
// other variables of its parent), runs in its own working directory, which is removed afterwards,
// and, with a run-as user, cannot read the agent's credential files, the master's secrets on the
// same machine, or the agent's own environment through /proc.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../agent';
import { saveCredentials } from '../credentials';
import { resolveRunAsUser } from '../runAs';
import type { ApiClient } from '../../master-core/protocol/apiClient';
import { terminalStatuses } from '../../master-core/protocol/codes';
import { ProjectBundle } from '../../master-core/protocol/packageFormat';
import { nodeClient, waitForExecution } from '../../e2e/harness/client';
import { caFileOf, removeDir, startMaster } from '../../e2e/harness/processes';
import type { MasterProcess } from '../../e2e/harness/processes';
import { realHost } from './fixtures/hostTestKit';

const PARENT_SECRET = 'parent-env-secret-5e2b';
const KEY_TEXT = 'PRIVATE-KEY-BYTES-9c1d';
const TOKEN_TEXT = 'agent-token-file-3f7a';

/** Why the run-as tests cannot run here, or null when they can (Linux, as root, a `nobody` user). */
function runAsUnavailable(): string | null {
  if (process.platform !== 'linux') return `run-as user tests need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'run-as user tests need the test to run as root (to switch users)';
  try {
    resolveRunAsUser('nobody');
  } catch (error) {
    return `run-as user tests need a "nobody" user: ${(error as Error).message}`;
  }
  // The execution host runs as that user: it must reach the checkout's bundle and node_modules. A
  // checkout inside a folder other users cannot enter (CI clones into a 0700 mktemp folder) cannot.
  for (let dir = dirname(realHost); dir !== dirname(dir); dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0)
      return `run-as user tests need the checkout reachable by other users, but ${dir} is mode ${(statSync(dir).mode & 0o777).toString(8)} (no o+x)`;
  }
  return null;
}
const skipRunAs = runAsUnavailable();
if (skipRunAs) console.log(`skipped: ${skipRunAs}`);

/** What a package tries, each printed on its own line as NAME=RESULT so the messages can be read back. */
function probes(
  paths: { key: string; tokenFile: string; masterToken: string; catalogKey: string },
  agentPid: number,
) {
  const tryRead = (label: string, file: string) =>
    `if cat '${file}' >/dev/null 2>&1; then echo "${label}=READ"; else echo "${label}=DENIED"; fi`;
  return [
    'echo "ENV-BEGIN"; env | sed "s/=.*//" | sort | tr "\\n" " "; echo; echo "ENV-END"',
    'echo "PWD=$(pwd)"',
    'echo "UID=$(id -u)"',
    'echo "stray" > scratch.txt; echo "SCRATCH=$(cat scratch.txt)"',
    tryRead('KEY', paths.key),
    tryRead('TOKENFILE', paths.tokenFile),
    tryRead('MASTERTOKEN', paths.masterToken),
    tryRead('CATALOGKEY', paths.catalogKey),
    // The agent's environment as it was started (a token passed in SCALEOUT_AGENT_TOKEN is there).
    tryRead('PROCENV', `/proc/${agentPid}/environ`),
    `if ls '${paths.key.replace(/\/key\.pem$/, '')}' >/dev/null 2>&1; then echo "CREDDIR=LISTED"; else echo "CREDDIR=DENIED"; fi`,
  ].join('; ');
}

describe('isolation of packages on a worker', () => {
  let master: MasterProcess;
  let client: ApiClient;
  let root: string;
  const saved = { ...process.env };
  const agents: ReturnType<typeof createAgent>[] = [];

  beforeAll(async () => {
    // A parent environment holding the agent's token and something else of its own.
    process.env.SCALEOUT_AGENT_TOKEN = 'will-be-the-real-token';
    process.env.PARENT_SECRET = PARENT_SECRET;
    process.env.SCALEOUT_TOKEN = 'console-token-of-the-parent';
    master = await startMaster();
    process.env.SCALEOUT_AGENT_TOKEN = master.agentToken;
    client = nodeClient(master.consoleUrl, master.consoleToken);
    // Work directories under a folder others may pass through (mkdtemp makes 0700 folders).
    root = mkdtempSync(join(tmpdir(), 'scaleout-isolation-'));
    chmodSync(root, 0o755);
    await client.call('folder.create', { name: 'Iso', description: '' });
  });
  afterAll(async () => {
    for (const agent of agents) await agent.stop(1_000);
    await master?.stop();
    if (master) removeDir(master.dataDir);
    if (root) rmSync(root, { recursive: true, force: true });
    for (const name of ['SCALEOUT_AGENT_TOKEN', 'PARENT_SECRET', 'SCALEOUT_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  /** An agent with credential files as enrolment leaves them, plus a token file; returns their paths. */
  async function startAgent(name: string, runAsUser?: string) {
    const workDir = join(root, name);
    mkdirSync(workDir, { recursive: true });
    // The key and certificate as enrolment writes them (0700 folder, 0600 files). No identity.json:
    // this agent authenticates with the shared token, so it does not present them.
    saveCredentials(join(workDir, 'credentials'), {
      workerId: 'unused',
      name,
      tags: [],
      masterUrl: master.agentUrl,
      caFingerprints: ['0'.repeat(64)],
      enrolledAt: new Date().toISOString(),
      keyPem: KEY_TEXT,
      certPem: 'CERT',
      caPems: ['CA'],
    });
    rmSync(join(workDir, 'credentials', 'identity.json'));
    const tokenFile = join(workDir, 'agent.token');
    writeFileSync(tokenFile, `${TOKEN_TEXT}\n`, { mode: 0o600 });
    const agent = createAgent({
      masterUrl: master.agentUrl,
      token: master.agentToken,
      caFile: caFileOf(master.dataDir),
      name,
      tags: [name],
      maxTasks: 1,
      workDir,
      hostEntry: realHost,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      ...(runAsUser ? { runAsUser } : {}),
    });
    agents.push(agent);
    const deadline = Date.now() + 15_000;
    while (!agent.isConnected() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(agent.isConnected()).toBe(true);
    return {
      workDir,
      paths: {
        key: join(workDir, 'credentials', 'key.pem'),
        tokenFile,
        masterToken: join(master.dataDir, 'agent.token'),
        catalogKey: join(master.dataDir, 'catalog.key'),
      },
    };
  }

  /** Deploys and runs a package of one Execute Process task on the worker tagged `tag`; its messages. */
  async function runProbes(project: string, tag: string, command: string) {
    await client.call('project.deploy', {
      folderName: 'Iso',
      bundle: ProjectBundle.parse({
        project: { name: project },
        packages: [
          {
            name: 'Probe',
            tasks: [{ name: 'Probe', type: 'executeProcess', executable: 'sh', arguments: ['-c', command] }],
          },
        ],
      }),
    });
    const { executionId } = await client.call('execution.create', {
      folderName: 'Iso',
      projectName: project,
      packageName: 'Probe',
      targeting: { kind: 'tags', tags: [tag] },
    });
    const execution = await waitForExecution(client, executionId, (e) => terminalStatuses.has(e.status));
    const { messages } = await client.call('execution.messages', { executionId, limit: 10_000 });
    const text = messages.map((m) => m.message).join('\n');
    const value = (label: string) => new RegExp(`^${label}=(.*)$`, 'm').exec(text)?.[1];
    const envNames = /ENV-BEGIN\n(.*)\nENV-END/.exec(text)?.[1]?.trim().split(/\s+/) ?? [];
    return { execution, text, value, envNames };
  }

  it('without a run-as user: a clean environment, its own working directory, removed afterwards', async () => {
    const { workDir, paths } = await startAgent('plain');
    const result = await runProbes('PlainProbe', 'plain', probes(paths, process.pid));
    expect(result.text).toContain('ENV-BEGIN');
    expect(result.envNames).toContain('PATH');
    expect(result.envNames).not.toContain('SCALEOUT_AGENT_TOKEN');
    expect(result.envNames).not.toContain('SCALEOUT_TOKEN');
    expect(result.envNames).not.toContain('PARENT_SECRET');
    expect(result.text).not.toContain(PARENT_SECRET);
    expect(result.text).not.toContain(master.agentToken);
    // Its own directory below <workDir>/attempts, away from the credentials.
    expect(result.value('PWD')).toMatch(new RegExp(`^${workDir}/attempts/[0-9a-f-]{36}$`));
    // The credential files are owner-only, outside every attempt's directory.
    expect(statSync(join(workDir, 'credentials')).mode & 0o777).toBe(0o700);
    for (const file of ['key.pem', 'cert.pem', 'ca.pem']) {
      expect(statSync(join(workDir, 'credentials', file)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(workDir, 'attempts')).mode & 0o077).toBe(0o011);
    // The attempt's directory (and the file the package left in it) is gone once the attempt ended.
    const deadline = Date.now() + 5_000;
    while (readdirSync(join(workDir, 'attempts')).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(join(workDir, 'attempts'))).toEqual([]);
  });

  it.skipIf(skipRunAs !== null)(
    'with a run-as user: the package cannot read the credential files, the master’s secrets or the agent’s environment',
    async () => {
      const nobody = resolveRunAsUser('nobody');
      const { workDir, paths } = await startAgent('confined', 'nobody');
      const result = await runProbes('ConfinedProbe', 'confined', probes(paths, process.pid));
      expect(result.value('UID')).toBe(String(nobody.uid));
      expect(result.value('PWD')).toMatch(new RegExp(`^${workDir}/attempts/[0-9a-f-]{36}$`));
      expect(result.value('KEY')).toBe('DENIED');
      expect(result.value('TOKENFILE')).toBe('DENIED');
      expect(result.value('MASTERTOKEN')).toBe('DENIED');
      expect(result.value('CATALOGKEY')).toBe('DENIED');
      expect(result.value('PROCENV')).toBe('DENIED');
      expect(result.value('CREDDIR')).toBe('DENIED');
      expect(result.envNames).not.toContain('SCALEOUT_AGENT_TOKEN');
      expect(result.envNames).not.toContain('PARENT_SECRET');
      for (const secret of [KEY_TEXT, TOKEN_TEXT, master.agentToken, PARENT_SECRET]) {
        expect(result.text).not.toContain(secret);
      }
      // It could write its own scratch file (the directory is its own), and it is gone now.
      expect(result.value('SCRATCH')).toBe('stray');
      expect(result.execution.status).toBe(7);
      const deadline = Date.now() + 5_000;
      while (readdirSync(join(workDir, 'attempts')).length > 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(readdirSync(join(workDir, 'attempts'))).toEqual([]);
    },
  );

  it.skipIf(skipRunAs !== null)(
    'the same probes as the agent’s own user can read them: the gap run-as closes',
    async () => {
      // Documents why run-as exists (docs/security.md): same user, same files. Not a guarantee.
      const { paths } = await startAgent('sameuser');
      const result = await runProbes('SameUserProbe', 'sameuser', probes(paths, process.pid));
      expect(result.value('KEY')).toBe('READ');
      expect(result.value('PROCENV')).toBe('READ');
    },
  );

  it('refuses a run-as user it cannot use, saying why', () => {
    expect(() => resolveRunAsUser('no-such-user-s3')).toThrow(/there is no user no-such-user-s3/);
    expect(() => resolveRunAsUser('root', { agentUid: 0 })).toThrow(/is root/);
    expect(() => resolveRunAsUser('x', { platform: 'win32' })).toThrow(/not supported on Windows/);
    expect(() => resolveRunAsUser('bad name;rm')).toThrow(/is not a user name/);
    if (!skipRunAs)
      expect(() => resolveRunAsUser('nobody', { agentUid: 1000 })).toThrow(/cannot switch users/);
    expect(existsSync(realHost)).toBe(true);
    expect(execFileSync('id', ['-u'], { encoding: 'utf8' }).trim()).toMatch(/^\d+$/);
  });
});
