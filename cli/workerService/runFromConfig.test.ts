import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseWorkerConfig, workerSettings } from '../../worker-agent/config/workerConfig';
import { findBundleDir } from './serviceHost';
import { agentAuth, workerHostEntry } from './runFromConfig';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'run-config-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const settingsIn = (workDir: string, extra: Record<string, unknown> = {}) =>
  workerSettings(
    parseWorkerConfig({ MasterEndpoint: 'wss://m:8391', WorkFolder: workDir, ...extra }, 'test'),
  );

describe('a worker run from its configuration', () => {
  it('authenticates with its enrolled credential, else a token from the environment or AgentTokenFile', () => {
    const dir = tempDir();
    expect(() => agentAuth(settingsIn(dir), {})).toThrow(
      /no credential in .*credentials and no AgentTokenFile/,
    );
    writeFileSync(join(dir, 'token'), 'secret\n');
    expect(agentAuth(settingsIn(dir, { AgentTokenFile: join(dir, 'token') }), {}).token).toBe('secret');
    expect(agentAuth(settingsIn(dir), { SCALEOUT_AGENT_TOKEN: 'env' }).token).toBe('env');
    expect(() => agentAuth(settingsIn(dir, { AgentTokenFile: join(dir, 'none') }), {})).toThrow(
      /AgentTokenFile/,
    );
    mkdirSync(join(dir, 'credentials'));
    writeFileSync(join(dir, 'credentials', 'identity.json'), '{}');
    expect(agentAuth(settingsIn(dir), {})).toEqual({ credentialDir: join(dir, 'credentials') });
  });

  it('forks the execution host beside its own file, and install finds the bundle folder from anywhere', () => {
    const dir = tempDir();
    for (const file of ['scaleout-worker.mjs', 'executionHost.mjs', 'scriptHost.mjs']) {
      mkdirSync(join(dir, 'dist', 'worker'), { recursive: true });
      writeFileSync(join(dir, 'dist', 'worker', file), '');
    }
    const bundled = pathToFileURL(join(dir, 'dist', 'worker', 'scaleout-worker.mjs')).href;
    expect(workerHostEntry(bundled)).toBe(join(dir, 'dist', 'worker', 'executionHost.mjs'));
    expect(findBundleDir(bundled)).toBe(join(dir, 'dist', 'worker'));
    expect(findBundleDir(pathToFileURL(join(dir, 'dist', 'cli.mjs')).href)).toBe(join(dir, 'dist', 'worker'));
    expect(findBundleDir(pathToFileURL(join(dir, 'cli', 'commands', 'x.ts')).href)).toBe(
      join(dir, 'dist', 'worker'),
    );
    expect(findBundleDir(pathToFileURL(join(tempDir(), 'x.mjs')).href)).toBeNull();
  });
});
