import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, repoRoot, runCli } from '../e2e/harness/processes';
import { startTestMaster } from '../master-core/test/masterFixture';
import { readAgentStatus } from '../cli/workerService/agentStatus';
import { nodeClient } from '../e2e/harness/client';
import { loadWorkerConfig, saveWorkerConfig, updateWorkerConfig } from '../worker-agent/config/workerConfig';

const BUNDLE = ['scaleout-worker.mjs', 'executionHost.mjs', 'scriptHost.mjs'];

/** The packages every bundle file imports at its top: only Node's built-ins may remain. */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]!);
}

/** Every node_modules folder Node would search from `dir` upwards. */
function nodeModulesAbove(dir: string): string[] {
  const found: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (d === parse(d).root) return found;
  }
}

/** The bundled worker as a process, with a wait for a line of its output (never a sleep). */
function startBundledWorker(bundleDir: string, config: string) {
  const env = { ...process.env };
  delete env.SCALEOUT_AGENT_TOKEN;
  delete env.NODE_PATH;
  const child: ChildProcess = spawn(
    process.execPath,
    [join(bundleDir, 'scaleout-worker.mjs'), '--config', config],
    {
      cwd: bundleDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const waiters = new Set<() => void>();
  const onLine = (line: string) => {
    output += `${line}\n`;
    waiters.forEach((w) => w());
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern: RegExp): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in:\n${output}`)), 30_000);
        waiters.add(check);
        void exited.then(
          () => waiters.has(check) && reject(new Error(`exited before ${pattern}:\n${output}`)),
        );
        check();
      });
    },
  };
}

describe('the single-file worker bundle', () => {
  let master: Awaited<ReturnType<typeof startTestMaster>>;
  let cliEnv: Record<string, string>;
  let dir: string;
  let bundleDir: string;
  let configFile: string;
  let worker: ReturnType<typeof startBundledWorker>;

  beforeAll(async () => {
    // As installed: TLS on the agent endpoint, this worker enrolled with a one-time token.
    master = await startTestMaster();
    cliEnv = { SCALEOUT_URL: master.consoleUrl, SCALEOUT_TOKEN: master.consoleToken };
    dir = mkdtempSync(join(tmpdir(), 'scaleout-bundle-'));
    bundleDir = join(dir, 'bundle');
    mkdirSync(bundleDir);
    for (const file of BUNDLE) copyFileSync(join(repoRoot, 'dist', 'worker', file), join(bundleDir, file));
    const { token } = await nodeClient(master.consoleUrl, master.consoleToken).call(
      'worker.enrolmentToken.create',
      {},
    );
    configFile = join(dir, 'etc', 'worker.yaml');
    const enrol = [
      join(bundleDir, 'scaleout-worker.mjs'),
      'enrol',
      '--master',
      master.agentUrl,
      '--token',
      token,
    ];
    const enrolled = await runNode([
      ...enrol,
      '--config',
      configFile,
      '--work-dir',
      join(dir, 'work'),
      '--name',
      'bundled',
      '--tags',
      'bundle',
      '--max-tasks',
      '2',
    ]);
    expect(enrolled.stderr).toBe('');
    expect(enrolled.stdout).toContain(
      `run it with: ${process.execPath} ${join(bundleDir, 'scaleout-worker.mjs')} --config ${configFile}`,
    );
    for (const project of ['samples/HelloScaleOut', 'samples/Etl']) {
      const deployed = await runCli(['deploy', project, '--folder', 'Samples'], cliEnv);
      expect(deployed.stderr).toBe('');
    }
  });

  afterAll(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    await master?.cleanup();
    if (dir) removeDir(dir);
  });

  it('enrols itself: the configuration names the credential and pins the master', () => {
    expect(loadWorkerConfig(configFile)).toMatchObject({
      MasterEndpoint: master.agentUrl,
      DisplayName: 'bundled',
      Tags: ['bundle'],
      MaxTaskCount: 2,
      WorkFolder: join(dir, 'work'),
      CredentialFolder: join(dir, 'work', 'credentials'),
      MasterCaFingerprints: [],
    });
  });

  it('imports nothing but Node built-ins, and the copy has no node_modules to fall back on', () => {
    for (const file of BUNDLE) {
      expect(importedPackages(join(bundleDir, file)).filter((p) => !p.startsWith('node:'))).toEqual([]);
    }
    expect(nodeModulesAbove(bundleDir)).toEqual([]);
  });

  it('runs from a folder of its own: a package with a Script task and an Execute Process task succeeds', async () => {
    worker = startBundledWorker(bundleDir, configFile);
    await worker.waitFor(/connected to wss:\/\/127\.0\.0\.1:\d+ as bundled/);
    const run = await runCli(
      ['run', 'Samples/HelloScaleOut/Hello', '--param', 'Count=2', '--tag', 'bundle', '--wait'],
      cliEnv,
    );
    expect(run.stdout).toMatch(/message ready: Hello from Scale Out/); // the Script task
    expect(run.stdout).toMatch(/1\/2 Hello from Scale Out/); // the Execute Process task
    expect(run.code).toBe(0);
    expect(readAgentStatus(join(dir, 'work'))).toMatchObject({
      connected: true,
      name: 'bundled',
      stopped: false,
    });
  });

  it('says how to add sqlite3 when a package opens a SQLite connection, and uses it once it is there', async () => {
    const failed = await runCli(['run', 'Samples/Etl/LoadSales', '--wait'], cliEnv);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`run "npm install sqlite3@6" in ${bundleDir}`);
    // What `npm install sqlite3` beside the bundle gives, without the network: the addon is found.
    mkdirSync(join(bundleDir, 'node_modules'));
    symlinkSync(join(repoRoot, 'node_modules', 'sqlite3'), join(bundleDir, 'node_modules', 'sqlite3'), 'dir');
    const succeeded = await runCli(['run', 'Samples/Etl/LoadSales', '--wait'], cliEnv);
    expect(succeeded.code).toBe(0);
  });

  it('reloads its configuration on SIGHUP, keeps it when the file is bad, and stops cleanly', async () => {
    updateWorkerConfig(configFile, { MaxTaskCount: 3, LogLevel: 'debug' });
    worker.child.kill('SIGHUP');
    await worker.waitFor(/configuration reloaded: logLevel apply when the service restarts/);
    expect(worker.output()).toMatch(/configuration reloaded: now \{"tags".*"maxTasks":3/);
    // Live: the agent renews its connection, and the master sees the new max tasks.
    const client = nodeClient(master.consoleUrl, master.consoleToken);
    await expect
      .poll(async () => (await client.call('worker.list', {})).workers.map((w) => w.maxTasks), {
        timeout: 15_000,
      })
      .toEqual([3]);
    writeFileSync(
      configFile,
      readFileSync(configFile, 'utf8').replace('MaxTaskCount: 3', 'MaxTaskCount: many'),
    );
    worker.child.kill('SIGHUP');
    await worker.waitFor(/configuration not reloaded, the settings in force stay: .*MaxTaskCount/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(readAgentStatus(join(dir, 'work'))).toMatchObject({ connected: false, stopped: true });
  });

  it('--check validates a configuration file and names the bad setting', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'MasterEndpoint: http://master:8391\nWorkFolder: /w\n');
    const checked = await runNode([join(bundleDir, 'scaleout-worker.mjs'), '--config', bad, '--check']);
    expect(checked.code).toBe(2);
    expect(checked.stderr).toMatch(/MasterEndpoint: must be a ws:\/\/ or wss:\/\/ URL.*\[MasterEndpoint\]/);
    // Limits that cannot work together are refused by --check as the agent would refuse them.
    const pooledCpu = join(dir, 'pooled-cpu.yaml');
    writeFileSync(
      pooledCpu,
      'MasterEndpoint: wss://master:8391\nWorkFolder: /w\nExecutionMode: pooled\nExecutionMaxCpuSeconds: 60\n',
    );
    const refused = await runNode([join(bundleDir, 'scaleout-worker.mjs'), '--config', pooledCpu, '--check']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /ExecutionMaxCpuSeconds: a pooled host runs many attempts.*\[ExecutionMaxCpuSeconds\]/,
    );
    const goodFile = join(dir, 'good.yaml');
    saveWorkerConfig(goodFile, {
      MasterEndpoint: 'wss://master:8391',
      DisplayName: 'bundled',
      WorkFolder: '/w',
    });
    const good = await runNode([join(bundleDir, 'scaleout-worker.mjs'), '--config', goodFile, '--check']);
    expect(good.stdout).toContain('"name": "bundled"');
    expect(good.code).toBe(0);
  });
});

function runNode(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
