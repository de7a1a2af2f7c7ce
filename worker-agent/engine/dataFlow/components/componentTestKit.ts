/**
 * The real contexts every component test kit builds on (transformTestKit, sqlTestKit, fileTestKit,
 * sortTestKit). A TaskContext logs into a list, opens connections through the real registry and
 * reads variables from a map; what a kit does not give it (no registry, no variables) is refused, so
 * a component that reaches for it fails its test. A ComponentContext checks every emitted row
 * against its output's layout (the runner's contract) before the kit records it. The kits differ
 * only in how they lay the component out and what they record, which their tests assert on.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { layoutDataFlow } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { ConnectionManagerDef } from '../../../../master-core/protocol/packageFormat';
import { createConnectionRegistry } from '../../connections/registry';
import type { ConnectionRegistry } from '../../connections/registry';
import { evaluateParsed, parsedExpression, textOf } from '../../expressions';
import type { TaskContext, Value } from '../../taskApi';
import type { ComponentContext, ComponentRuntime, Row } from '../types';

export interface LoggedMessage {
  level: 'information' | 'warning' | 'error' | 'progress';
  message: string;
}

/** Parses a component as a package file would (defaults applied). */
export function defineComponent<T extends DataFlowComponent['type']>(
  raw: { type: T } & Record<string, unknown>,
): ComponentOf<T> {
  return DataFlowComponent.parse({ description: '', ...raw }) as ComponentOf<T>;
}

const ofType: Record<ColumnMeta['dataType'], (v: unknown) => boolean> = {
  String: (v) => typeof v === 'string',
  Int32: (v) => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 31,
  Int64: (v) => Number.isSafeInteger(v),
  Double: (v) => typeof v === 'number' && Number.isFinite(v),
  Decimal: (v) => typeof v === 'number' && Number.isFinite(v),
  Boolean: (v) => typeof v === 'boolean',
  DateTime: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
  Bytes: (v) => Buffer.isBuffer(v),
};

/**
 * Throws unless the row is laid out as the columns say (the runner's contract): a value per column
 * and, unless `types` is false, each value of its column's type.
 */
export function checkRow(row: Row, columns: readonly ColumnMeta[], where: string, types = true): void {
  if (!Array.isArray(row) || row.length !== columns.length)
    throw new Error(`${where}: a row of ${row?.length} values for ${columns.length} columns`);
  if (!types) return;
  columns.forEach((column, i) => {
    const value = row[i];
    if (value !== null && !ofType[column.dataType](value))
      throw new Error(`${where}: column ${column.name} (${column.dataType}) holds ${String(value)}`);
  });
}

function unavailable(what: string): never {
  throw new Error(`${what} is not available in component tests`);
}

export interface TestTaskOptions {
  workDir: string;
  signal: AbortSignal;
  /** Collects the log; progress reads "<percent>% <message>". */
  messages: LoggedMessage[];
  /** Opens the connections; without it none is available. */
  registry?: ConnectionRegistry;
  /** Variables and parameters ("User::X" -> value); without them none is available. */
  variables?: Map<string, Value>;
}

/**
 * A TaskContext as the engine gives a Data Flow task, over a registry and a variable map
 * (substitute writes values as the engine does).
 */
export function createTestTaskContext(options: TestTaskOptions): TaskContext {
  const { variables, registry, messages } = options;
  const getVariable = (reference: string): Value => {
    if (!variables) return unavailable('getVariable');
    if (!variables.has(reference)) throw new Error(`unknown variable ${reference}`);
    return variables.get(reference) ?? null;
  };
  const log = (level: LoggedMessage['level']) => (message: string) => void messages.push({ level, message });
  return {
    name: 'Data Flow',
    packagePath: '\\Package\\Data Flow',
    signal: options.signal,
    workDir: options.workDir,
    nodePath: process.execPath,
    log: {
      information: log('information'),
      warning: log('warning'),
      error: log('error'),
      progress: (percent, message = '') => log('progress')(`${percent}% ${message}`.trim()),
    },
    evaluate: (expression) =>
      variables ? evaluateParsed(parsedExpression(expression), getVariable) : unavailable('evaluate'),
    substitute: (text) =>
      variables ? text.replace(/@\[([^\]]+)\]/g, (_m, ref: string) => textOf(getVariable(ref.trim()))) : text,
    getVariable,
    setVariable: (reference, value) => {
      getVariable(reference);
      variables!.set(reference, value as Value);
    },
    connection: (name, type) => (registry ? registry.open(name, type) : unavailable('connection')),
    variableNames: () => [...(variables?.keys() ?? [])],
    addSecret: () => undefined,
  };
}

export interface KitTask {
  readonly task: TaskContext;
  readonly registry: ConnectionRegistry;
  readonly abort: AbortController;
  readonly messages: LoggedMessage[];
  readonly variables: Map<string, Value>;
}

/**
 * The TaskContext of a kit over connection managers (as a package declares them, paths relative
 * to workDir) and variables ("User::X" -> value); `abort` stops it.
 */
