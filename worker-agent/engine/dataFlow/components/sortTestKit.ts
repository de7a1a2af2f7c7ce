/**
 * A real ComponentContext for the Sort and Merge Join tests, built on componentTestKit: the
 * definition is parsed by the package schema, inputs and outputs come from layoutDataFlow over the
 * real data flow a test gives, emit records (or hands to a callback) what the component sends,
 * tempDir() is a real directory under os.tmpdir(). Tests then
 * drive the runtime as the pipeline runner does: receive per buffer, end per input, close.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ColumnType, ComponentOf, DataFlowPath } from '../../../../master-core/protocol/dataFlowFormat';
import { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import { layoutDataFlow } from '../../../../master-core/protocol/dataFlowMetadata';
import type { ComponentContext, ComponentRuntime, Row } from '../types';
import { createTestComponentContext, createTestTaskContext } from './componentTestKit';
import type { LoggedMessage } from './componentTestKit';

/** A JSON lines source declaring columns: what feeds the component under test. */
export function testSource(name: string, columns: Record<string, ColumnType>): unknown {
  return {
    type: 'jsonLinesSource',
    name,
    connection: 'Rows',
    columns: Object.entries(columns).map(([column, dataType]) => ({ name: column, dataType })),
  };
}

export interface TestKitOptions {
  /** Components as a package file writes them (parsed, so defaults apply). */
  components: unknown[];
  paths: DataFlowPath[];
  /** The component under test. */
  component: string;
  bufferRows?: number;
  /** Receives every emitted buffer; when given, rows are not kept (for large runs). */
  onEmit?: (output: string, rows: Row[]) => void | Promise<void>;
}

export interface TestKit<T> {
  definition: T;
  context: ComponentContext;
  /** Rows emitted on an output, in order (unless onEmit was given). */
  emitted(output?: string): Row[];
  /** Sizes of the emitted buffers, in order. */
  readonly bufferSizes: number[];
  readonly messages: LoggedMessage[];
  abort(reason?: unknown): void;
  /** Files now in the component's temp directory ([] when it never asked for one). */
  tempFiles(): Promise<string[]>;
  /** Removes the temp directory. */
  dispose(): Promise<void>;
}

/** Builds the context of `options.component` from a real data flow; throws on layout problems. */
export function createTestKit<K extends DataFlowComponent['type']>(
  type: K,
  options: TestKitOptions,
): TestKit<ComponentOf<K>> {
  const components = options.components.map((c) => DataFlowComponent.parse(c));
  const { layout, problems } = layoutDataFlow({ components, paths: options.paths });
  if (problems.length > 0)
    throw new Error(`test data flow: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  const definition = components.find((c) => c.name === options.component);
  if (definition?.type !== type) throw new Error(`test data flow has no ${type} named ${options.component}`);
  const controller = new AbortController();
  const messages: LoggedMessage[] = [];
  const bufferSizes: number[] = [];
  const emitted = new Map<string, Row[]>();
  let dir: Promise<string> | undefined;

  const context = createTestComponentContext({
    name: definition.name,
    inputs: layout.inputs.get(definition.name)!,
    outputs: layout.outputs.get(definition.name)!,
    connected: new Set(
      layout.paths.filter((p) => p.from.component === definition.name).map((p) => p.from.port),
    ),
    task: createTestTaskContext({ workDir: tmpdir(), signal: controller.signal, messages }),
    bufferRows: options.bufferRows ?? 10_000,
    checkTypes: false,
    record(output, rows) {
      bufferSizes.push(rows.length);
      if (options.onEmit) return options.onEmit(output, rows);
      const list = emitted.get(output) ?? [];
      for (const row of rows) list.push(row);
      emitted.set(output, list);
    },
    tempDir: () => (dir ??= mkdtemp(join(tmpdir(), 'scaleout-component-'))),
  });
  return {
    definition: definition as ComponentOf<K>,
    context,
    emitted: (output = 'Output') => emitted.get(output) ?? [],
    bufferSizes,
    messages,
    abort: (reason) => controller.abort(reason),
    tempFiles: async () => (dir ? readdir(await dir) : []),
    dispose: async () => {
      if (dir) await rm(await dir, { recursive: true, force: true });
    },
  };
}

/** Feeds rows to one input in buffers of `bufferRows`, awaiting each receive, then ends it. */
export async function produce(
  runtime: ComponentRuntime,
  input: string,
  rows: Iterable<Row>,
  bufferRows: number,
  onBuffer?: (sent: number) => void | Promise<void>,
): Promise<void> {
  let buffer: Row[] = [];
  let sent = 0;
  for (const row of rows) {
    buffer.push(row);
    if (buffer.length >= bufferRows) {
      await runtime.receive!(input, buffer);
      sent += buffer.length;
      buffer = [];
      await onBuffer?.(sent);
    }
  }
  if (buffer.length > 0) await runtime.receive!(input, buffer);
  await runtime.end!(input);
}

/** Whether a promise has settled by the time pending I/O and timers of this turn have run. */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}
