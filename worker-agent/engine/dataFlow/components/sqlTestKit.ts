/**
 * A real ComponentContext for the SQL source and destination tests, built on componentTestKit. The
 * inputs and outputs come from layoutDataFlow on a small real data flow (a source -> the
 * destination -> a sink on its Error output; the source -> a sink), connections open through the
 * real registry, and parameters
 * evaluate with the real expression interpreter over the kit's variables. `emit` checks each row
 * against its output's layout, records the rows, can be slowed down or interrupted by a hook, and
 * counts how many emits were pending at once (a component that awaits emit never has two).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { startPostgres } from '../../../test/fixtures/postgresServer';
import type { PostgresServer } from '../../../test/fixtures/postgresServer';
import type { ConnectionRegistry } from '../../connections/registry';
import type { TaskContext, Value } from '../../taskApi';
import type { ComponentContext, ComponentRuntime, Row } from '../types';
import {
  createKitTask,
  createTestComponentContext,
  createTestTaskContext,
  layoutInDataFlow,
  runSource,
} from './componentTestKit';
import type { LoggedMessage } from './componentTestKit';

export { defineComponent } from './componentTestKit';
export type { LoggedMessage } from './componentTestKit';

export interface SqlKitOptions {
  /** The destination's input columns (a destination needs them; a source has none). */
  input?: ColumnMeta[];
  /** Outputs that feed a path; default every output. */
  connected?: string[];
  /** Connection managers as a package declares them (file paths relative to the work dir). */
  connections: unknown[];
  /** Variables and parameters expressions may read ("User::X" -> value). */
  variables?: Record<string, Value>;
  bufferRows?: number;
  /** Shares a work directory with other kits (not removed by dispose). */
  workDir?: string;
  /** Records emits without keeping their rows (large results). */
  discardRows?: boolean;
  /** Called at each emit before it resolves (count is 1-based): may wait, abort or throw. */
  onEmit?: (output: string, rows: Row[], count: number) => void | Promise<void>;
}

export interface SqlKit {
  readonly context: ComponentContext;
  readonly workDir: string;
  readonly registry: ConnectionRegistry;
  readonly abort: AbortController;
  readonly messages: LoggedMessage[];
  /** Every emit: output and row count, in order. */
  readonly emits: { output: string; count: number }[];
  /** The most emits that were pending at the same time. */
  readonly maxPendingEmits: number;
  /** Rows emitted to an output, in order. */
  out(output: string): Row[];
  /** run() then close(), as the runner drives a source. */
  runSource(runtime: ComponentRuntime): Promise<void>;
  /** receive() per buffer, end(), then close(), as the runner drives a destination. */
  load(runtime: ComponentRuntime, buffers: Iterable<Row[]>): Promise<void>;
  /** Closes the connections and removes the work directory (unless it was given). */
  dispose(): Promise<void>;
}

/** A TaskContext over a registry and a variable map, logging into `messages` (also for benches). */
export function createTaskContext(
  workDir: string,
  registry: ConnectionRegistry,
  variables: Map<string, Value>,
  messages: LoggedMessage[],
  signal: AbortSignal,
): TaskContext {
  return createTestTaskContext({ workDir, registry, variables, messages, signal });
}

export async function createSqlKit(component: DataFlowComponent, options: SqlKitOptions): Promise<SqlKit> {
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'scaleout-sql-')));
  const layout = layoutInDataFlow(
    component,
    options.input ? { Input: options.input } : {},
    options.connected,
  );
  const { task, registry, abort, messages } = createKitTask(workDir, options.connections, options.variables);
  const rows = new Map<string, Row[]>();
  const emits: { output: string; count: number }[] = [];
  let pending = 0;
  let maxPending = 0;
  const context = createTestComponentContext({
    ...layout,
    name: component.name,
    task,
    bufferRows: options.bufferRows ?? 10_000,
    checkTypes: false,
    async record(output, emitted) {
      pending += 1;
      maxPending = Math.max(maxPending, pending);
      try {
        emits.push({ output, count: emitted.length });
        if (layout.connected.has(output) && !options.discardRows)
          rows.set(output, [...(rows.get(output) ?? []), ...emitted]);
        await options.onEmit?.(output, emitted, emits.length);
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        pending -= 1;
      }
    },
  });
  return {
    context,
    workDir,
    registry,
    abort,
    messages,
    emits,
    get maxPendingEmits() {
      return maxPending;
    },
    out: (output) => rows.get(output) ?? [],
    runSource,
    async load(runtime, buffers) {
      try {
        for (const buffer of buffers) await runtime.receive?.('Input', buffer);
        await runtime.end?.('Input');
      } finally {
        await runtime.close?.();
      }
    },
    async dispose() {
      await registry.closeAll();
      if (!options.workDir) await rm(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * What the SQL tests of a file share: a work directory (SQLite files go there) and a PostgreSQL
 * server, made before the tests run and removed after.
 */
export function useSqlTestBed(prefix: string): { readonly workDir: string; readonly server: PostgresServer } {
  let workDir: string | undefined;
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), prefix));
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the SQL test bed exists while the tests run');
    return value;
  };
  return {
    get workDir() {
      return ready(workDir);
    },
    get server() {
      return ready(server);
    },
  };
}
