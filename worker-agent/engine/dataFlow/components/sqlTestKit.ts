/**
 * A real ComponentContext for the SQL source and destination tests. The inputs and outputs come
 * from layoutDataFlow on a small real data flow (a source -> the destination -> a sink on its
 * Error output; the source -> a sink), connections open through the real registry, and parameters
 * evaluate with the real expression interpreter over the kit's variables. `emit` checks each row
 * against its output's layout, records the rows, can be slowed down or interrupted by a hook, and
 * counts how many emits were pending at once (a component that awaits emit never has two).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { layoutDataFlow } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ConnectionManagerDef } from '../../../../master-core/protocol/packageFormat';
import { createConnectionRegistry } from '../../connections/registry';
import type { ConnectionRegistry } from '../../connections/registry';
import { evaluateParsed, parsedExpression } from '../../expressions';
import type { TaskContext, Value } from '../../taskApi';
import type { ComponentContext, ComponentRuntime, Row } from '../types';

export interface LoggedMessage {
  level: 'information' | 'warning' | 'error' | 'progress';
  message: string;
}

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

/** Parses a component as a package file would (defaults applied). */
export function defineComponent<T extends DataFlowComponent['type']>(
  raw: { type: T } & Record<string, unknown>,
): ComponentOf<T> {
  return DataFlowComponent.parse({ description: '', ...raw }) as ComponentOf<T>;
}

function layoutFor(component: DataFlowComponent, options: SqlKitOptions) {
  const feeder = {
    type: 'sqlSource' as const,
    name: 'Kit feeder',
    description: '',
    connection: 'Kit',
    query: 'SELECT 1',
    parameters: [],
    columns: options.input ?? [],
  };
  const components: DataFlowComponent[] = options.input ? [feeder, component] : [component];
  const paths = options.input ? [{ from: feeder.name, to: component.name }] : [];
  const bare = layoutDataFlow({ components, paths });
  const outputs = [...(bare.layout.outputs.get(component.name)?.keys() ?? [])];
  const connected = options.connected ?? outputs;
  connected.forEach((output, i) => {
    components.push({
      type: 'jsonLinesDestination',
      name: `Kit sink ${i + 1}`,
      description: '',
      connection: 'Kit',
      overwrite: true,
    });
    paths.push({ from: `${component.name}.${output}`, to: `Kit sink ${i + 1}` });
  });
  const { layout, problems } = layoutDataFlow({ components, paths });
  if (problems.length > 0)
    throw new Error(
      `the test data flow has problems: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  return {
    inputs: layout.inputs.get(component.name)!,
    outputs: layout.outputs.get(component.name)!,
    connected: new Set(connected),
  };
}

/** A TaskContext over a registry and a variable map, logging into `messages` (also for benches). */
export function createTaskContext(
  workDir: string,
  registry: ConnectionRegistry,
  variables: Map<string, Value>,
  messages: LoggedMessage[],
  signal: AbortSignal,
): TaskContext {
  const getVariable = (reference: string): Value => {
    if (!variables.has(reference)) throw new Error(`unknown variable ${reference}`);
    return variables.get(reference) ?? null;
  };
  const log = (level: LoggedMessage['level']) => (message: string) => messages.push({ level, message });
  return {
    name: 'Data Flow',
    packagePath: '\\Package\\Data Flow',
    signal,
    workDir,
    nodePath: process.execPath,
    log: {
      information: log('information'),
      warning: log('warning'),
      error: log('error'),
      progress: (percent, message = '') => log('progress')(`${percent}% ${message}`.trim()),
    },
    evaluate: (expression) => evaluateParsed(parsedExpression(expression), getVariable),
    substitute: (text) =>
      text.replace(/@\[([^\]]+)\]/g, (_m, ref: string) => String(getVariable(ref.trim()))),
    getVariable,
    setVariable: (reference, value) => {
      getVariable(reference);
      variables.set(reference, value as Value);
    },
    connection: (name, type) => registry.open(name, type),
    variableNames: () => [...variables.keys()],
    addSecret: () => undefined,
  };
}

export async function createSqlKit(component: DataFlowComponent, options: SqlKitOptions): Promise<SqlKit> {
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), 'scaleout-sql-')));
  const layout = layoutFor(component, options);
  const messages: LoggedMessage[] = [];
  const registry = createConnectionRegistry(
    options.connections.map((c) => ConnectionManagerDef.parse({ description: '', ...(c as object) })),
    { workDir, addSecret: () => undefined },
  );
  const abort = new AbortController();
  const variables = new Map(Object.entries(options.variables ?? {}));
  const task = createTaskContext(workDir, registry, variables, messages, abort.signal);
  const rows = new Map<string, Row[]>();
  const emits: { output: string; count: number }[] = [];
  let pending = 0;
  let maxPending = 0;
  const context: ComponentContext = {
    name: component.name,
    path: `\\Package\\Data Flow\\${component.name}`,
    inputs: layout.inputs,
    outputs: layout.outputs,
    isConnected: (output) => layout.connected.has(output),
    async emit(output, emitted) {
      const columns = layout.outputs.get(output);
      if (!columns) throw new Error(`${component.name} has no output ${output}`);
      for (const row of emitted)
        if (row.length !== columns.length)
          throw new Error(`${output}: a row of ${row.length} values for ${columns.length} columns`);
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
    bufferRows: options.bufferRows ?? 10_000,
    signal: abort.signal,
    task,
    compile: () => {
      throw new Error('the SQL components compile no expressions');
    },
    tempDir: () => mkdtemp(join(workDir, 'temp-')),
  };
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
    async runSource(runtime) {
      try {
        await runtime.run?.();
      } finally {
        await runtime.close?.();
      }
    },
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
