import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { MessageSourceType, MessageType } from '../master-core/protocol/codes';
import { TaskEvent, TaskFinished } from '../master-core/protocol/wire';

export const DEFAULT_SPOOL_LIMIT_BYTES = 256 * 2 ** 20;
const SUFFIX = '.jsonl';
/** Compaction copies the kept lines in chunks of about this size. */
const CHUNK_CHARS = 2 ** 20;

/** Writes `data` to `file`, appending ('a') or replacing ('w'). Tests inject failures (a full disk). */
export type SpoolWrite = (file: string, data: string, flag: 'a' | 'w') => void;
const defaultWrite: SpoolWrite = (file, data, flag) => writeFileSync(file, data, { flag });

export interface EventSpoolOptions {
  dir: string;
  /** Bytes of unacknowledged messages kept over all attempts (files, or memory after a failure). */
  limitBytes?: number;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
  write?: SpoolWrite;
}

export type EventBody = Omit<TaskEvent, 'type' | 'attemptId' | 'seq'>;
export type ReportBody = Omit<TaskFinished, 'type' | 'attemptId' | 'eventCount' | 'dataStatistics'> &
  Partial<Pick<TaskFinished, 'dataStatistics'>>;

/** One line of a spool file: an event or final report as sent, or the marker of dropped events. */
type SpoolRecord =
  | { kind: 'event' | 'dropped'; attemptId: string; seq: number }
  | { kind: 'finished'; attemptId: string; seq: null };

interface Entry {
  attemptId: string;
  file: string;
  /** Null while the attempt is spooled to its file; its unacknowledged frames once it fell back to memory. */
  memory: { seq: number | null; line: string }[] | null;
  /** What this attempt takes of the limit: its file's size, or its frames in memory. */
  bytes: number;
  /** Seq of the first event the file still holds (earlier ones were acknowledged and compacted away). */
  firstSeq: number;
  nextSeq: number;
  ackedSeq: number;
  finished: boolean;
  /** Events dropped since the spool filled (0: not dropping). */
  dropped: number;
  /** Loaded from an earlier agent run without a final report: forgotten once its events are stored. */
  orphan: boolean;
  /** Loaded from an earlier run: its lines are checked against the wire schemas whenever read. */
  loaded: boolean;
}

const lineBytes = (line: string) => Buffer.byteLength(line) + 1;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** Removing a file the spool no longer needs may fail (permissions): that is no reason to stop. */
const removeQuietly = (file: string) => {
  try {
    rmSync(file, { force: true });
  } catch {
    // Left behind: an earlier-run file is replayed once more at the next start, which is harmless.
  }
};
/** Attempt ids come from the master: anything but a plain id is hashed, never used as a path. */
const fileName = (attemptId: string) =>
  (/^[A-Za-z0-9_-]{1,100}$/.test(attemptId)
    ? attemptId
    : createHash('sha256').update(attemptId).digest('hex')) + SUFFIX;

/** The lines of a file, read in 1 MiB chunks so a large spool is never one string. */
function* readLines(file: string): Generator<string> {
  const fd = openSync(file, 'r');
  const buffer = Buffer.alloc(2 ** 20);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0;) {
      const lines = (rest + decoder.write(buffer.subarray(0, n))).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') yield line;
      n = readSync(fd, buffer, 0, buffer.length, null);
    }
    rest += decoder.end();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

/** Reads one spool line; `validate` checks frames against their wire schemas (files of an earlier run). */
function parseRecord(line: string, validate: boolean): SpoolRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null; // a line cut short when the agent died mid-write
  }
  const r = (json ?? {}) as { type?: unknown; attemptId?: unknown; seq?: unknown; atSeq?: unknown };
  if (typeof r.attemptId !== 'string') return null;
  if (r.type === 'task.event' && typeof r.seq === 'number')
    return !validate || TaskEvent.safeParse(json).success
      ? { kind: 'event', attemptId: r.attemptId, seq: r.seq }
      : null;
  if (r.type === 'task.finished')
    return !validate || TaskFinished.safeParse(json).success
      ? { kind: 'finished', attemptId: r.attemptId, seq: null }
      : null;
  if (r.type === 'spool.dropped' && typeof r.atSeq === 'number')
    return { kind: 'dropped', attemptId: r.attemptId, seq: r.atSeq };
  return null;
}

