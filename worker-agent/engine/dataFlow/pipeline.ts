/**
 * Runs a Data Flow task: lays out its columns (dataFlowMetadata.ts), creates every component,
 * runs the sources concurrently and pushes their buffers along the paths. A component's `emit`
 * resolves when every component downstream has taken the rows, so a slow destination slows the
 * sources down and memory stays bounded. When a component's inputs have all ended, its outputs
 * end in turn. The first failure stops everything (the others see the abort at their next buffer)
 * and every component is closed, whatever happened.
 *
 * Rows sent along each path and each component's own time are returned for the execution's data
 * statistics (SSIS catalog.execution_data_statistics) and logged at the end.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLUMN_SCOPE } from '../../../master-core/protocol/expressionLanguage';
import { layoutDataFlow } from '../../../master-core/protocol/dataFlowMetadata';
import type { ColumnMeta, ResolvedPath } from '../../../master-core/protocol/dataFlowMetadata';
import type { DataFlowComponent } from '../../../master-core/protocol/dataFlowFormat';
import type { DataFlowTask } from '../../../master-core/protocol/packageFormat';
import { evaluateWithSlots, parsedExpression } from '../expressions';
import type { TaskContext, Value } from '../taskApi';
import { COMPONENT_FACTORIES } from './components';
import type { ComponentContext, ComponentRuntime, Row } from './types';

export interface PathStatistic {
  /** "Source.Output -> Destination.Input" */
  path: string;
  from: string;
  to: string;
  rows: number;
}

export interface DataFlowStatistics {
  paths: PathStatistic[];
  /** Component name -> ms spent in its own code (not waiting for components downstream). */
  componentMs: Record<string, number>;
}

interface Node {
  definition: DataFlowComponent;
  runtime: ComponentRuntime;
  /** Inputs that have not ended yet. */
  openInputs: Set<string>;
  ownMs: number;
  tempDir: string | null;
}

const find = (columns: readonly ColumnMeta[], name: string) =>
  columns.findIndex((c) => c.name.toLowerCase() === name.toLowerCase());

/**
 * Runs the flow; `report` gets the statistics when it ends, also when it fails or is stopped
 * (rows per path up to that point: what an operator needs most then).
 */
