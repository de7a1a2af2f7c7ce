import { describe, expect, it } from 'vitest';
import { ScriptErrorCode } from './scriptError';
import { findScriptHost, isolationFlags } from './scriptLauncher';

describe('findScriptHost', () => {
  const existing =
    (...paths: string[]) =>
    (path: string) =>
      paths.includes(path);

  it('takes the sibling of the running bundle', () => {
    const exists = existing('/opt/app/dist/scriptHost.mjs', '/opt/dist/scriptHost.mjs');
    expect(findScriptHost('file:///opt/app/dist/executionHost.mjs', exists)).toBe(
      '/opt/app/dist/scriptHost.mjs',
    );
  });

  it('from the sources, takes the nearest dist/ above', () => {
    const exists = existing('/repo/dist/scriptHost.mjs', '/dist/scriptHost.mjs');
    const url = 'file:///repo/worker-agent/engine/tasks/scriptTask.ts';
    expect(findScriptHost(url, exists)).toBe('/repo/dist/scriptHost.mjs');
  });

  it('says null when it was not built', () => {
    expect(findScriptHost('file:///repo/worker-agent/engine/tasks/scriptTask.ts', () => false)).toBeNull();
  });
});

describe('isolationFlags', () => {
  const flags = (...names: string[]) => new Set(names);

  it('uses --experimental-permission on Node 20 and grants only the bundle', () => {
    const node = { flags: flags('--experimental-permission', '--disable-warning'), version: '20.20.2' };
    expect(isolationFlags('/app/dist/scriptHost.mjs', node)).toEqual([
      '--experimental-permission',
      '--allow-fs-read=/app/dist/scriptHost.mjs',
      '--no-addons',
      '--disable-warning=ExperimentalWarning',
    ]);
  });

  it('uses --permission where Node has it, and by version when the flag list does not say', () => {
    expect(isolationFlags('/s.mjs', { flags: flags('--permission'), version: '22.14.0' })[0]).toBe(
      '--permission',
    );
    expect(isolationFlags('/s.mjs', { flags: flags(), version: '24.1.0' })[0]).toBe('--permission');
    expect(isolationFlags('/s.mjs', { flags: flags(), version: '20.19.0' })[0]).toBe(
      '--experimental-permission',
    );
  });

  it('grants no write, child process, worker, addon or WASI', () => {
    const all = isolationFlags('/s.mjs', { flags: flags('--permission'), version: '22.14.0' }).join(' ');
    expect(all).not.toMatch(/--allow-(fs-write|child-process|worker|addons|wasi)/);
  });

  it('refuses to run a script where Node has no permission model', () => {
    expect(() => isolationFlags('/s.mjs', { flags: flags(), version: '18.20.0' })).toThrow(
      expect.objectContaining({ code: ScriptErrorCode.noIsolation }),
    );
  });

  it('refuses a path Node 20 would split at its comma', () => {
    const node = { flags: flags('--experimental-permission'), version: '20.20.2' };
    expect(() => isolationFlags('/a,b/scriptHost.mjs', node)).toThrow(/comma/);
  });
});
