import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import type { WorkerHealth, WorkerHello } from '../protocol/wire';
import type { HealthSample } from '../protocol/api';

export interface WorkerRecord {
  worker_agent_id: string;
  display_name: string;
  machine_name: string;
  user_account: string;
  tags_json: string;
  is_enabled: number;
  draining: number;
  drain_deadline_ms: number | null;
  max_tasks: number;
  machine_json: string;
  last_online_time: string;
  description: string;
  agent_version: string;
  os: string;
  cpu_count: number;
  total_memory_bytes: number;
  /** Set once the operator revoked the worker: it is refused from then on. */
  revoked_time: string | null;
}

/** Health samples kept per worker: an hour at the default 5 s heartbeat. */
export const HEALTH_HISTORY_SAMPLES = 720;

/** Worker agents (SSISDB internal.worker_agents). */
export function createWorkersRepo(db: Db) {
  /** Registers or refreshes a worker from its hello; returns whether it is enabled. */
  /**
   * Registers or refreshes a worker from its hello. A new worker starts disabled, as in SSIS,
   * unless `enableNew` (the master's auto-enable setting, or its own local worker).
   */
  async function upsertFromHello(hello: WorkerHello, enableNew: boolean): Promise<WorkerRecord> {
    const now = new Date().toISOString();
    await db.run(
      `INSERT INTO worker_agents (worker_agent_id, display_name, machine_name, user_account, tags_json, is_enabled,
         max_tasks, machine_json, last_online_time, agent_version, os, cpu_count, total_memory_bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (worker_agent_id) DO UPDATE SET display_name = excluded.display_name,
         machine_name = excluded.machine_name, user_account = excluded.user_account, tags_json = excluded.tags_json,
         max_tasks = excluded.max_tasks, machine_json = excluded.machine_json, last_online_time = excluded.last_online_time,
         agent_version = excluded.agent_version, os = excluded.os, cpu_count = excluded.cpu_count,
         total_memory_bytes = excluded.total_memory_bytes`,
      [
        hello.workerId,
        hello.name,
        hello.machine.hostname,
        hello.machine.userAccount,
        JSON.stringify(hello.tags),
        enableNew ? 1 : 0,
        hello.maxTasks,
        JSON.stringify(hello.machine),
        now,
        hello.agentVersion,
        `${hello.machine.platform} ${hello.machine.arch}`,
        hello.machine.cpuCount,
        hello.machine.totalMemoryBytes,
      ],
    );
    return (await db.get<WorkerRecord>('SELECT * FROM worker_agents WHERE worker_agent_id = ?', [
      hello.workerId,
    ]))!;
  }

  /** Records a heartbeat: last online time and one health sample, keeping a bounded history. */
  async function recordHeartbeat(workerId: string, health: WorkerHealth): Promise<void> {
    const nowMs = Date.now();
    await db.transaction(async (tx) => {
      await tx.run('UPDATE worker_agents SET last_online_time = ? WHERE worker_agent_id = ?', [
        new Date(nowMs).toISOString(),
        workerId,
      ]);
      await tx.run(
        'INSERT INTO worker_health (worker_agent_id, sample_time_ms, cpu_percent, free_memory_bytes, running_tasks) VALUES (?, ?, ?, ?, ?)',
        [workerId, nowMs, health.cpuPercent, health.freeMemoryBytes, health.runningAttemptIds.length],
      );
      await tx.run(
        `DELETE FROM worker_health WHERE worker_agent_id = ? AND sample_time_ms <
           (SELECT sample_time_ms FROM worker_health WHERE worker_agent_id = ? ORDER BY sample_time_ms DESC LIMIT 1 OFFSET ?)`,
        [workerId, workerId, HEALTH_HISTORY_SAMPLES - 1],
      );
    });
  }

  async function health(workerId: string, limit: number): Promise<HealthSample[]> {
    const rows = await db.all<{
      sample_time_ms: number;
      cpu_percent: number;
      free_memory_bytes: number;
      running_tasks: number;
    }>(
      `SELECT * FROM (SELECT * FROM worker_health WHERE worker_agent_id = ? ORDER BY sample_time_ms DESC LIMIT ?)
        ORDER BY sample_time_ms`,
      [workerId, limit],
    );
    return rows.map((r) => ({
      timeMs: r.sample_time_ms,
      cpuPercent: r.cpu_percent,
      freeMemoryBytes: r.free_memory_bytes,
      runningTasks: r.running_tasks,
    }));
  }

  async function list(): Promise<WorkerRecord[]> {
    return db.all<WorkerRecord>('SELECT * FROM worker_agents ORDER BY display_name');
  }

  async function runningCounts(): Promise<Map<string, number>> {
    const rows = await db.all<{ worker_agent_id: string; n: number }>(
      'SELECT worker_agent_id, COUNT(*) AS n FROM attempts WHERE status IN (2, 3) GROUP BY worker_agent_id',
    );
    return new Map(rows.map((r) => [r.worker_agent_id, r.n]));
  }

  /** Finds a worker by display name (any case) or id, or fails naming it. */
  async function find(nameOrId: string): Promise<WorkerRecord> {
    const row = await db.get<WorkerRecord>(
      'SELECT * FROM worker_agents WHERE worker_agent_id = ? OR display_name = ? COLLATE NOCASE ORDER BY last_online_time DESC LIMIT 1',
      [nameOrId, nameOrId],
    );
    if (!row) throw new ScaleOutError('NOT_FOUND', `no worker named ${nameOrId}`, { field: 'name' });
    return row;
  }

  /** Enabling also ends draining; disabling keeps running work but takes no more. */
  async function setEnabled(workerId: string, enabled: boolean): Promise<void> {
    await db.run(
      'UPDATE worker_agents SET is_enabled = ?, draining = CASE WHEN ? THEN 0 ELSE draining END, drain_deadline_ms = CASE WHEN ? THEN NULL ELSE drain_deadline_ms END WHERE worker_agent_id = ?',
      [enabled ? 1 : 0, enabled ? 1 : 0, enabled ? 1 : 0, workerId],
    );
  }

  async function setDraining(workerId: string, deadlineMs: number | null): Promise<void> {
    await db.run('UPDATE worker_agents SET draining = 1, drain_deadline_ms = ? WHERE worker_agent_id = ?', [
      deadlineMs,
      workerId,
    ]);
  }

  async function get(workerId: string): Promise<WorkerRecord | undefined> {
    return db.get<WorkerRecord>('SELECT * FROM worker_agents WHERE worker_agent_id = ?', [workerId]);
  }

  return {
    upsertFromHello,
    recordHeartbeat,
    health,
    list,
    runningCounts,
    find,
    get,
    setEnabled,
    setDraining,
  };
}

export type WorkersRepo = ReturnType<typeof createWorkersRepo>;
