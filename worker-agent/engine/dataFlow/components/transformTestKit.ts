/**
 * A real ComponentContext for transformation tests, built on componentTestKit. The layouts come
 * from layoutDataFlow on a small real data flow (synthetic sources -> the component -> synthetic
 * destinations), so a
 * component sees exactly the inputs and outputs the runner gives it; expressions compile with the
 * real parser and interpreter; connections open through the real registry. `emit` checks every
 * row against its output's layout (length and value types) and resolves a tick later, and the kit
 * refuses a receive or end that returned before the rows it emitted were processed (an emit that
 * was not awaited).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataFlowComponent } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { COLUMN_SCOPE, parseExpression } from '../../../../master-core/protocol/expressionLanguage';
import type { ConnectionRegistry } from '../../connections/registry';
import { evaluateParsed } from '../../expressions';
import type { TaskContext, Value } from '../../taskApi';
import type { ComponentContext, ComponentFactory, ComponentRuntime, Row } from '../types';
import { checkRow, createKitTask, createTestComponentContext, layoutInDataFlow } from './componentTestKit';
import type { LoggedMessage } from './componentTestKit';

export { defineComponent } from './componentTestKit';
export type { LoggedMessage } from './componentTestKit';

export interface TransformKitOptions {
  /** Input name -> its columns: "Input" for most, "Input 1", "Input 2"... for Union All. */
  inputs: Record<string, ColumnMeta[]>;
  /** Outputs that feed a path; default every output of the component. */
  connected?: string[];
  /** Variables and parameters expressions and setVariable may use ("User::X" -> value). */
  variables?: Record<string, Value>;
  /** Connection managers, as a package declares them (connection strings relative to workDir). */
  connections?: unknown[];
  bufferRows?: number;
}

export interface TransformKit {
  readonly context: ComponentContext;
  readonly workDir: string;
  /** Output name -> every row emitted to it (connected outputs only), in order. */
  readonly rows: Map<string, Row[]>;
  /** Every emit: output and row count, in order (to check buffer sizes). */
  readonly emits: { output: string; count: number }[];
  readonly messages: LoggedMessage[];
  readonly variables: Map<string, Value>;
  readonly registry: ConnectionRegistry;
  readonly abort: AbortController;
  /** Rows of an output ([] when none came). */
  out(output: string): Row[];
  /** Calls receive, then checks every emit it made had resolved. */
  receive(runtime: ComponentRuntime, input: string, rows: Row[]): Promise<void>;
  end(runtime: ComponentRuntime, input: string): Promise<void>;
  /** Feeds each input its buffers (input by input), ends every input, then closes the runtime. */
  run(runtime: ComponentRuntime, buffers: Record<string, Row[][]>): Promise<void>;
  /** Closes the connections and removes the work directory. */
  dispose(): Promise<void>;
}

/** compile() as the runner does it: [Column] -> the row's value, @[Scope::X] -> read once now. */
function compileWith(
  inputs: ReadonlyMap<string, readonly ColumnMeta[]>,
  task: TaskContext,
): ComponentContext['compile'] {
  return (expression, input = 'Input') => {
    const columns = inputs.get(input);
    if (!columns) throw new Error(`no input ${input}`);
    const parsed = parseExpression(expression, { columns: true });
    const prefix = `${COLUMN_SCOPE}::`;
    const readers = new Map(
      parsed.references.map((reference): [string, (row: Row) => Value] => {
        if (!reference.startsWith(prefix)) {
          const value = task.getVariable(reference);
          return [reference, () => value];
        }
        const name = reference.slice(prefix.length).toLowerCase();
        const index = columns.findIndex((c) => c.name.toLowerCase() === name);
        if (index < 0) throw new Error(`no input column ${reference.slice(prefix.length)}`);
        return [reference, (row) => row[index] as Value];
      }),
    );
    return (row) => evaluateParsed(parsed, (reference) => readers.get(reference)!(row));
  };
}

export async function createTransformKit(
  component: DataFlowComponent,
  options: TransformKitOptions,
): Promise<TransformKit> {
  const workDir = await mkdtemp(join(tmpdir(), 'scaleout-transform-'));
  const layout = layoutInDataFlow(component, options.inputs, options.connected);
  const kitTask = createKitTask(workDir, options.connections ?? [], options.variables);
  const { registry, abort, messages, variables } = kitTask;
  const task: TaskContext = {
    ...kitTask.task,
    evaluate: () => {
      throw new Error('data flow components compile expressions with context.compile');
    },
  };
  const rows = new Map<string, Row[]>();
  const emits: { output: string; count: number }[] = [];
  let pending = 0;
  const context = createTestComponentContext({
    ...layout,
    name: component.name,
    task,
    bufferRows: options.bufferRows ?? 10_000,
    compile: compileWith(layout.inputs, task),
    async record(output, emitted) {
      if (!layout.connected.has(output) || emitted.length === 0) return;
      emits.push({ output, count: emitted.length });
      rows.set(output, [...(rows.get(output) ?? []), ...emitted.map((r) => [...r])]);
      pending += 1;
      await new Promise((resolve) => setImmediate(resolve));
      pending -= 1;
    },
  });
  const settled = (what: string) => {
    if (pending > 0) throw new Error(`${what} returned before ${pending} emit(s) resolved: await emit`);
  };
  const receive = async (runtime: ComponentRuntime, input: string, buffer: Row[]) => {
    const columns = layout.inputs.get(input);
    if (!columns) throw new Error(`${component.name} has no input ${input}`);
    buffer.forEach((row, i) => checkRow(row, columns, `${input} row ${i}`));
    await runtime.receive?.(input, buffer);
    settled('receive');
  };
  const end = async (runtime: ComponentRuntime, input: string) => {
    await runtime.end?.(input);
    settled('end');
  };
  return {
    context,
    workDir,
    rows,
    emits,
    messages,
    variables,
    registry,
    abort,
    out: (output) => rows.get(output) ?? [],
    receive,
    end,
    async run(runtime, buffers) {
      try {
        for (const [input, list] of Object.entries(buffers))
          for (const buffer of list) await receive(runtime, input, buffer);
        for (const input of layout.inputs.keys()) await end(runtime, input);
      } finally {
        await runtime.close?.();
      }
    },
    async dispose() {
      await registry.closeAll();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Creates the kit and the component's runtime in one step (the kit is removed if creation fails). */
export async function setUp<T extends DataFlowComponent>(
  factory: ComponentFactory<T>,
  component: T,
  options: TransformKitOptions,
): Promise<{ kit: TransformKit; runtime: ComponentRuntime }> {
  const kit = await createTransformKit(component, options);
  try {
    return { kit, runtime: factory(component, kit.context) };
  } catch (error) {
    await kit.dispose();
    throw error;
  }
}