/** Still needed: not covered by an acknowledgement (a final report is only released by `finished`). */
const unacked = (seq: number | null, ackedSeq: number) => seq === null || seq >= ackedSeq;

/**
 * At-least-once delivery of package events and final reports, surviving the agent's restart. Every
 * frame is appended to its attempt's file (`<dir>/<attemptId>.jsonl`, one JSON line each) before it
 * is sent; an acknowledgement releases what it covers. A file is compacted when more than half of it
 * is acknowledged and deleted once the master stored the final report. Past `limitBytes` an
 * attempt's further events are dropped (not numbered) until the spool is half empty again; then one
 * Warning at the next seq says how many, so sequence numbers stay gap-free. A spool file that cannot
 * be written makes that attempt fall back to memory, logged; the agent carries on.
 */
export function createEventSpool(options: EventSpoolOptions) {
  const { dir, log } = options;
  const limitBytes = options.limitBytes ?? DEFAULT_SPOOL_LIMIT_BYTES;
  const write = options.write ?? defaultWrite;
  const entries = new Map<string, Entry>();
  let usedBytes = 0;

  const newEntry = (attemptId: string, file = join(dir, fileName(attemptId))): Entry => {
    const counts = { bytes: 0, firstSeq: 0, nextSeq: 0, ackedSeq: 0, dropped: 0 };
    return { attemptId, file, memory: null, finished: false, orphan: false, loaded: false, ...counts };
  };
  const entryOf = (attemptId: string) => {
    let entry = entries.get(attemptId);
    if (!entry) entries.set(attemptId, (entry = newEntry(attemptId)));
    return entry;
  };
  const setBytes = (entry: Entry, bytes: number) => {
    usedBytes += bytes - entry.bytes;
    entry.bytes = bytes;
  };
  const sizeOf = (memory: { line: string }[]) => memory.reduce((sum, m) => sum + lineBytes(m.line), 0);

  /** Unacknowledged frames of a file, in order: [seq, line]; markers only with `markers`. */
  function* fileRecords(entry: Entry, markers: boolean): Generator<[number | null, string]> {
    for (const line of readLines(entry.file)) {
      const record = parseRecord(line, entry.loaded);
      if (!record || record.attemptId !== entry.attemptId || (record.kind === 'dropped' && !markers))
        continue;
      if (unacked(record.seq, entry.ackedSeq)) yield [record.seq, line];
    }
  }

  function toMemory(entry: Entry, error: unknown): void {
    log.error(
      `spool file of attempt ${entry.attemptId} cannot be written (${messageOf(error)}); keeping its ` +
        'unacknowledged messages in memory: they will not survive a restart of this agent',
    );
    const memory: { seq: number | null; line: string }[] = [];
    try {
      // Nothing of it on disk yet (its first write failed): nothing to read back.
      if (entry.bytes > 0) for (const [seq, line] of fileRecords(entry, false)) memory.push({ seq, line });
    } catch (readError) {
      log.error(`spool file of attempt ${entry.attemptId} cannot be read back: ${messageOf(readError)}`);
    }
    removeQuietly(entry.file);
    entry.memory = memory;
    setBytes(entry, sizeOf(memory));
  }

  /** Appends one line to the attempt's file (or memory); a drop `marker` only goes to a file. */
  function store(entry: Entry, line: string, seq: number | null, marker = false): void {
    if (entry.memory === null) {
      try {
        write(entry.file, `${line}\n`, 'a');
        return setBytes(entry, entry.bytes + lineBytes(line));
      } catch (error) {
        toMemory(entry, error);
      }
    }
    if (marker) return;
    entry.memory!.push({ seq, line });
    setBytes(entry, entry.bytes + lineBytes(line));
  }

  /** Rewrites the file with what is not acknowledged: at once when nothing is left, else past half. */
  function compact(entry: Entry): void {
    if (entry.memory) {
      let acked = 0;
      while (acked < entry.memory.length && !unacked(entry.memory[acked]!.seq, entry.ackedSeq)) acked += 1;
      return setBytes(entry, entry.bytes - sizeOf(entry.memory.splice(0, acked)));
    }
    const inFile = entry.nextSeq - entry.firstSeq;
    const acked = entry.ackedSeq - entry.firstSeq;
    const empty = acked === inFile && entry.dropped === 0 && !entry.finished;
    if (!empty && acked * 2 <= inFile) return;
    const temp = `${entry.file}.tmp`;
    try {
      let bytes = 0;
      if (empty) write(entry.file, '', 'w');
      else {
        let chunk = '';
        write(temp, '', 'w');
        for (const [, line] of fileRecords(entry, true)) {
          chunk += `${line}\n`;
          bytes += lineBytes(line);
          if (chunk.length >= CHUNK_CHARS) {
            write(temp, chunk, 'a');
            chunk = '';
          }
        }
        write(temp, chunk, 'a');
        renameSync(temp, entry.file);
      }
      entry.firstSeq = entry.ackedSeq;
      setBytes(entry, bytes);
    } catch (error) {
      removeQuietly(temp);
      toMemory(entry, error);
    }
  }

  function warningFor(entry: Entry): TaskEvent {
    const frame: TaskEvent = {
      type: 'task.event',
      attemptId: entry.attemptId,
      seq: entry.nextSeq,
      timeMs: Date.now(),
      messageType: MessageType.warning,
      sourceType: MessageSourceType.externalProcess,
      sourceName: 'Scale Out worker',
      packagePath: '',
      message:
        `${entry.dropped} package messages were dropped: the worker's event spool was full ` +
        `(${limitBytes} bytes of messages the master had not acknowledged).`,
    };
    log.warn(`attempt ${entry.attemptId}: spooling again after dropping ${entry.dropped} events`);
    entry.nextSeq += 1;
    entry.dropped = 0;
    store(entry, JSON.stringify(frame), frame.seq);
    return frame;
  }

  function startDropping(entry: Entry): void {
    entry.dropped = 1;
    const marker = { type: 'spool.dropped', attemptId: entry.attemptId, atSeq: entry.nextSeq };
    log.warn(`spool full (${usedBytes} of ${limitBytes} bytes): dropping events of ${entry.attemptId}`);
    store(entry, JSON.stringify({ ...marker, limitBytes, timeMs: Date.now() }), entry.nextSeq, true);
  }

  function load(): void {
    let names: string[] = [];
    try {
      mkdirSync(dir, { recursive: true });
      names = readdirSync(dir);
    } catch (error) {
      log.error(`spool directory ${dir} is not usable (${messageOf(error)}); attempts will spool to memory`);
    }
    for (const name of names) {
      const file = join(dir, name);
      // A .tmp file is a compaction cut short: the file it was to replace is still whole.
      if (name.endsWith(`${SUFFIX}.tmp`)) removeQuietly(file);
      else if (name.endsWith(SUFFIX)) loadFile(file);
    }
    const reports = [...entries.values()].filter((e) => e.finished).length;
    if (entries.size > 0)
      log.info(`spool: ${entries.size} earlier attempts to replay (${reports} with a final report)`);
  }

  function loadFile(file: string): void {
    const entry = newEntry('', file);
    let invalid = 0;
    let firstSeq = Infinity;
    try {
      for (const line of readLines(file)) {
        const record = parseRecord(line, true);
        if (!record || (entry.attemptId !== '' && record.attemptId !== entry.attemptId)) invalid += 1;
        else {
          entry.attemptId = record.attemptId;
          if (record.kind === 'finished') entry.finished = true;
          if (record.kind === 'event') firstSeq = Math.min(firstSeq, record.seq);
          if (record.kind === 'event') entry.nextSeq = Math.max(entry.nextSeq, record.seq + 1);
        }
      }
      if (invalid > 0) log.warn(`spool file ${file}: skipped ${invalid} unreadable lines`);
      if (entry.attemptId === '' || (!entry.finished && entry.nextSeq === 0)) return removeQuietly(file);
      entry.firstSeq = entry.ackedSeq = Math.min(firstSeq, entry.nextSeq);
      entry.orphan = !entry.finished;
      entry.loaded = true;
      setBytes(entry, statSync(file).size);
      entries.set(entry.attemptId, entry);
    } catch (error) {
      log.error(`spool file ${file} cannot be read: ${messageOf(error)}`);
    }
  }

  /** Drops everything of an attempt (its report was stored, or the master refused it). */
  function forget(attemptId: string): void {
    const entry = entries.get(attemptId);
    if (!entry) return;
    entries.delete(attemptId);
    usedBytes -= entry.bytes;
    removeQuietly(entry.file);
  }

  load();

  return {
    /** Numbers, stores and returns the frames to send for one event: none while dropping. */
    event(attemptId: string, body: EventBody): TaskEvent[] {
      const entry = entryOf(attemptId);
      const out: TaskEvent[] = [];
      if (entry.dropped > 0) {
        if (usedBytes > limitBytes / 2) {
          entry.dropped += 1;
          return out;
        }
        out.push(warningFor(entry));
      }
      const frame: TaskEvent = { type: 'task.event', attemptId, seq: entry.nextSeq, ...body };
      const line = JSON.stringify(frame);
      if (usedBytes + lineBytes(line) > limitBytes) {
        startDropping(entry);
        return out;
      }
      entry.nextSeq += 1;
      store(entry, line, frame.seq);
      out.push(frame);
      return out;
    },
    /** Stores the final report (beyond the limit if need be, it is small) and returns what to send. */
    finish(attemptId: string, report: ReportBody): (TaskEvent | TaskFinished)[] {
      const entry = entryOf(attemptId);
      const out: (TaskEvent | TaskFinished)[] = entry.dropped > 0 ? [warningFor(entry)] : [];
      const frame: TaskFinished = {
        type: 'task.finished',
        attemptId,
        eventCount: entry.nextSeq,
        dataStatistics: [],
        ...report,
      };
      entry.finished = true;
      store(entry, JSON.stringify(frame), null);
      out.push(frame);
      return out;
    },
    /** The master stored events below `nextSeq`, or (`finished`) the final report: release them. */
    ack(attemptId: string, nextSeq: number, finished: boolean): void {
      const entry = entries.get(attemptId);
      if (!entry) return;
      if (finished) return forget(attemptId);
      if (nextSeq <= entry.ackedSeq) return;
      entry.ackedSeq = Math.min(nextSeq, entry.nextSeq);
      if (entry.orphan && entry.ackedSeq >= entry.nextSeq) return forget(attemptId);
      compact(entry);
    },
    forget,
    /** Every unacknowledged frame, serialized, in order per attempt: what a new connection replays. */
    *unacknowledged(): Generator<string> {
      for (const entry of [...entries.values()]) {
        try {
          if (entry.memory) yield* entry.memory.map((m) => m.line);
          else for (const [, line] of fileRecords(entry, false)) yield line;
        } catch (error) {
          log.error(`spool file of attempt ${entry.attemptId} cannot be replayed: ${messageOf(error)}`);
        }
      }
    },
    /** Attempts whose final report waits for the master's acknowledgement. */
    pendingReports: () => [...entries.values()].filter((e) => e.finished).map((e) => e.attemptId),
    usedBytes: () => usedBytes,
    limitBytes,
  };
}

export type EventSpool = ReturnType<typeof createEventSpool>;
