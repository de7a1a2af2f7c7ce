import type { Db } from './db';
import { ScaleOutError } from '../protocol/errors';
import type { WorkerHealth, WorkerHello } from '../protocol/wire';
import type { HealthSample } from '../protocol/api';
import { createHeartbeatWriter } from './heartbeatWriter';
import type { HeartbeatWriterOptions } from './heartbeatWriter';

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
  /** The thresholds in effect (the operator's, else the worker's hello). */
  max_cpu_percent: number;
  min_free_memory_bytes: number;
  /** What the operator set (console, CLI, enrolment presets); null: the worker's own value applies. */
  operator_name: string | null;
  operator_tags_json: string | null;
  operator_max_tasks: number | null;
  operator_max_cpu_percent: number | null;
  operator_min_free_memory_bytes: number | null;
  settings_updated_time: string | null;
  settings_updated_by: string | null;
}

/** What an operator changes of a worker (worker.update); absent fields stay as they are. */
export interface WorkerSettingsChange {
  name?: string;
  description?: string;
  tags?: string[];
  maxTasks?: number;
  maxCpuPercent?: number;
  minFreeMemoryBytes?: number;
}

/** The operator's live settings of a worker, as the master pushes them (null: the worker's own). */
export interface OperatorSettings {
  name: string | null;
  tags: string[] | null;
  maxTasks: number | null;
  maxCpuPercent: number | null;
  minFreeMemoryBytes: number | null;
}

export function operatorSettings(record: WorkerRecord): OperatorSettings {
  return {
    name: record.operator_name,
    tags: record.operator_tags_json === null ? null : (JSON.parse(record.operator_tags_json) as string[]),
    maxTasks: record.operator_max_tasks,
    maxCpuPercent: record.operator_max_cpu_percent,
    minFreeMemoryBytes: record.operator_min_free_memory_bytes,
  };
}

export const hasOperatorSettings = (s: OperatorSettings) => Object.values(s).some((v) => v !== null);

/** Tags trimmed, without blanks or repeats (any case); the first spelling is kept. */
export function cleanTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '' || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    out.push(tag);
  }
  return out;
}

export { HEALTH_HISTORY_SAMPLES } from './heartbeatWriter';

