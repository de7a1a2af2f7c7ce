import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Real processes for integration and end-to-end tests: the built CLI as master, workers and client. */

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(repoRoot, 'dist', 'cli.mjs');

const live = new Set<ChildProcess>();
// Whatever happens to the test run, no master or worker outlives it.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first output line matching, or rejects when the process exits first. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let text = '';
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onLine = (line: string) => {
    text += `${line}\n`;
    for (const waiter of [...waiters]) {
      const match = line.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolveExit(code);
    });
  });
  return {
    child,
    output: () => text,
    waitForLine(pattern, timeoutMs = 30_000) {
      const seen = text
        .split('\n')
        .map((l) => l.match(pattern))
        .find((m) => m);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolveLine, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms; output:\n${text}`)),
          timeoutMs,
        );
        const waiter = {
          pattern,
          resolve: (m: RegExpMatchArray) => {
            clearTimeout(timer);
            resolveLine(m);
          },
        };
        waiters.push(waiter);
        void exited.then((code) => {
          if (!waiters.includes(waiter)) return;
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before printing ${pattern}; output:\n${text}`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill(signal);
      const code = await exited;
      clearTimeout(kill);
      return code;
    },
  };
}

/** Runs a CLI command to completion. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => {
      live.delete(child);
      resolveRun({ code, stdout, stderr });
    });
  });
}

export interface MasterProcess extends Spawned {
  dataDir: string;
  consoleUrl: string;
  agentUrl: string;
  consoleToken: string;
  agentToken: string;
  /** SHA-256 of the master's CA (null with --insecure-agent-endpoint). */
  caFingerprint: string | null;
  /** Environment that points the CLI at this master. */
  cliEnv: Record<string, string>;
}

/**
 * Arguments of `scaleout master` on free loopback ports. Workers are auto-enabled (tests start
 * theirs by hand; the disabled-by-default rule has tests of its own) unless `--workers-disabled`.
 */
export function masterArgs(dataDir: string, extraArgs: string[] = []): string[] {
  return [
    'master',
    '--data-dir',
    dataDir,
    '--console-port',
    '0',
    '--agent-port',
    '0',
    '--agent-host',
    '127.0.0.1',
    ...(extraArgs.includes('--workers-disabled') ? [] : ['--auto-enable-workers']),
    ...extraArgs.filter((a) => a !== '--workers-disabled'),
  ];
}

/** Starts `scaleout master` on free loopback ports in a fresh data directory. */
export async function startMaster(
  extraArgs: string[] = [],
  dataDir = mkdtempSync(join(tmpdir(), 'scaleout-test-')),
): Promise<MasterProcess> {
  const proc = spawnCli(masterArgs(dataDir, extraArgs));
  const [, consoleUrl, consoleToken] = await proc.waitForLine(/Console:\s+(http:\/\/\S+)\/#token=(\w+)/);
  const [, agentUrl] = await proc.waitForLine(/Agents:\s+(wss?:\/\/\S+)/);
  const caFingerprint = agentUrl!.startsWith('wss:')
    ? (await proc.waitForLine(/CA fingerprint \(SHA-256\):\s+([0-9a-f]{64})/))[1]!
    : null;
  const agentToken = readFileSync(join(dataDir, 'agent.token'), 'utf8').trim();
  return {
    ...proc,
    dataDir,
    consoleUrl: consoleUrl!,
    agentUrl: agentUrl!,
    consoleToken: consoleToken!,
    agentToken,
    caFingerprint,
    cliEnv: { SCALEOUT_URL: consoleUrl!, SCALEOUT_TOKEN: consoleToken! },
  };
}

/** The master's CA file: workers on the master machine trust it directly (`--ca-file`). */
export const caFileOf = (dataDir: string) => join(dataDir, 'tls', 'ca.crt');

/** `scaleout worker` arguments for a worker on the master machine: shared token, the CA file trusted over TLS. */
export function workerArgs(
  master: Pick<MasterProcess, 'agentUrl' | 'dataDir'>,
  name: string,
  extraArgs: string[] = [],
): string[] {
  return [
    'worker',
    '--master',
    master.agentUrl,
    '--name',
    name,
    '--work-dir',
    join(master.dataDir, 'workers', name),
    ...(master.agentUrl.startsWith('wss:') ? ['--ca-file', caFileOf(master.dataDir)] : []),
    ...extraArgs,
  ];
}

/** Starts `scaleout worker` against a master and waits until it is connected. */
export async function startWorker(
  master: Pick<MasterProcess, 'agentUrl' | 'agentToken' | 'dataDir'>,
  name: string,
  extraArgs: string[] = [],
): Promise<Spawned> {
  const proc = spawnCli(workerArgs(master, name, extraArgs), { SCALEOUT_AGENT_TOKEN: master.agentToken });
  await proc.waitForLine(/connected to wss?:\/\//);
  return proc;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
