/**
 * Sort: an external merge sort with bounded memory. Rows gather in memory up to maxRowsInMemory;
 * each full batch is sorted and spilled to a run file in the component's temp directory. At the
 * end the runs and the in-memory tail are merged through a heap and emitted in buffers of
 * `bufferRows`, each emit awaited. With more than MAX_FAN_IN runs, consecutive runs are first
 * merged into longer ones, so open files and read buffers stay bounded too.
 *
 * Stable: rows with equal keys leave in their input order (Array#sort is stable, and the merge
 * breaks ties by run, runs being in input order). removeDuplicates keeps the first row of a key.
 *
 * Run files are frames of [u32 length][v8.serialize(rows)], up to SPILL_BATCH_ROWS rows and about
 * FRAME_BYTES a frame (so wide rows do not swell what each run's reader holds). v8
 * keeps every cell type (Date, Buffer, null, -0, NaN). Measured on 200k mixed rows it was the most
 * compact (47 bytes a row against 58 for a tagged binary encoder and 69 for tagged JSON) and about
 * as fast as the hand-written binary encoder, with no format of our own to maintain.
 */
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { ComponentOf } from '../../../../master-core/protocol/dataFlowFormat';
import { DEFAULT_OUTPUT } from '../../../../master-core/protocol/dataFlowMetadata';
import { ScaleOutError } from '../../../../master-core/protocol/errors';
import type { ComponentContext, ComponentFactory, ComponentRuntime, Row } from '../types';
import type { RowComparator, SortKey } from './compare';
import { compareRowsBy } from './compare';

export type SortDefinition = ComponentOf<'sort'>;

/** Rows per serialized frame of a run file, fewer when rows are wide (FRAME_BYTES). */
export const SPILL_BATCH_ROWS = 1_000;
/** The size a frame aims at: what one reader holds of its run while merging. */
const FRAME_BYTES = 256 * 1024;
/** Runs merged at once; more are first merged into longer runs. */
export const MAX_FAN_IN = 64;
/** Encoded frames gathered before one write. */
const WRITE_BYTES = 1 << 20;
const FRAME_HEADER_BYTES = 4;

/** Resolves the key columns against the input; throws naming the key that is missing. */
export function sortKeysOf(definition: SortDefinition, context: ComponentContext): SortKey[] {
  const columns = context.inputs.get('Input') ?? [];
  return definition.keys.map((key, i) => {
    const index = columns.findIndex((c) => c.name.toLowerCase() === key.column.toLowerCase());
    if (index < 0)
      throw new ScaleOutError('VALIDATION_FAILED', `${context.name}: no input column ${key.column}`, {
        field: `keys.${i}.column`,
      });
    return { index, descending: key.descending };
  });
}

/** Where merged rows go: the output, or a longer run file. */
interface RowSink {
  push(row: Row): void;
  full(): boolean;
  flush(): Promise<void>;
}

/** Writes one sorted run in frames sized from the rows seen so far, WRITE_BYTES at a time. */
class RunWriter implements RowSink {
  private batch: Row[] = [];
  /** The first frame holds one row, to learn how wide rows are. */
  private batchRows = 1;
  private frames: Buffer[] = [];
  private frameBytes = 0;
  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<RunWriter> {
    return new RunWriter(await open(path, 'w'));
  }
  push(row: Row): void {
    this.batch.push(row);
  }
  full(): boolean {
    return this.batch.length >= this.batchRows;
  }
  async flush(): Promise<void> {
    if (this.batch.length > 0) {
      const body = serialize(this.batch);
      const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
      header.writeUInt32LE(body.length, 0);
      this.frames.push(header, body);
      this.frameBytes += FRAME_HEADER_BYTES + body.length;
      const rowBytes = body.length / this.batch.length;
      this.batchRows = Math.max(1, Math.min(SPILL_BATCH_ROWS, Math.floor(FRAME_BYTES / rowBytes)));
      this.batch = [];
    }
    if (this.frameBytes >= WRITE_BYTES) await this.write();
  }
  async finish(): Promise<void> {
    await this.flush();
    await this.write();
    await this.handle.close();
  }
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
  private async write(): Promise<void> {
    if (this.frames.length > 0) await this.handle.writev(this.frames);
    this.frames = [];
    this.frameBytes = 0;
  }
}

