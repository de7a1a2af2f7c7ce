import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MasterSettings } from '../../master-core/protocol/wire';
import { createAgent } from '../agent';
import type { Agent, AgentOptions } from '../agent';
import type { HealthSample } from '../machineFacts';
import { startFakeMaster } from './fakeMaster';
import type { FakeMaster } from './fakeMaster';

/*
 * The operator's settings (master.settings) against a scripted master: the agent applies them at
 * once, without a reconnect, and they win over its own (command line, configuration reloads).
 * The heartbeat interval is a minute: every credit change seen here comes from the settings.
 */

let workDir = '';
let agent: Agent | null = null;
let master: FakeMaster | null = null;
const logged: string[] = [];
const calm: HealthSample = { cpuPercent: 50, freeMemoryBytes: 8 * 2 ** 30 };

function agentFor(fake: FakeMaster, options: Partial<AgentOptions> = {}): Agent {
  workDir = mkdtempSync(join(tmpdir(), 'scaleout-agent-'));
  const line = (level: string) => (m: string) => logged.push(`${level} ${m}`);
  agent = createAgent({
    masterUrl: fake.url(),
    token: 't',
    name: 'probe',
    tags: ['own'],
    maxTasks: 2,
    workDir,
    hostEntry: '/nonexistent',
    healthProbe: () => calm,
    log: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    ...options,
  });
  return agent;
}

const settings = (id: string, values: Partial<MasterSettings> = {}): MasterSettings => ({
  type: 'master.settings',
  settingsId: id,
  name: null,
  tags: null,
  maxTasks: null,
  maxCpuPercent: null,
  minFreeMemoryBytes: null,
  ...values,
});

afterEach(async () => {
  await agent?.stop(0);
  await master?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  agent = null;
  master = null;
  workDir = '';
  logged.length = 0;
});

describe('operator settings on the agent', () => {
  it('applies max tasks, name and tags at once, answers with what is in force, and never reconnects', async () => {
    master = await startFakeMaster();
    agentFor(master);
    expect((await master.next('task.request')).frame.credit).toBe(2);

    master.send(settings('s1', { maxTasks: 4, name: 'renamed', tags: ['gpu', 'linux'] }));
    const { frame: applied } = await master.next('worker.settingsApplied');
    expect(applied).toEqual({
      type: 'worker.settingsApplied',
      settingsId: 's1',
      name: 'renamed',
      tags: ['gpu', 'linux'],
      maxTasks: 4,
      maxCpuPercent: 100,
      minFreeMemoryBytes: 0,
    });
    expect((await master.next('task.request')).frame.credit).toBe(4);
    expect(agent!.settings()).toMatchObject({ name: 'renamed', tags: ['gpu', 'linux'], maxTasks: 4 });

    // null: the operator's value is gone, the agent's own applies again.
    master.send(settings('s2', { tags: ['gpu'] }));
    const { frame: second, skipped } = await master.next('task.request');
    expect(second.credit).toBe(2);
    expect(skipped.find((f) => f.type === 'worker.settingsApplied')).toMatchObject({
      settingsId: 's2',
      name: 'probe',
      maxTasks: 2,
    });
    // One hello only: the settings came without a reconnect.
    const hellos = await Promise.race([
      master.next('worker.hello').then(() => 'another hello'),
      new Promise((resolve) => setTimeout(() => resolve('none'), 300)),
    ]);
    expect(hellos).toBe('none');
  });

  it('takes no new work as soon as a lowered threshold is passed, and asks again when it is raised', async () => {
    master = await startFakeMaster();
    agentFor(master, { minFreeMemoryBytes: 1 });
    expect((await master.next('task.request')).frame.credit).toBe(2);

    master.send(settings('cpu', { maxCpuPercent: 40 }));
    expect((await master.next('task.request')).frame.credit).toBe(0);
    expect(logged).toContain('warn taking no new work: CPU at 50% is above the 40% ceiling');

    master.send(settings('memory', { maxCpuPercent: 90, minFreeMemoryBytes: 16 * 2 ** 30 }));
    const { frame } = await master.next('worker.settingsApplied', (f) => f.settingsId === 'memory');
    expect(frame).toMatchObject({ maxCpuPercent: 90, minFreeMemoryBytes: 16 * 2 ** 30 });
    expect(logged).toContain('warn taking no new work: free memory 8192 MiB is below the 16384 MiB floor');
    expect((await master.next('task.request')).frame.credit).toBe(0);

    master.send(settings('clear', { maxCpuPercent: 90 }));
    expect((await master.next('task.request')).frame.credit).toBe(2);
    expect(logged).toContain('info resources recovered: taking work again');
  });

  it("keeps the operator's values over a reload of its own file, and says hello with its own", async () => {
    master = await startFakeMaster();
    agentFor(master);
    await master.next('task.request');
    master.send(settings('s1', { maxTasks: 3, tags: ['operator'] }));
    await master.next('worker.settingsApplied');
    expect((await master.next('task.request')).frame.credit).toBe(3);

    agent!.reconfigure({ tags: ['file'], maxTasks: 8, maxCpuPercent: 100, minFreeMemoryBytes: 0 });
    const { frame: hello } = await master.next('worker.hello');
    expect(hello).toMatchObject({ name: 'probe', tags: ['file'], maxTasks: 8 });
    expect((await master.next('task.request')).frame.credit).toBe(3);
    expect(agent!.settings()).toMatchObject({ tags: ['operator'], maxTasks: 3 });
  });

  it('ignores settings out of range: no answer, nothing changes', async () => {
    master = await startFakeMaster();
    agentFor(master);
    await master.next('task.request');
    master.send({ ...settings('bad'), maxTasks: 0 });
    master.send(settings('good', { name: 'after' }));
    const { frame, skipped } = await master.next('worker.settingsApplied');
    expect(frame).toMatchObject({ settingsId: 'good', name: 'after', maxTasks: 2 });
    expect(skipped.some((f) => f.type === 'worker.settingsApplied')).toBe(false);
    expect(logged.some((l) => /^warn ignoring an invalid frame from the master: maxTasks/.test(l))).toBe(
      true,
    );
  });
});
