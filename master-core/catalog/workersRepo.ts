import type { Db } from './db';
import type { WorkerHello } from '../protocol/wire';

export interface WorkerRecord {
  worker_agent_id: string;
  display_name: string;
  machine_name: string;
  user_account: string;
  tags_json: string;
  is_enabled: number;
  max_tasks: number;
  machine_json: string;
  last_online_time: string;
}

/** Worker agents (SSISDB internal.worker_agents). */
export function createWorkersRepo(db: Db) {
  /** Registers or refreshes a worker from its hello; returns whether it is enabled. */
  async function upsertFromHello(hello: WorkerHello): Promise<WorkerRecord> {
    const now = new Date().toISOString();
    await db.run(
      `INSERT INTO worker_agents (worker_agent_id, display_name, machine_name, user_account, tags_json, is_enabled,
         max_tasks, machine_json, last_online_time) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (worker_agent_id) DO UPDATE SET display_name = excluded.display_name,
         machine_name = excluded.machine_name, user_account = excluded.user_account, tags_json = excluded.tags_json,
         max_tasks = excluded.max_tasks, machine_json = excluded.machine_json, last_online_time = excluded.last_online_time`,
      [
        hello.workerId,
        hello.name,
        hello.machine.hostname,
        hello.machine.userAccount,
        JSON.stringify(hello.tags),
        hello.maxTasks,
        JSON.stringify(hello.machine),
        now,
      ],
    );
    return (await db.get<WorkerRecord>('SELECT * FROM worker_agents WHERE worker_agent_id = ?', [
      hello.workerId,
    ]))!;
  }

  async function touch(workerId: string): Promise<void> {
    await db.run('UPDATE worker_agents SET last_online_time = ? WHERE worker_agent_id = ?', [
      new Date().toISOString(),
      workerId,
    ]);
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

  return { upsertFromHello, touch, list, runningCounts };
}

export type WorkersRepo = ReturnType<typeof createWorkersRepo>;