export function createKitTask(
  workDir: string,
  connections: readonly unknown[],
  variableValues: Record<string, Value> = {},
): KitTask {
  const registry = createConnectionRegistry(
    connections.map((c) => ConnectionManagerDef.parse(c)),
    { workDir, addSecret: () => undefined },
  );
  const abort = new AbortController();
  const messages: LoggedMessage[] = [];
  const variables = new Map(Object.entries(variableValues));
  const task = createTestTaskContext({ workDir, signal: abort.signal, messages, registry, variables });
  return { task, registry, abort, messages, variables };
}

/** A component's inputs and outputs, and the outputs that feed a path. */
export interface TestLayout {
  inputs: ReadonlyMap<string, readonly ColumnMeta[]>;
  outputs: ReadonlyMap<string, readonly ColumnMeta[]>;
  connected: ReadonlySet<string>;
}

/**
 * The component's layout inside a real data flow: a SQL source per input (input name -> its
 * columns: "Input"; "Input 1", "Input 2"... for Union All) -> the component -> a destination per
 * connected output (default every output).
 */
export function layoutInDataFlow(
  component: DataFlowComponent,
  inputs: Record<string, ColumnMeta[]>,
  connected?: string[],
): TestLayout {
  const sources = Object.entries(inputs).map(([input, columns], i) => ({
    input,
    source: {
      type: 'sqlSource' as const,
      name: `Kit source ${i + 1}`,
      description: '',
      connection: 'Kit',
      query: 'SELECT 1',
      parameters: [],
      columns,
    },
  }));
  const into = (input: string) =>
    component.type === 'unionAll' || input === 'Input' ? component.name : `${component.name}.${input}`;
  const inPaths = sources.map((s) => ({ from: s.source.name, to: into(s.input) }));
  const bare = layoutDataFlow({ components: [...sources.map((s) => s.source), component], paths: inPaths });
  const fed = connected ?? [...(bare.layout.outputs.get(component.name)?.keys() ?? [])];
  const sinks = fed.map((_output, i) => ({
    type: 'jsonLinesDestination' as const,
    name: `Kit sink ${i + 1}`,
    description: '',
    connection: 'Kit',
    overwrite: true,
  }));
  const outPaths = fed.map((output, i) => ({ from: `${component.name}.${output}`, to: sinks[i]!.name }));
  const { layout, problems } = layoutDataFlow({
    components: [...sources.map((s) => s.source), component, ...sinks],
    paths: [...inPaths, ...outPaths],
  });
  if (problems.length > 0)
    throw new Error(
      `the test data flow has problems: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  return {
    inputs: layout.inputs.get(component.name)!,
    outputs: layout.outputs.get(component.name)!,
    connected: new Set(fed),
  };
}

export interface TestContextOptions extends TestLayout {
  /** The component's name (its path is \Package\Data Flow\<name>). */
  name: string;
  task: TaskContext;
  bufferRows: number;
  /** Gets each emit once its rows have been checked against the output's layout. */
  record(output: string, rows: Row[]): void | Promise<void>;
  /**
   * Whether emitted values must be of their column's type (default true). False where tests feed
   * values outside their type on purpose (a value a database refuses, an Int64 past 2^53) that the
   * component passes on as they came: then only the row's width is checked.
   */
  checkTypes?: boolean;
  /** Default: none (a component that compiles expressions needs the transform kit). */
  compile?: ComponentContext['compile'];
  /** Default: a new directory in the task's work directory per call. */
  tempDir?: () => Promise<string>;
}

/** A ComponentContext as the runner gives one (signal: the task's). */
export function createTestComponentContext(options: TestContextOptions): ComponentContext {
  const { name, outputs, connected, task } = options;
  return {
    name,
    path: `\\Package\\Data Flow\\${name}`,
    inputs: options.inputs,
    outputs,
    isConnected: (output) => connected.has(output),
    async emit(output, rows) {
      const columns = outputs.get(output);
      if (!columns) throw new Error(`${name} has no output ${output}`);
      rows.forEach((row, i) => checkRow(row, columns, `${output} row ${i}`, options.checkTypes));
      await options.record(output, rows);
    },
    bufferRows: options.bufferRows,
    signal: task.signal,
    task,
    compile: options.compile ?? (() => unavailable('compile')),
    tempDir: options.tempDir ?? (() => mkdtemp(join(task.workDir, 'temp-'))),
  };
}

/** Runs a source to its end and closes it, as the runner does. */
export async function runSource(runtime: ComponentRuntime): Promise<void> {
  try {
    await runtime.run!();
  } finally {
    await runtime.close?.();
  }
}

/** A list for the kits a test makes: each is disposed after the test. */
export function disposedAfterEach<K extends { dispose(): Promise<void> }>(): K[] {
  const kits: K[] = [];
  afterEach(async () => {
    await Promise.all(kits.splice(0).map((k) => k.dispose()));
  });
  return kits;
}
