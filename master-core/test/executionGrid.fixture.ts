import { openCatalog } from '../catalog/openCatalog';

/** One execution as the seed wrote it, to compare the API's answers against. */
export interface SeededExecution {
  executionId: number;
  folderName: string;
  projectName: string;
  packageName: string;
  status: number;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  createdBy: string;
  attempts: number;
  workerName: string | null;
}

/** A small deterministic generator (mulberry32), so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FOLDERS = ['Finance', 'finance_EU', 'Ops', 'Sales%_100'];
const PROJECTS = ['Nightly', 'LoadOrders', 'Ledger'];
const PACKAGES = ['Extract', 'Load2024', 'Reconcile', 'SendMail'];
const USERS = ['console', 'alice', 'bob', 'Alice'];
export const SEED_WORKERS = ['alpha', 'Beta', 'gamma'];

/**
 * Writes `count` executions straight into a catalog (SQL, in one transaction), with names, users,
 * workers, statuses and times spread so every sort has ties, NULLs and mixed case to get right.
 * Durations repeat on purpose (whole seconds), so ties on duration are common.
 */
export async function seedExecutions(
  catalogFile: string,
  count: number,
  seed = 7,
): Promise<SeededExecution[]> {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const db = await openCatalog(catalogFile);
  const rows: SeededExecution[] = [];
  try {
    await db.transaction(async (tx) => {
      for (const [i, name] of SEED_WORKERS.entries()) {
        await tx.run(
          `INSERT INTO worker_agents (worker_agent_id, display_name, machine_name, user_account, max_tasks, machine_json, last_online_time)
           VALUES (?, ?, ?, 'svc', 2, '{}', '2026-01-01T00:00:00.000Z')`,
          [`seed-worker-${i}`, name, `host-${name.toLowerCase()}`],
        );
      }
      const base = Date.parse('2026-03-01T00:00:00.000Z');
      for (let i = 0; i < count; i += 1) {
        const created = base + i * 7_000 + Math.floor(next() * 5_000);
        const state = next();
        // A fifth queued (never started), some running (started, not ended), the rest ended.
        const started = state < 0.2 ? null : created + Math.floor(next() * 3_000);
        const ended = started === null || state < 0.3 ? null : started + 1_000 * Math.floor(next() * 20);
        const status = started === null ? 5 : ended === null ? 2 : pick([3, 4, 6, 7, 7, 7]);
        const workerIndex = started === null ? null : Math.floor(next() * SEED_WORKERS.length);
        const row = {
          folderName: pick(FOLDERS),
          projectName: pick(PROJECTS),
          packageName: pick(PACKAGES),
          status,
          createdAt: new Date(created).toISOString(),
          startedAt: started === null ? null : new Date(started).toISOString(),
          endedAt: ended === null ? null : new Date(ended).toISOString(),
          createdBy: pick(USERS),
          attempts: started === null ? 0 : 1 + Math.floor(next() * 3),
          workerName: workerIndex === null ? null : SEED_WORKERS[workerIndex]!,
        };
        const result = await tx.run(
          `INSERT INTO executions (folder_name, project_name, package_name, status, created_time, start_time, end_time,
             created_by, executed_count, retry_count, targeting_json, worker_agent_id, machine_name)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 2, '{"kind":"any"}', ?, ?)`,
          [
            row.folderName,
            row.projectName,
            row.packageName,
            row.status,
            row.createdAt,
            row.startedAt,
            row.endedAt,
            row.createdBy,
            row.attempts,
            workerIndex === null ? null : `seed-worker-${workerIndex}`,
            row.workerName === null ? null : `host-${row.workerName.toLowerCase()}`,
          ],
        );
        rows.push({ executionId: result.lastID, ...row });
      }
    });
  } finally {
    await db.close();
  }
  return rows;
}
