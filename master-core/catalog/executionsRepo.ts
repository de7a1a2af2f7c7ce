import { randomUUID } from 'node:crypto';
import type { Db, Queries } from './db';
import type { ExecutionRecord } from './executionRow';
import { ExecutionStatus, MessageType } from '../protocol/codes';
import { PackageDef, ProjectDef } from '../protocol/packageFormat';
import type { ParameterValue } from '../protocol/packageFormat';
import { Targeting } from '../protocol/api';
import type { ExecutionRow } from '../protocol/api';
import type { TaskAssignment } from '../protocol/wire';
import type { SecretBox } from '../secretBox';
import type { ResolvedParameter } from '../execution/resolveParameters';
import { loadValue, storeValue } from './environmentsRepo';
import { isTargetAllowed } from '../execution/eligibility';
import type { WorkerIdentity } from '../execution/eligibility';
import { endAttemptIn, endedByIn, getIn, operationMessage } from './attemptEnd';
import type { AttemptEnd } from './attemptEnd';
import { childPackagesOf, packageCalls } from '../execution/validateBundle';

export type { AttemptEnd } from './attemptEnd';
export { operationMessage } from './attemptEnd';

export interface NewExecution {
  folderName: string;
  projectName: string;
  packageName: string;
  versionId: number;
  createdBy: string;
  retryCount: number;
  priority: number;
  loggingLevel: number;
  timeoutMs: number | null;
  targeting: Targeting;
  parameterValues: readonly ResolvedParameter[];
  environment: { referenceId: number; folderName: string; name: string } | null;
  maxQueueWaitMs?: number | null;
}

const TASK_PICKED_UP = 2;
const TASK_RUNNING = 3;
/** How many queued executions one claim looks at to find one this worker may run. */
const CLAIM_SCAN_LIMIT = 500;
/** Queued executions read at a time while looking for one a worker may run. */
const CLAIM_PAGE = 16;

const nowIso = () => new Date().toISOString();