export async function runDataFlow(
  task: DataFlowTask,
  context: TaskContext,
  report: (statistics: DataFlowStatistics) => void = () => undefined,
): Promise<DataFlowStatistics> {
  const { layout, problems } = layoutDataFlow(task, (reference) => {
    try {
      context.getVariable(reference);
      return true;
    } catch {
      return false;
    }
  });
  if (problems.length > 0)
    throw new Error(
      `the data flow is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );

  const abort = new AbortController();
  const onAbort = () => abort.abort(context.signal.reason);
  context.signal.addEventListener('abort', onAbort, { once: true });
  const counts = new Map<number, number>(layout.paths.map((p) => [p.index, 0]));
  const nodes = new Map<string, Node>();
  const pathsFrom = (component: string, output: string) =>
    layout.paths.filter((p) => p.from.component === component && p.from.port === output);
  const byName = new Map(task.components.map((c) => [c.name, c]));
  // A component's own time: inside its calls, minus the emits it makes (downstream work). The
  // caller of each call is found through async context, so concurrent sources do not mix up.
  const calls = new AsyncLocalStorage<{ nested: number }>();

  async function timed<T>(node: Node, work: () => Promise<T>): Promise<T> {
    const frame = { nested: 0 };
    const caller = calls.getStore();
    const start = performance.now();
    try {
      return await calls.run(frame, work);
    } finally {
      const elapsed = performance.now() - start;
      node.ownMs += Math.max(0, elapsed - frame.nested);
      if (caller) caller.nested += elapsed;
    }
  }

  async function deliver(path: ResolvedPath, rows: Row[]): Promise<void> {
    if (abort.signal.aborted) throw abortError();
    counts.set(path.index, counts.get(path.index)! + rows.length);
    const target = nodes.get(path.to.component)!;
    if (!target.runtime.receive) return;
    await timed(target, () => target.runtime.receive!(path.to.port, rows));
  }

  async function endInput(path: ResolvedPath): Promise<void> {
    const target = nodes.get(path.to.component)!;
    target.openInputs.delete(path.to.port);
    // Decided before awaiting: two inputs ending at once must not both end the outputs.
    const last = target.openInputs.size === 0;
    if (target.runtime.end) await timed(target, () => target.runtime.end!(path.to.port));
    if (last) await endOutputs(target.definition.name);
  }

  async function endOutputs(component: string): Promise<void> {
    const outgoing = layout.paths.filter((p) => p.from.component === component);
    await Promise.all(outgoing.map((p) => endInput(p)));
  }

  function abortError(): Error {
    const reason = abort.signal.reason as unknown;
    return reason instanceof Error ? reason : new Error('the data flow was stopped');
  }

  function compile(component: string, inputs: ReadonlyMap<string, readonly ColumnMeta[]>) {
    return (expression: string, input?: string): ((row: Row) => Value) => {
      const columns = (input ? inputs.get(input) : (inputs.get('Input') ?? [...inputs.values()][0])) ?? [];
      const parsed = parsedExpression(expression, false, true);
      const binders = parsed.references.map((reference): ((row: Row) => Value) => {
        if (reference.startsWith(`${COLUMN_SCOPE}::`)) {
          const name = reference.slice(COLUMN_SCOPE.length + 2);
          const index = find(columns, name);
          if (index < 0)
            throw new Error(`${component}: no input column ${name} in ${JSON.stringify(expression)}`);
          return (row) => row[index] as Value;
        }
        const value = context.getVariable(reference);
        return () => value;
      });
      return (row) =>
        evaluateWithSlots(
          parsed,
          binders.map((bind) => bind(row)),
        );
    };
  }

  try {
    for (const name of layout.order) {
      const definition = byName.get(name)!;
      const inputs = layout.inputs.get(name)!;
      const outputs = layout.outputs.get(name)!;
      const node: Node = {
        definition,
        runtime: {},
        openInputs: new Set(inputs.keys()),
        ownMs: 0,
        tempDir: null,
      };
      nodes.set(name, node);
      const componentContext: ComponentContext = {
        name,
        path: `${context.packagePath}\\${name}`,
        inputs,
        outputs,
        isConnected: (output) => pathsFrom(name, output).length > 0,
        emit: async (output, rows) => {
          if (rows.length === 0) return;
          if (abort.signal.aborted) throw abortError();
          const targets = pathsFrom(name, output);
          if (targets.length === 1) await deliver(targets[0]!, rows);
          else if (targets.length > 1) await Promise.all(targets.map((p) => deliver(p, rows)));
        },
        bufferRows: task.defaultBufferMaxRows,
        signal: abort.signal,
        task: context,
        compile: compile(name, inputs),
        tempDir: async () => {
          node.tempDir ??= await mkdtemp(join(tmpdir(), 'scaleout-dataflow-'));
          return node.tempDir;
        },
      };
      const factory = COMPONENT_FACTORIES[definition.type] as
        ((d: DataFlowComponent, c: ComponentContext) => ComponentRuntime) | undefined;
      if (!factory) throw new Error(`component type ${definition.type} cannot run on this worker`);
      node.runtime = factory(definition, componentContext);
    }

    const sources = [...nodes.values()].filter((n) => n.runtime.run);
    const runs = sources.map(async (node) => {
      try {
        await timed(node, () => node.runtime.run!());
        await endOutputs(node.definition.name);
      } catch (error) {
        if (!abort.signal.aborted) abort.abort(error);
        throw error;
      }
    });
    const results = await Promise.allSettled(runs);
    if (abort.signal.aborted) throw abortError();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    // Close downstream first, so a destination finishes (or rolls back) before its sources close.
    for (const name of [...layout.order].reverse()) {
      const node = nodes.get(name);
      if (!node) continue;
      try {
        await node.runtime.close?.();
      } catch (error) {
        context.log.warning(`${name}: closing failed: ${(error as Error).message}`);
      }
      if (node.tempDir) await rm(node.tempDir, { recursive: true, force: true }).catch(() => undefined);
    }
    report(statistics());
  }

  const result = statistics();
  for (const p of result.paths) context.log.information(`${p.path}: ${p.rows} rows`);
  return result;

  function statistics(): DataFlowStatistics {
    const paths = layout.paths.map((p) => {
      const from = `${p.from.component}.${p.from.port}`;
      const to = `${p.to.component}.${p.to.port}`;
      return { path: `${from} -> ${to}`, from, to, rows: counts.get(p.index)! };
    });
    const componentMs = Object.fromEntries([...nodes].map(([name, n]) => [name, Math.round(n.ownMs)]));
    return { paths, componentMs };
  }
}
