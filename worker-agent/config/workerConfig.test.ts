import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScaleOutError } from '../../master-core/protocol/errors';
import {
  configChange,
  loadWorkerConfig,
  parseWorkerConfigText,
  saveWorkerConfig,
  updateWorkerConfig,
  watchWorkerConfig,
  workerSettings,
} from './workerConfig';
import type { WorkerConfigChange } from './workerConfig';

const minimal = { MasterEndpoint: 'wss://master.example:8391', WorkFolder: '/var/lib/scaleout-worker' };
const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-config-'));
  dirs.push(dir);
  return join(dir, 'worker.yaml');
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function refusal(text: string): ScaleOutError {
  try {
    parseWorkerConfigText(text, 'worker.yaml');
  } catch (error) {
    if (error instanceof ScaleOutError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('worker configuration', () => {
  it('fills in the defaults, SSIS names mapped to the agent options', () => {
    const settings = workerSettings(parseWorkerConfigText(JSON.stringify(minimal), 'worker.json'));
    expect(settings).toMatchObject({
      masterUrl: 'wss://master.example:8391',
      tags: [],
      maxCpuPercent: 100,
      minFreeMemoryBytes: 0,
      executionMode: 'process',
      passEnv: [],
      spoolLimitBytes: 256 * 2 ** 20,
      keepAttemptDirectories: false,
      caFingerprints: [],
      logLevel: 'info',
    });
    expect(settings.maxTasks).toBeGreaterThanOrEqual(1);
    expect(settings.name.length).toBeGreaterThan(0);
    const set = workerSettings(
      parseWorkerConfigText(
        'MasterEndpoint: ws://127.0.0.1:8391\nWorkFolder: /w\nMaxTaskCount: 3\nTaskRequestMinMemory: 100\nTaskRequestMaxCPU: 70\n',
        'worker.yaml',
      ),
    );
    expect(set).toMatchObject({ maxTasks: 3, minFreeMemoryBytes: 100 * 2 ** 20, maxCpuPercent: 70 });
  });

  it('names the setting that is wrong', () => {
    expect(refusal('MasterEndpoint: http://x\nWorkFolder: /w\n')).toMatchObject({
      field: 'MasterEndpoint',
      message: expect.stringContaining('MasterEndpoint: must be a ws:// or wss:// URL'),
    });
    expect(refusal('MasterEndpoint: ws://x\nWorkFolder: relative/dir\n').field).toBe('WorkFolder');
    expect(refusal('MasterEndpoint: ws://x\nWorkFolder: /w\nMaxTaskCount: 0\n').field).toBe('MaxTaskCount');
    expect(refusal('MasterEndpoint: ws://x\nWorkFolder: /w\nTaskRequestMaxCPU: 101\n').field).toBe(
      'TaskRequestMaxCPU',
    );
    expect(refusal('MasterEndpoint: ws://x\nWorkFolder: /w\nPassEnv: [A-B]\n').field).toBe('PassEnv.0');
    expect(refusal('WorkFolder: /w\n').field).toBe('MasterEndpoint');
    expect(refusal('MasterEndpoint: ws://x\nWorkFolder: /w\nExecutionMaxOpenFiles: 10\n')).toMatchObject({
      field: 'ExecutionMaxOpenFiles',
      message: expect.stringMatching(/ExecutionMaxOpenFiles: .*>=64/),
    });
    const typo = refusal('MasterEndpoint: ws://x\nWorkFolder: /w\nMaxTaskCont: 4\n');
    expect(typo.field).toBe('MaxTaskCont');
    expect(typo.message).toContain('unknown setting (known: MasterEndpoint, DisplayName');
  });

  it('refuses duplicate keys and tags rather than guessing', () => {
    expect(refusal('MasterEndpoint: ws://x\nMasterEndpoint: ws://y\nWorkFolder: /w\n').message).toMatch(
      /unique/,
    );
    expect(refusal('MasterEndpoint: !custom ws://x\nWorkFolder: /w\n').message).toMatch(/tag/i);
  });

  it('saves owner-only with a comment on every setting, and loads back what it saved', () => {
    const file = tempFile();
    const config = {
      ...minimal,
      Tags: ['linux', 'gpu'],
      MaxTaskCount: 4,
      MasterCaFingerprints: ['AB:CD:EF:01:23'],
    };
    saveWorkerConfig(file, config);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Executions at once (SSIS: MaxTaskCount)');
    expect(text).toContain('MaxTaskCount: 4');
    expect(text).toMatch(/^# AgentTokenFile:$/m); // unset optional settings are shown commented out
    expect(loadWorkerConfig(file)).toMatchObject(config);
  });

  it('updates settings in place, keeping what the operator wrote', () => {
    const file = tempFile();
    writeFileSync(file, '# mine\nMasterEndpoint: ws://x:1 # the master\nWorkFolder: /w\n');
    updateWorkerConfig(file, { MaxTaskCount: 2 });
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# mine');
    expect(text).toContain('# the master');
    expect(loadWorkerConfig(file).MaxTaskCount).toBe(2);
    expect(() => updateWorkerConfig(file, { MaxTaskCount: -1 })).toThrow(/MaxTaskCount/);
    expect(loadWorkerConfig(file).MaxTaskCount).toBe(2);
  });

  it('a missing file is refused naming it', () => {
    expect(() => loadWorkerConfig('/nonexistent/worker.yaml')).toThrow(/\/nonexistent\/worker.yaml/);
  });
});

describe('reload', () => {
  it('splits a change into live settings and those that need a restart', () => {
    const before = workerSettings(parseWorkerConfigText(JSON.stringify(minimal), 'a'));
    const same = configChange(before, parseWorkerConfigText(JSON.stringify(minimal), 'b'));
    expect(same.live).toBeNull();
    expect(same.restartNeeded).toEqual([]);
    const changed = configChange(
      before,
      parseWorkerConfigText(
        JSON.stringify({ ...minimal, Tags: ['x'], TaskRequestMaxCPU: 50, ExecutionMode: 'pooled' }),
        'c',
      ),
    );
    expect(changed.live).toEqual({
      tags: ['x'],
      maxTasks: before.maxTasks,
      maxCpuPercent: 50,
      minFreeMemoryBytes: 0,
    });
    expect(changed.restartNeeded).toEqual(['executionMode']);
  });

  it('reloads on the signal, reports changes, and keeps the settings in force when the file is bad', () => {
    const file = tempFile();
    saveWorkerConfig(file, { ...minimal, MaxTaskCount: 2 });
    const changes: WorkerConfigChange[] = [];
    const errors: Error[] = [];
    // SIGUSR2 stands in for SIGHUP so that a stray signal cannot reach the test runner.
    const watch = watchWorkerConfig(file, (c) => changes.push(c), {
      onError: (e) => errors.push(e),
      signal: 'SIGUSR2',
    });
    try {
      process.emit('SIGUSR2');
      expect(changes).toEqual([]); // nothing changed
      updateWorkerConfig(file, { MaxTaskCount: 5, LogLevel: 'debug' });
      process.emit('SIGUSR2');
      expect(changes).toHaveLength(1);
      expect(changes[0]!.live?.maxTasks).toBe(5);
      expect(changes[0]!.restartNeeded).toEqual(['logLevel']);
      writeFileSync(file, 'MasterEndpoint: ws://x\nWorkFolder: /w\nMaxTaskCount: many\n');
      process.emit('SIGUSR2');
      expect(errors[0]?.message).toMatch(/MaxTaskCount/);
      expect(watch.current().maxTasks).toBe(5);
    } finally {
      watch.stop();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});