export function createExecutionsRepo(db: Db, box: SecretBox) {
  async function create(input: NewExecution): Promise<ExecutionRow> {
    return db.transaction(async (tx) => {
      const now = nowIso();
      const result = await tx.run(
        `INSERT INTO executions (folder_name, project_name, package_name, version_id, status, created_time, created_by,
           retry_count, priority, logging_level, timeout_ms, targeting_json, reference_id, environment_folder_name,
           environment_name, ready_for_dispatch_time, max_queue_wait_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          input.folderName,
          input.projectName,
          input.packageName,
          input.versionId,
          ExecutionStatus.pending,
          now,
          input.createdBy,
          input.retryCount,
          input.priority,
          input.loggingLevel,
          input.timeoutMs,
          JSON.stringify(input.targeting),
          input.environment?.referenceId ?? null,
          input.environment?.folderName ?? null,
          input.environment?.name ?? null,
          now,
          input.maxQueueWaitMs ?? null,
        ],
      );
      const id = result.lastID;
      for (const p of input.parameterValues) {
        await tx.run(
          `INSERT INTO execution_parameter_values (execution_id, object_type, parameter_name, data_type, sensitive, value, value_source)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          [
            id,
            p.objectType,
            p.name,
            p.dataType,
            p.sensitive ? 1 : 0,
            storeValue(box, p.value, p.sensitive),
            p.source,
          ],
        );
      }
      await tx.run(
        `INSERT INTO execution_parameter_values (execution_id, object_type, parameter_name, data_type, sensitive, value, value_source)
         VALUES (?, 50, 'LOGGING_LEVEL', 'Int32', 0, ?, 'system')`,
        [id, JSON.stringify(input.loggingLevel)],
      );
      await operationMessage(tx, id, MessageType.information, 'Execution queued; waiting for a worker.');
      return getIn(tx, id);
    });
  }

  /** Decrypted parameter values keyed by reference, for the worker that runs the attempt. */
  async function assignmentValues(
    q: Queries,
    executionId: number,
  ): Promise<{ values: Record<string, ParameterValue>; sensitive: string[] }> {
    const rows = await q.all<{
      object_type: number;
      parameter_name: string;
      sensitive: number;
      value: string;
    }>(
      'SELECT object_type, parameter_name, sensitive, value FROM execution_parameter_values WHERE execution_id = ? AND object_type IN (20, 30)',
      [executionId],
    );
    const values: Record<string, ParameterValue> = {};
    const sensitive: string[] = [];
    for (const r of rows) {
      const reference = `$${r.object_type === 20 ? 'Project' : 'Package'}::${r.parameter_name}`;
      values[reference] = loadValue(box, r.value, r.sensitive === 1);
      if (r.sensitive === 1) sensitive.push(reference);
    }
    return { values, sensitive };
  }

  /** Takes the first queued execution this worker may run (priority, then FIFO) and leases it. */
  /**
   * The first queued execution (priority, then age) this worker may run, looking at no more than
   * CLAIM_SCAN_LIMIT: read a page at a time on the queue's index, light columns first, since the
   * first one usually fits.
   */
  async function nextFor(tx: Queries, worker: WorkerIdentity): Promise<ExecutionRecord | undefined> {
    let after: { priority: number; id: number } | null = null;
    for (let scanned = 0; scanned < CLAIM_SCAN_LIMIT;) {
      const size = Math.min(CLAIM_PAGE, CLAIM_SCAN_LIMIT - scanned);
      const page: { execution_id: number; priority: number; targeting_json: string }[] = await tx.all(
        `SELECT execution_id, priority, targeting_json FROM executions WHERE ready_for_dispatch_time IS NOT NULL
           ${after ? 'AND (priority < ? OR (priority = ? AND execution_id > ?))' : ''}
          ORDER BY priority DESC, execution_id LIMIT ?`,
        [...(after ? [after.priority, after.priority, after.id] : []), size],
      );
      const hit = page.find((e) => isTargetAllowed(Targeting.parse(JSON.parse(e.targeting_json)), worker));
      if (hit)
        return tx.get<ExecutionRecord>('SELECT * FROM executions WHERE execution_id = ?', [hit.execution_id]);
      if (page.length < size) return undefined;
      scanned += page.length;
      const last = page[page.length - 1]!;
      after = { priority: last.priority, id: last.execution_id };
    }
    return undefined;
  }

  /** Whether anything waits in the queue: one read on the queue's index, no transaction. */
  async function anyQueued(): Promise<boolean> {
    return (
      (await db.get<{ one: number }>(
        'SELECT 1 AS one FROM executions WHERE ready_for_dispatch_time IS NOT NULL LIMIT 1',
      )) !== undefined
    );
  }

  async function claimNext(
    worker: WorkerIdentity & { machineName: string },
    leaseMs: number,
  ): Promise<{ assignment: TaskAssignment; execution: ExecutionRow } | null> {
    return db.transaction(async (tx) => {
      const pick = await nextFor(tx, worker);
      if (!pick) return null;
      const attemptId = randomUUID();
      const attemptNumber = pick.executed_count + 1;
      const now = nowIso();
      await tx.run(
        `INSERT INTO attempts (attempt_id, execution_id, attempt_number, worker_agent_id, status, lease_expires_ms, start_time)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          attemptId,
          pick.execution_id,
          attemptNumber,
          worker.workerId,
          TASK_PICKED_UP,
          Date.now() + leaseMs,
          now,
        ],
      );
      await tx.run(
        `UPDATE executions SET status = ?, executed_count = ?, worker_agent_id = ?, machine_name = ?,
           start_time = COALESCE(start_time, ?), ready_for_dispatch_time = NULL WHERE execution_id = ?`,
        [ExecutionStatus.running, attemptNumber, worker.workerId, worker.machineName, now, pick.execution_id],
      );
      await operationMessage(
        tx,
        pick.execution_id,
        MessageType.information,
        `Attempt ${attemptNumber} of ${pick.retry_count + 1} assigned to worker ${worker.name} (${worker.machineName}).`,
      );
      const pkg = await tx.get<{ definition_json: string }>(
        'SELECT definition_json FROM packages WHERE version_id = ? AND name = ?',
        [pick.version_id, pick.package_name],
      );
      const definition = PackageDef.parse(JSON.parse(pkg!.definition_json));
      const version = await tx.get<{ project_json: string }>(
        'SELECT project_json FROM project_versions WHERE version_id = ?',
        [pick.version_id],
      );
      const project = ProjectDef.parse(JSON.parse(version!.project_json));
      let childPackages: PackageDef[] = [];
      if (packageCalls(definition).length > 0) {
        const rows = await tx.all<{ definition_json: string }>(
          'SELECT definition_json FROM packages WHERE version_id = ?',
          [pick.version_id],
        );
        const all = rows.map((r) => PackageDef.parse(JSON.parse(r.definition_json)));
        childPackages = childPackagesOf(definition, all);
      }
      const values = await assignmentValues(tx, pick.execution_id);
      const assignment: TaskAssignment = {
        attemptId,
        executionId: pick.execution_id,
        attemptNumber,
        folderName: pick.folder_name,
        projectName: pick.project_name,
        packageName: pick.package_name,
        package: definition,
        projectConnections: project.connectionManagers,
        projectParameterTypes: Object.fromEntries(project.parameters.map((p) => [p.name, p.dataType])),
        childPackages,
        parameterValues: values.values,
        sensitiveReferences: values.sensitive,
        loggingLevel: pick.logging_level,
        timeoutMs: pick.timeout_ms,
      };
      return { assignment, execution: await getIn(tx, pick.execution_id) };
    });
  }

  /** Records that the worker's process started; false when the attempt is not this worker's. */
  async function markStarted(attemptId: string, workerId: string, pid: number): Promise<boolean> {
    // One transaction: the status and its message are stored together (one commit, not three).
    return db.transaction(async (tx) => {
      const attempt = await tx.get<{ execution_id: number }>(
        `UPDATE attempts SET status = ? WHERE attempt_id = ? AND worker_agent_id = ? AND status = ?
           RETURNING execution_id`,
        [TASK_RUNNING, attemptId, workerId, TASK_PICKED_UP],
      );
      if (!attempt) return false;
      await operationMessage(
        tx,
        attempt.execution_id,
        MessageType.information,
        `Execution host started (pid ${pid}).`,
      );
      return true;
    });
  }

  /** Ends a live attempt and moves its execution on. Null when fenced (not live, or not this worker's). */
  async function endAttempt(end: AttemptEnd): Promise<ExecutionRow | null> {
    return db.transaction(async (tx) => endAttemptIn(tx, end));
  }

  /** This worker already ended this attempt with this outcome (a replayed final report). */
  async function endedBy(
    attemptId: string,
    workerId: string,
    outcome: AttemptEnd['outcome'],
  ): Promise<boolean> {
    return endedByIn(db, attemptId, workerId, outcome);
  }

  async function renewLeases(
    workerId: string,
    attemptIds: readonly string[],
    leaseMs: number,
  ): Promise<void> {
    if (attemptIds.length === 0) return;
    await db.run(
      `UPDATE attempts SET lease_expires_ms = ? WHERE worker_agent_id = ? AND status IN (2, 3)
         AND attempt_id IN (${attemptIds.map(() => '?').join(',')})`,
      [Date.now() + leaseMs, workerId, ...attemptIds],
    );
  }

  /**
   * Gives every live attempt a lease of at least `untilMs` (a master starting: its workers could not
   * renew while it was down, and must have the time to reconnect before their work is retried).
   */
  async function extendLiveLeases(untilMs: number): Promise<number> {
    const { changes } = await db.run(
      'UPDATE attempts SET lease_expires_ms = MAX(lease_expires_ms, ?) WHERE status IN (2, 3)',
      [untilMs],
    );
    return changes;
  }

  /**
   * Brings the leases of a worker's live attempts forward to `untilMs` at the latest (its
   * connection closed: unless it is back in time, they end as lost and are retried). Returns how
   * many it holds.
   */
  async function shortenLeases(workerId: string, untilMs: number): Promise<number> {
    const { changes } = await db.run(
      `UPDATE attempts SET lease_expires_ms = MIN(lease_expires_ms, ?)
         WHERE worker_agent_id = ? AND status IN (2, 3)`,
      [untilMs, workerId],
    );
    return changes;
  }

  /** Ends every attempt whose lease ran out: retried elsewhere if allowed, else ended unexpectedly. */
  async function expireLeases(nowMs: number): Promise<ExecutionRow[]> {
    return db.transaction(async (tx) => {
      const expired = await tx.all<{ attempt_id: string; worker_agent_id: string }>(
        'SELECT attempt_id, worker_agent_id FROM attempts WHERE status IN (2, 3) AND lease_expires_ms <= ?',
        [nowMs],
      );
      const changed: ExecutionRow[] = [];
      for (const a of expired) {
        const row = await endAttemptIn(tx, {
          attemptId: a.attempt_id,
          workerId: a.worker_agent_id,
          outcome: 'lost',
          exitCode: null,
          error: 'the worker stopped renewing its lease (worker offline or stopped)',
        });
        if (row) changed.push(row);
      }
      return changed;
    });
  }

  return {
    create,
    claimNext,
    markStarted,
    endAttempt,
    endedBy,
    renewLeases,
    anyQueued,
    shortenLeases,
    extendLiveLeases,
    expireLeases,
  };
}

export type ExecutionsRepo = ReturnType<typeof createExecutionsRepo>;