/** Worker agents (SSISDB internal.worker_agents). */
export function createWorkersRepo(db: Db, options: { heartbeats?: HeartbeatWriterOptions } = {}) {
  const heartbeats = createHeartbeatWriter(db, options.heartbeats);
  /**
   * Registers or refreshes a worker from its hello. A new worker starts disabled, as in SSIS,
   * unless `enableNew` (the master's auto-enable setting, or its own local worker). What the
   * operator set (operator_* columns, enrolment presets among them) wins over the hello.
   */
  async function upsertFromHello(hello: WorkerHello, enableNew: boolean): Promise<WorkerRecord> {
    const now = new Date().toISOString();
    await db.transaction(async (tx) => {
      // A name or tags preset in the enrolment token are the operator's: the hello cannot undo them.
      await tx.run(
        `UPDATE worker_agents SET
           operator_name = COALESCE(operator_name, (SELECT t.preset_name FROM worker_credentials c
             JOIN enrolment_tokens t ON t.token_id = c.enrolment_token_id WHERE c.worker_agent_id = ?)),
           operator_tags_json = COALESCE(operator_tags_json, (SELECT t.preset_tags_json FROM worker_credentials c
             JOIN enrolment_tokens t ON t.token_id = c.enrolment_token_id WHERE c.worker_agent_id = ?))
         WHERE worker_agent_id = ?`,
        [hello.workerId, hello.workerId, hello.workerId],
      );
      await tx.run(
        `INSERT INTO worker_agents (worker_agent_id, display_name, machine_name, user_account, tags_json, is_enabled,
           max_tasks, machine_json, last_online_time, agent_version, os, cpu_count, total_memory_bytes,
           max_cpu_percent, min_free_memory_bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (worker_agent_id) DO UPDATE SET
           display_name = COALESCE(worker_agents.operator_name, excluded.display_name),
           machine_name = excluded.machine_name, user_account = excluded.user_account,
           tags_json = COALESCE(worker_agents.operator_tags_json, excluded.tags_json),
           max_tasks = COALESCE(worker_agents.operator_max_tasks, excluded.max_tasks),
           machine_json = excluded.machine_json, last_online_time = excluded.last_online_time,
           agent_version = excluded.agent_version, os = excluded.os, cpu_count = excluded.cpu_count,
           total_memory_bytes = excluded.total_memory_bytes,
           max_cpu_percent = COALESCE(worker_agents.operator_max_cpu_percent, excluded.max_cpu_percent),
           min_free_memory_bytes = COALESCE(worker_agents.operator_min_free_memory_bytes, excluded.min_free_memory_bytes)`,
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
          hello.limits.maxCpuPercent,
          hello.limits.minFreeMemoryBytes,
        ],
      );
    });
    return (await db.get<WorkerRecord>('SELECT * FROM worker_agents WHERE worker_agent_id = ?', [
      hello.workerId,
    ]))!;
  }

  /**
   * Stores an operator's change of a worker's settings: the values in effect and the operator's
   * own, which win over the worker's hello from then on. A new name must be free (any case, and
   * no other worker's id). Nothing changes when anything is refused.
   */
  async function updateSettings(
    workerId: string,
    change: WorkerSettingsChange,
    by: string,
  ): Promise<WorkerRecord> {
    return db.transaction(async (tx) => {
      const current = await tx.get<WorkerRecord>('SELECT * FROM worker_agents WHERE worker_agent_id = ?', [
        workerId,
      ]);
      if (!current) throw new ScaleOutError('NOT_FOUND', `no worker with id ${workerId}`, { field: 'name' });
      const sets: string[] = [];
      const params: unknown[] = [];
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = ?`);
        params.push(value);
      };
      if (change.name !== undefined) {
        const name = change.name.trim();
        if (name === '')
          throw new ScaleOutError('VALIDATION_FAILED', 'newName: a worker name cannot be blank', {
            field: 'newName',
          });
        const taken = await tx.get<{ worker_agent_id: string; display_name: string }>(
          `SELECT worker_agent_id, display_name FROM worker_agents
            WHERE worker_agent_id <> ? AND (display_name = ? COLLATE NOCASE OR worker_agent_id = ?) LIMIT 1`,
          [workerId, name, name],
        );
        if (taken)
          throw new ScaleOutError(
            'CONFLICT',
            taken.worker_agent_id === name
              ? `newName: ${name} is the id of another worker; choose another name`
              : `newName: another worker (${taken.worker_agent_id}) is already named ${taken.display_name}; worker names are unique`,
            { field: 'newName' },
          );
        set('display_name', name);
        set('operator_name', name);
      }
      if (change.description !== undefined) set('description', change.description);
      if (change.tags !== undefined) {
        const tags = JSON.stringify(cleanTags(change.tags));
        set('tags_json', tags);
        set('operator_tags_json', tags);
      }
      if (change.maxTasks !== undefined) {
        set('max_tasks', change.maxTasks);
        set('operator_max_tasks', change.maxTasks);
      }
      if (change.maxCpuPercent !== undefined) {
        set('max_cpu_percent', change.maxCpuPercent);
        set('operator_max_cpu_percent', change.maxCpuPercent);
      }
      if (change.minFreeMemoryBytes !== undefined) {
        set('min_free_memory_bytes', change.minFreeMemoryBytes);
        set('operator_min_free_memory_bytes', change.minFreeMemoryBytes);
      }
      set('settings_updated_time', new Date().toISOString());
      set('settings_updated_by', by);
      await tx.run(`UPDATE worker_agents SET ${sets.join(', ')} WHERE worker_agent_id = ?`, [
        ...params,
        workerId,
      ]);
      return (await tx.get<WorkerRecord>('SELECT * FROM worker_agents WHERE worker_agent_id = ?', [
        workerId,
      ]))!;
    });
  }

  /**
   * Records a heartbeat (last online time and one health sample); written with the others of the
   * fleet in one batch (heartbeatWriter), the history kept bounded.
   */
  function recordHeartbeat(workerId: string, health: WorkerHealth): void {
    heartbeats.record(workerId, health);
  }

  async function health(workerId: string, limit: number): Promise<HealthSample[]> {
    const rows = await db.all<{
      sample_time_ms: number;
      cpu_percent: number;
      free_memory_bytes: number;
      free_disk_bytes: number | null;
      running_tasks: number;
    }>(
      `SELECT * FROM (SELECT * FROM worker_health WHERE worker_agent_id = ? ORDER BY sample_time_ms DESC LIMIT ?)
        ORDER BY sample_time_ms`,
      [workerId, limit],
    );
    const stored = rows.map((r) => ({
      timeMs: r.sample_time_ms,
      cpuPercent: r.cpu_percent,
      freeMemoryBytes: r.free_memory_bytes,
      // Null in samples stored before free disk was recorded, or from agents that do not report it.
      freeDiskBytes: r.free_disk_bytes,
      runningTasks: r.running_tasks,
    }));
    // With the samples still waiting for their batch (one being written may be in both: once).
    const byTime = new Map<number, HealthSample>();
    for (const sample of [...stored, ...heartbeats.pendingSamples(workerId)])
      byTime.set(sample.timeMs, sample);
    return [...byTime.values()].sort((a, b) => a.timeMs - b.timeMs).slice(-limit);
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

  /** Attempts one worker holds now (assigned or running). */
  async function runningCount(workerId: string): Promise<number> {
    const row = await db.get<{ n: number }>(
      'SELECT COUNT(*) AS n FROM attempts WHERE worker_agent_id = ? AND status IN (2, 3)',
      [workerId],
    );
    return row?.n ?? 0;
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

  /**
   * Like find, but a name two workers share is refused rather than guessed (CONFLICT naming their
   * ids): for changes an operator should not make to the wrong worker.
   */
  async function findOne(nameOrId: string): Promise<WorkerRecord> {
    const namesakes = await db.all<WorkerRecord>(
      'SELECT * FROM worker_agents WHERE display_name = ? COLLATE NOCASE AND worker_agent_id <> ?',
      [nameOrId, nameOrId],
    );
    if (namesakes.length > 1)
      throw new ScaleOutError(
        'CONFLICT',
        `${namesakes.length} workers are named ${nameOrId}: name one by its id (${namesakes.map((w) => w.worker_agent_id).join(', ')})`,
        { field: 'name' },
      );
    return find(nameOrId);
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
    /** Writes the heartbeats waiting in memory (the master calls it before closing the catalog). */
    flushHeartbeats: () => heartbeats.flush(),
    health,
    list,
    runningCounts,
    runningCount,
    find,
    findOne,
    get,
    updateSettings,
    setEnabled,
    setDraining,
  };
}

export type WorkersRepo = ReturnType<typeof createWorkersRepo>;
