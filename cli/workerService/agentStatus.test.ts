import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeConnection, readAgentStatus, trackAgentStatus, waitForAgentStatus } from './agentStatus';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-status-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const base = { pid: process.pid, workerId: 'w1', name: 'edge', masterUrl: 'wss://m:8391' };

describe('agent status file', () => {
  it('says connected only for a live, connected, running worker', () => {
    const status = { ...base, connected: true, since: 't', stopped: false };
    expect(describeConnection(null).text).toMatch(/^unknown/);
    expect(describeConnection(status, () => true)).toEqual({
      connected: true,
      text: 'connected to wss://m:8391 since t',
    });
    expect(describeConnection(status, () => false).text).toMatch(/worker process \d+ is gone/);
    expect(describeConnection({ ...status, stopped: true }).connected).toBe(false);
    expect(describeConnection({ ...status, connected: false }).text).toMatch(
      /^not connected to wss:\/\/m:8391/,
    );
  });

  it('is written on each change and marked stopped at the end; a waiter wakes on the change', async () => {
    const dir = tempDir();
    let connected = false;
    const tracker = trackAgentStatus(dir, base, () => connected);
    expect(readAgentStatus(dir)).toMatchObject({ connected: false, stopped: false });
    const waiting = waitForAgentStatus(dir, (s) => s?.connected === true, 10_000);
    connected = true;
    tracker.check();
    expect(await waiting).toMatchObject({ connected: true });
    tracker.stop();
    expect(readAgentStatus(dir)).toMatchObject({ connected: false, stopped: true });
  });

  it('waits no longer than its deadline, and reads no file that is not a status', async () => {
    const dir = tempDir();
    expect(await waitForAgentStatus(dir, () => false, 50)).toBeNull();
    expect(await waitForAgentStatus(join(dir, 'missing'), () => false, 50)).toBeNull();
  });
});