/** A position in a sorted run: the current frame's rows, refilled from the file when used up. */
class RunCursor {
  private offset = 0;
  private constructor(
    readonly run: number,
    public rows: Row[],
    public pos: number,
    private readonly handle: FileHandle | null,
  ) {}

  static inMemory(run: number, rows: Row[]): RunCursor {
    return new RunCursor(run, rows, 0, null);
  }
  static async onFile(run: number, path: string): Promise<RunCursor> {
    const cursor = new RunCursor(run, [], 0, await open(path, 'r'));
    await cursor.refill();
    return cursor;
  }
  get row(): Row | undefined {
    return this.rows[this.pos];
  }
  /** Moves on; false when the run is over. */
  async advance(): Promise<boolean> {
    this.pos += 1;
    return this.pos < this.rows.length || this.refill();
  }
  async close(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
  }
  private async refill(): Promise<boolean> {
    this.rows = [];
    this.pos = 0;
    if (!this.handle) return false;
    const header = Buffer.alloc(FRAME_HEADER_BYTES);
    const { bytesRead } = await this.handle.read(header, 0, FRAME_HEADER_BYTES, this.offset);
    if (bytesRead === 0) return false;
    const length = header.readUInt32LE(0);
    const body = Buffer.allocUnsafe(length);
    const got = await this.handle.read(body, 0, length, this.offset + FRAME_HEADER_BYTES);
    if (bytesRead < FRAME_HEADER_BYTES || got.bytesRead < length)
      throw new ScaleOutError('INTERNAL', `sort run file ended inside a frame at byte ${this.offset}`);
    this.offset += FRAME_HEADER_BYTES + length;
    this.rows = deserialize(body) as Row[];
    return this.rows.length > 0;
  }
}

/** Cursors ordered by their current row, ties by run (input order): the merge's heap. */
class CursorHeap {
  private readonly items: RunCursor[] = [];
  constructor(private readonly compare: RowComparator) {}

