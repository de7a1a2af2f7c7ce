/**
 * A small real ComponentContext for the file components' tests, built on componentTestKit: flatFile
 * connections opened by the engine's connection registry from real definitions, emitted rows
 * collected per output, unconnected ones too (or handed to a callback, for tests that must not keep
 * them), log messages collected.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import type { ColumnMeta } from '../../../../master-core/protocol/dataFlowMetadata';
import { FlatFileConnection } from '../../../../master-core/protocol/packageFormat';
import { createConnectionRegistry } from '../../connections/registry';
import type { ComponentContext, ComponentRuntime, Row } from '../types';
import { createTestComponentContext, createTestTaskContext } from './componentTestKit';
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

/** A fresh folder under the system temp folder; `remove` deletes it. */
export async function createTempFolder(prefix = 'scaleout-files-') {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
