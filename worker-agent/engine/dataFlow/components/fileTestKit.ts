/**
 * A small real ComponentContext for the file components' tests, built on componentTestKit: flatFile
 * connections opened by the engine's connection registry from real definitions, emitted rows
 * collected per output, unconnected ones too (or handed to a callback, for tests that must not keep
 * them), log messages collected.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { z } from 'zod';
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { SOURCE_ERROR_COLUMNS } from '../../../../master-core/protocol/dataFlowMetadata';
import { FlatFileConnection } from '../../../../master-core/protocol/packageFormat';
import { createConnectionRegistry } from '../../connections/registry';
import type { ComponentContext, ComponentFactory, ComponentRuntime, Row } from '../types';
import { createTestComponentContext, createTestTaskContext, runSource } from './componentTestKit';
import type { LoggedMessage } from './componentTestKit';

export { runSource } from './componentTestKit';
export type { LoggedMessage } from './componentTestKit';

export interface FileContextOptions {
  workDir: string;
  /** flatFile connection managers, as a package declares them (defaults applied). */
  connections?: z.input<typeof FlatFileConnection>[] | Omit<z.input<typeof FlatFileConnection>, 'type'>[];
  inputs?: Record<string, ColumnMeta[]>;
  outputs?: Record<string, ColumnMeta[]>;
  /** Outputs that feed a path; default every output. */
  connected?: string[];
  bufferRows?: number;
  signal?: AbortSignal;
  /** Called for every emitted buffer; when given, rows are not collected. */
  onEmit?: (output: string, rows: Row[]) => Promise<void> | void;
}

export interface FileTestContext extends ComponentContext {
  /** Rows emitted per output (unless onEmit was given). */
  rowsOf(output: string): Row[];
  /** Sizes of the buffers emitted per output. */
  buffersOf(output: string): number[];
  readonly messages: LoggedMessage[];
  texts(level?: LoggedMessage['level']): string[];
  /** Closes the connections the registry opened. */
  dispose(): Promise<void>;
}

export function createFileTestContext(options: FileContextOptions): FileTestContext {
  const defs = (options.connections ?? []).map((c) => FlatFileConnection.parse({ type: 'flatFile', ...c }));
  const registry = createConnectionRegistry(defs, { workDir: options.workDir, addSecret: () => {} });
  const signal = options.signal ?? new AbortController().signal;
  const messages: LoggedMessage[] = [];
  const rows = new Map<string, Row[]>();
  const buffers = new Map<string, number[]>();
  const outputs = new Map(Object.entries(options.outputs ?? {}));
  const context = createTestComponentContext({
    name: 'Component',
    inputs: new Map(Object.entries(options.inputs ?? {})),
    outputs,
    connected: new Set(options.connected ?? outputs.keys()),
    task: createTestTaskContext({ workDir: options.workDir, signal, messages, registry }),
    bufferRows: options.bufferRows ?? 1000,
    record(output, emitted) {
      const sizes = buffers.get(output) ?? [];
      buffers.set(output, sizes);
      sizes.push(emitted.length);
      if (options.onEmit) return options.onEmit(output, emitted);
      const kept = rows.get(output) ?? [];
      rows.set(output, kept);
      for (const row of emitted) kept.push(row);
    },
  });
  return {
    ...context,
    rowsOf: (output) => rows.get(output) ?? [],
    buffersOf: (output) => buffers.get(output) ?? [],
    messages,
    texts: (level) => messages.filter((m) => !level || m.level === level).map((m) => m.message),
    dispose: () => registry.closeAll(),
  };
}

/** Feeds rows to a destination in buffers, ends its input and closes it, as the runner does. */
export async function runDestination(runtime: ComponentRuntime, rows: readonly Row[], bufferRows = 1000) {
  try {
    for (let i = 0; i < rows.length; i += bufferRows)
      await runtime.receive!('Input', rows.slice(i, i + bufferRows));
    await runtime.end!('Input');
  } finally {
    await runtime.close?.();
  }
}

export interface FileSourceRun extends Omit<FileContextOptions, 'connections' | 'outputs'> {
  /** The file the source reads (relative to workDir, or absolute). */
  file: string;
  /** Written to the file first; when absent the file is read as it is. */
  content?: string | Buffer;
  /** The connection's other properties: delimiter, textQualifier, encoding... */
  connection?: Omit<z.input<typeof FlatFileConnection>, 'type' | 'name' | 'connectionString'>;
  /** Default: Output (the source's columns) and Error (SOURCE_ERROR_COLUMNS). */
  outputs?: Record<string, ColumnMeta[]>;
}

/**
 * Runs a file source over its file, as a package would: through a flatFile connection of the
 * name the source gives; returns the context with what the source emitted and logged.
 */
export async function runFileSource<D extends ComponentOf<'flatFileSource' | 'jsonLinesSource'>>(
  factory: ComponentFactory<D>,
  def: D,
  { file, content, connection, ...options }: FileSourceRun,
): Promise<FileTestContext> {
  if (content !== undefined) await writeFile(resolve(options.workDir, file), content);
  const context = createFileTestContext({
    connections: [{ name: def.connection, connectionString: file, ...connection }],
    outputs: { Output: def.columns, Error: [...SOURCE_ERROR_COLUMNS] },
    ...options,
  });
  await runSource(factory(def, context));
  return context;
}

/** A fresh folder under the system temp folder; `remove` deletes it. */
export async function createTempFolder(prefix = 'scaleout-files-') {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A fresh folder for the tests of this file: made before they run, removed after. */
export function useTempFolder(prefix?: string): { readonly path: string } {
  let folder: Awaited<ReturnType<typeof createTempFolder>> | undefined;
  beforeAll(async () => {
    folder = await createTempFolder(prefix);
  });
  afterAll(() => folder?.remove());
  return {
    get path() {
      if (!folder) throw new Error('the temp folder exists while the tests run');
      return folder.path;
    },
  };
}