  get size(): number {
    return this.items.length;
  }
  get top(): RunCursor | undefined {
    return this.items[0];
  }
  add(cursor: RunCursor): void {
    this.items.push(cursor);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  /** The top changed (advanced) or, when `remove`, ended: restore the order. */
  fixTop(remove: boolean): void {
    if (remove) {
      const last = this.items.pop()!;
      if (this.items.length === 0) return;
      this.items[0] = last;
    }
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.items.length && this.before(l, m)) m = l;
      if (r < this.items.length && this.before(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
  private before(i: number, j: number): boolean {
    const a = this.items[i]!;
    const b = this.items[j]!;
    const c = this.compare(a.row!, b.row!);
    return c < 0 || (c === 0 && a.run < b.run);
  }
  private swap(i: number, j: number): void {
    const t = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = t;
  }
}

/** Merges sorted cursors into a sink (dropping repeated keys when `dedupe`), then closes them. */
async function mergeInto(
  cursors: readonly RunCursor[],
  compare: RowComparator,
  dedupe: boolean,
  sink: RowSink,
  signal: AbortSignal,
): Promise<void> {
  const heap = new CursorHeap(compare);
  try {
    for (const cursor of cursors) if (cursor.row) heap.add(cursor);
    let last: Row | undefined;
    while (heap.size > 0) {
      const cursor = heap.top!;
      const row = cursor.row!;
      if (!dedupe || last === undefined || compare(row, last) !== 0) {
        sink.push(row);
        last = row;
        if (sink.full()) {
          signal.throwIfAborted();
          await sink.flush();
        }
      }
      heap.fixTop(!(await cursor.advance()));
    }
    await sink.flush();
  } finally {
    await Promise.all(cursors.map((c) => c.close()));
  }
}

/** Sorts in place (stable) and, when `dedupe`, keeps the first row of each key. */
export function sortRows(rows: Row[], compare: RowComparator, dedupe: boolean): Row[] {
  rows.sort(compare);
  if (!dedupe) return rows;
  return rows.filter((row, i) => i === 0 || compare(rows[i - 1]!, row) !== 0);
}

export const createSort: ComponentFactory<SortDefinition> = (definition, context) =>
  new ExternalSort(definition, context);

class ExternalSort implements ComponentRuntime {
  private readonly compare: RowComparator;
  private readonly output: RowSink;
  /** Run files in input order: each run's rows came before the next run's. */
  private runs: string[] = [];
  /** Every run file not yet removed. */
  private readonly files = new Set<string>();
  private memory: Row[] = [];
  private fileCount = 0;
  private writing: RunWriter | undefined;
  private closed = false;

  constructor(
    private readonly definition: SortDefinition,
    private readonly context: ComponentContext,
  ) {
    this.compare = compareRowsBy(sortKeysOf(definition, context));
    this.output = outputSink(context, () => {
      if (this.closed) throw new ScaleOutError('INTERNAL', `${context.name} was closed while sorting`);
    });
  }

  async receive(_input: string, rows: Row[]): Promise<void> {
    this.context.signal.throwIfAborted();
    if (!this.context.isConnected(DEFAULT_OUTPUT)) return;
    for (const row of rows) {
      this.memory.push(row);
      if (this.memory.length >= this.definition.maxRowsInMemory) await this.spill();
    }
  }

  async end(): Promise<void> {
    this.context.signal.throwIfAborted();
    const tail = sortRows(this.memory, this.compare, this.definition.removeDuplicates);
    this.memory = [];
    await this.reduceRuns();
    const cursors = await openRuns(this.runs);
    cursors.push(RunCursor.inMemory(this.runs.length, tail));
    await this.merge(cursors, this.output);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.memory = [];
    await this.writing?.abandon();
    await Promise.all([...this.files].map((path) => this.removeRun(path)));
    this.runs = [];
  }

  private merge(cursors: readonly RunCursor[], sink: RowSink): Promise<void> {
    return mergeInto(cursors, this.compare, this.definition.removeDuplicates, sink, this.context.signal);
  }

  private async spill(): Promise<void> {
    this.context.signal.throwIfAborted();
    const rows = sortRows(this.memory, this.compare, this.definition.removeDuplicates);
    this.memory = [];
    const path = await this.writeRun(async (writer) => {
      for (const row of rows) {
        writer.push(row);
        if (writer.full()) await writer.flush();
      }
    });
    this.runs.push(path);
  }

  /** Merges consecutive groups of MAX_FAN_IN runs until one merge can take them all. */
  private async reduceRuns(): Promise<void> {
    while (this.runs.length + 1 > MAX_FAN_IN) {
      const next: string[] = [];
      for (let i = 0; i < this.runs.length; i += MAX_FAN_IN) {
        const group = this.runs.slice(i, i + MAX_FAN_IN);
        if (group.length === 1) {
          next.push(group[0]!);
          continue;
        }
        const cursors = await openRuns(group);
        next.push(await this.writeRun((writer) => this.merge(cursors, writer)));
        await Promise.all(group.map((path) => this.removeRun(path)));
      }
      this.runs = next;
    }
  }

  private async writeRun(fill: (writer: RunWriter) => Promise<void>): Promise<string> {
    const path = join(await this.context.tempDir(), `sort-run-${(this.fileCount += 1)}.bin`);
    this.files.add(path);
    this.writing = await RunWriter.create(path);
    await fill(this.writing);
    await this.writing.finish();
    this.writing = undefined;
    return path;
  }

  private async removeRun(path: string): Promise<void> {
    await rm(path, { force: true });
    this.files.delete(path);
  }
}

async function openRuns(paths: readonly string[]): Promise<RunCursor[]> {
  const cursors: RunCursor[] = [];
  try {
    for (const [run, path] of paths.entries()) cursors.push(await RunCursor.onFile(run, path));
  } catch (error) {
    await Promise.all(cursors.map((c) => c.close()));
    throw error;
  }
  return cursors;
}

/** Emits merged rows to the default output in buffers of bufferRows, awaiting each emit. */
function outputSink(context: ComponentContext, stopIfClosed: () => void): RowSink {
  let rows: Row[] = [];
  return {
    push: (row) => void rows.push(row),
    full: () => rows.length >= context.bufferRows,
    async flush() {
      if (rows.length === 0) return;
      const buffer = rows;
      rows = [];
      stopIfClosed();
      await context.emit(DEFAULT_OUTPUT, buffer);
    },
  };
}
