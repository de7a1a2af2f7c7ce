import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../master-core/protocol/wire';
import { createAgent } from '../agent';
import type { Agent, AgentOptions } from '../agent';
import { createEventSpool } from '../eventSpool';
import type { HealthSample } from '../machineFacts';
import { startFakeMaster } from './fakeMaster';
import type { FakeMaster } from './fakeMaster';

/*
 * The agent's side of the protocol against a scripted master. The real master cannot show these:
 * it gives a disabled, draining or overloaded worker no work whatever credit the agent asks for, so
 * only the frames themselves prove that the agent stops asking.
 */

let workDir = '';
let agent: Agent | null = null;
let master: FakeMaster | null = null;
const logged: string[] = [];

function agentFor(fake: FakeMaster, options: Partial<AgentOptions> = {}): Agent {
  workDir ||= mkdtempSync(join(tmpdir(), 'scaleout-agent-'));
  const line = (level: string) => (m: string) => logged.push(`${level} ${m}`);
  agent = createAgent({
    masterUrl: fake.url(),
    token: 't',
    name: 'probe',
    tags: [],
    maxTasks: 2,
    workDir,
    hostEntry: '/nonexistent',
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    ...options,
  });
  return agent;
}

afterEach(async () => {
  await agent?.stop(0);
  await master?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  agent = null;
  master = null;
  workDir = '';
  logged.length = 0;
});

describe('agent protocol', () => {
  it('says hello with its limits, reports health, then asks for as much work as it has room for', async () => {
    master = await startFakeMaster();
    // Limits this machine cannot be past whatever it is doing: the real probe's CPU sample varies.
    agentFor(master, { maxCpuPercent: 100, minFreeMemoryBytes: 1 });
    const { frame: hello } = await master.next('worker.hello');
    expect(hello).toMatchObject({
      runningAttemptIds: [],
      limits: { maxCpuPercent: 100, minFreeMemoryBytes: 1 },
    });
    const { frame: beat } = await master.next('worker.heartbeat');
    expect(Object.keys(beat.health).sort()).toEqual(
      [
        'cpuPercent',
        'freeDiskBytes',
        'freeMemoryBytes',
        'loadAverage',
        'runningAttemptIds',
        'totalMemoryBytes',
        'uptimeSeconds',
      ].sort(),
    );
    expect((await master.next('task.request')).frame.credit).toBe(2);
  });

  it('asks for nothing while disabled or draining, and for work again once enabled', async () => {
    master = await startFakeMaster();
    agentFor(master);
    expect((await master.next('task.request')).frame.credit).toBe(2);
    master.send({ type: 'worker.update', enabled: false, draining: false });
    expect((await master.next('task.request')).frame.credit).toBe(0);
    master.send({ type: 'worker.update', enabled: true, draining: true });
    master.send({ type: 'worker.update', enabled: false, draining: true });
    master.send({ type: 'worker.update', enabled: true, draining: false });
    const { frame, skipped } = await master.next('task.request');
    expect(frame.credit).toBe(2);
    expect(skipped.filter((f) => f.type === 'task.request')).toEqual([]);
    expect(logged).toContain('info the master enabled this worker (draining)');
  });

  it('stops asking for work past its CPU ceiling or memory floor, and asks again when it recovers', async () => {
    let health: HealthSample = { cpuPercent: 95, freeMemoryBytes: 8 * 2 ** 30 };
    master = await startFakeMaster(20);
    agentFor(master, { maxCpuPercent: 80, minFreeMemoryBytes: 2 ** 30, healthProbe: () => health });
    expect((await master.next('task.request')).frame.credit).toBe(0);
    expect(logged).toContain('warn taking no new work: CPU at 95% is above the 80% ceiling');
    health = { cpuPercent: 30, freeMemoryBytes: 8 * 2 ** 30 };
    expect((await master.next('task.request')).frame.credit).toBe(2);
    health = { cpuPercent: 30, freeMemoryBytes: 2 ** 29 };
    const { skipped } = await master.next('task.request', (f) => f.credit === 0);
    expect(skipped.some((f) => f.type === 'worker.heartbeat' && f.health.freeMemoryBytes === 2 ** 29)).toBe(
      true,
    );
    expect(logged).toContain('warn taking no new work: free memory 512 MiB is below the 1024 MiB floor');
  });

  it('replays an earlier run’s spool after the welcome, before asking for work, and lists its held report', async () => {
    workDir = mkdtempSync(join(tmpdir(), 'scaleout-agent-'));
    const quiet = { info() {}, warn() {}, error() {} };
    const earlier = createEventSpool({ dir: join(workDir, 'spool'), log: quiet });
    const body = {
      timeMs: 1,
      messageType: 70,
      sourceType: 40,
      sourceName: 'S',
      packagePath: '',
      message: 'm',
    };
    earlier.event('finished-1', body);
    earlier.finish('finished-1', {
      outcome: 'succeeded',
      exitCode: 0,
      signal: null,
      error: null,
      statistics: [],
    });
    earlier.event('died-1', body);

    master = await startFakeMaster();
    agentFor(master);
    const { frame: hello } = await master.next('worker.hello');
    // The attempt with a final report is still this worker's; the one that died is not listed.
    expect(hello.runningAttemptIds).toEqual(['finished-1']);
    const { skipped } = await master.next('task.request');
    const replayed = skipped.filter((f) => f.type === 'task.event' || f.type === 'task.finished');
    expect(replayed.map((f) => `${f.type} ${f.attemptId}`).sort()).toEqual([
      'task.event died-1',
      'task.event finished-1',
      'task.finished finished-1',
    ]);
    master.send({ type: 'task.ack', attemptId: 'died-1', nextSeq: 1, finished: false });
    master.send({ type: 'task.ack', attemptId: 'finished-1', nextSeq: 1, finished: true });
    // Frames are handled in order: once the answer to this update arrives, the acks were handled.
    master.send({ type: 'worker.update', enabled: true, draining: true });
    await master.next('task.request');
    expect(readdirSync(join(workDir, 'spool'))).toEqual([]);
  });

  it('stops for good with the reason when another agent with its identity replaces it (4004)', async () => {
    master = await startFakeMaster();
    const fatal = new Promise<string>((resolve) => agentFor(master!, { onFatal: resolve }));
    await master.next('task.request');
    master.close(CloseCode.replaced, 'replaced by a newer connection of the same worker');
    expect(await fatal).toMatch(/another agent with this worker id connected to the master \(4004: replaced/);
    expect(logged.some((l) => l.startsWith('error stopping: another agent'))).toBe(true);
  });

  it('reconnects and says hello again when the master is busy (1013)', async () => {
    master = await startFakeMaster();
    agentFor(master);
    await master.next('task.request');
    master.close(CloseCode.tryAgainLater, 'master busy storing messages');
    const { frame } = await master.next('worker.hello');
    expect(frame.workerId).toBe(agent!.workerId);
    await master.next('task.request');
    expect(logged.some((l) => /warn disconnected from the master \(1013: master busy/.test(l))).toBe(true);
    expect(existsSync(join(workDir, 'worker-id'))).toBe(true);
  });
});
