import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageType } from '../master-core/protocol/codes';
import { createEventSpool } from './eventSpool';
import type { EventBody, EventSpoolOptions, ReportBody, SpoolWrite } from './eventSpool';

let dir = '';
const logged: string[] = [];
const log = {
  info: (m: string) => logged.push(`info ${m}`),
  warn: (m: string) => logged.push(`warn ${m}`),
  error: (m: string) => logged.push(`error ${m}`),
};
const spoolAt = (options: Partial<EventSpoolOptions> = {}) => createEventSpool({ dir, log, ...options });

const body = (message: string): EventBody => ({
  timeMs: 1,
  messageType: MessageType.information,
  sourceType: 40,
  sourceName: 'Script',
  packagePath: '\\Package\\Script',
  message,
});
const report: ReportBody = { outcome: 'succeeded', exitCode: 0, signal: null, error: null, statistics: [] };
const fileOf = (attemptId: string) => join(dir, `${attemptId}.jsonl`);
const linesOf = (attemptId: string) =>
  readFileSync(fileOf(attemptId), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { type: string; seq?: number; message?: string });
const replayed = (spool: ReturnType<typeof spoolAt>) =>
  [...spool.unacknowledged()].map(
    (l) => JSON.parse(l) as { type: string; attemptId: string; seq?: number; message?: string },
  );

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scaleout-spool-'));
  logged.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('event spool', () => {
  it('numbers events and writes each to the attempt file before it is handed out for sending', () => {
    const spool = spoolAt();
    const frames = ['a', 'b', 'c'].flatMap((m) => spool.event('a1', body(m)));
    expect(frames.map((f) => [f.seq, f.message])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(linesOf('a1').map((l) => l.message)).toEqual(['a', 'b', 'c']);
    const [finished] = spool.finish('a1', report);
    expect(finished).toMatchObject({ type: 'task.finished', attemptId: 'a1', eventCount: 3 });
    expect(linesOf('a1').at(-1)).toMatchObject({ type: 'task.finished' });
    expect(spool.pendingReports()).toEqual(['a1']);
  });

  it('releases acknowledged events: compacts past half, empties when all are stored, deletes on finished', () => {
    const spool = spoolAt();
    for (let i = 0; i < 10; i += 1) spool.event('a1', body(`m${i}`));
    spool.ack('a1', 4, false);
    expect(linesOf('a1')).toHaveLength(10); // less than half acknowledged: not worth a rewrite
    spool.ack('a1', 6, false);
    expect(linesOf('a1').map((l) => l.seq)).toEqual([6, 7, 8, 9]);
    expect(replayed(spool).map((l) => l.seq)).toEqual([6, 7, 8, 9]);
    spool.ack('a1', 10, false);
    expect(readFileSync(fileOf('a1'), 'utf8')).toBe('');
    expect(spool.usedBytes()).toBe(0);
    spool.event('a1', body('m10'));
    spool.finish('a1', report);
    expect(replayed(spool).map((l) => l.type)).toEqual(['task.event', 'task.finished']);
    spool.ack('a1', 11, true);
    expect(existsSync(fileOf('a1'))).toBe(false);
    expect(spool.usedBytes()).toBe(0);
    expect(replayed(spool)).toEqual([]);
  });

  it('replays what was not acknowledged after a restart of the agent, and forgets it once stored', () => {
    const first = spoolAt();
    for (let i = 0; i < 4; i += 1) first.event('done', body(`d${i}`));
    first.finish('done', report);
    first.ack('done', 3, false);
    for (let i = 0; i < 3; i += 1) first.event('died', body(`x${i}`));

    const second = spoolAt();
    expect(logged).toContain('info spool: 2 earlier attempts to replay (1 with a final report)');
    expect(second.pendingReports()).toEqual(['done']);
    const frames = replayed(second);
    const of = (attemptId: string) => frames.filter((f) => f.attemptId === attemptId);
    expect(of('done').map((f) => f.message ?? f.type)).toEqual(['d3', 'task.finished']);
    expect(of('died').map((f) => f.message)).toEqual(['x0', 'x1', 'x2']);
    // No final report: the attempt died with the earlier agent; its events are kept until stored.
    second.ack('died', 3, false);
    expect(existsSync(fileOf('died'))).toBe(false);
    second.ack('done', 4, true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('skips a line cut short by a crash and lines that fail the wire schema, and says so', () => {
    const spool = spoolAt();
    spool.event('a1', body('kept'));
    spool.finish('a1', report);
    const file = fileOf('a1');
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}{"type":"task.event","attemptId":"a1","seq":9,"timeMs":-5}\n{"ty`,
    );
    writeFileSync(join(dir, 'junk.jsonl'), 'not json\n');
    writeFileSync(join(dir, 'x.jsonl.tmp'), 'a compaction cut short');

    const reloaded = spoolAt();
    expect(replayed(reloaded).map((f) => f.type)).toEqual(['task.event', 'task.finished']);
    expect(logged.some((l) => /warn spool file .*a1\.jsonl: skipped 2 unreadable lines/.test(l))).toBe(true);
    expect(readdirSync(dir)).toEqual(['a1.jsonl']);
  });

  it('never uses an attempt id from the master as a path', () => {
    const spool = spoolAt();
    spool.event('../../escape', body('m'));
    const [name] = readdirSync(dir);
    expect(name).toMatch(/^[0-9a-f]{64}\.jsonl$/);
    expect(replayed(spoolAt()).map((f) => f.message)).toEqual(['m']);
  });

  it('when full, drops further events with one marker, then says how many at the next seq', () => {
    const one = `${JSON.stringify({ type: 'task.event', attemptId: 'a1', seq: 0, ...body('x'.repeat(100)) })}\n`;
    const spool = spoolAt({ limitBytes: Buffer.byteLength(one) * 4 });
    const sent = [];
    for (let i = 0; i < 10; i += 1) sent.push(...spool.event('a1', body('x'.repeat(100))));
    expect(sent.map((f) => f.seq)).toEqual([0, 1, 2, 3]);
    const markers = linesOf('a1').filter((l) => l.type === 'spool.dropped');
    expect(markers).toEqual([expect.objectContaining({ atSeq: 4, limitBytes: spool.limitBytes })]);
    expect(logged.filter((l) => l.startsWith('warn spool full'))).toHaveLength(1);

    // The master stores them: room again, so the next event is preceded by the count of the dropped.
    spool.ack('a1', 4, false);
    const next = spool.event('a1', body('after'));
    expect(next.map((f) => [f.seq, f.messageType])).toEqual([
      [4, MessageType.warning],
      [5, MessageType.information],
    ]);
    expect(next[0]!.message).toMatch(/^6 package messages were dropped: the worker's event spool was full/);
    const later = [];
    for (let i = 0; i < 10; i += 1) later.push(...spool.event('a1', body('x'.repeat(100))));
    expect(later.length).toBeLessThan(10);
    const end = spool.finish('a1', report);
    expect(end.map((f) => f.type)).toEqual(['task.event', 'task.finished']);
    expect(end[0]).toMatchObject({ messageType: MessageType.warning });
    // Gap-free: every number below eventCount was handed out exactly once.
    const seqs = [...sent, ...next, ...later, end[0]!].map((f) => ('seq' in f ? f.seq : -1));
    expect(seqs).toEqual(seqs.map((_, i) => i));
    expect(end[1]).toMatchObject({ eventCount: seqs.length });
  });

  it('falls back to memory for an attempt whose file cannot be written, and keeps every frame', () => {
    let failing = false;
    const write: SpoolWrite = (file, data, flag) => {
      if (failing && file.includes('a1'))
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      writeFileSync(file, data, { flag });
    };
    const spool = spoolAt({ write });
    spool.event('a1', body('on disk'));
    spool.event('b1', body('other attempt'));
    failing = true;
    expect(() => spool.event('a1', body('in memory'))).not.toThrow();
    spool.finish('a1', report);
    expect(logged.filter((l) => l.startsWith('error'))).toEqual([
      expect.stringMatching(/spool file of attempt a1 cannot be written \(ENOSPC.*\); keeping .* in memory/),
    ]);
    expect(existsSync(fileOf('a1'))).toBe(false);
    expect(replayed(spool).map((f) => f.message ?? f.type)).toEqual([
      'on disk',
      'in memory',
      'task.finished',
      'other attempt',
    ]);
    spool.ack('a1', 1, false);
    expect(replayed(spool).map((f) => f.message ?? f.type)).toEqual([
      'in memory',
      'task.finished',
      'other attempt',
    ]);
    spool.ack('a1', 2, true);
    expect(spool.pendingReports()).toEqual([]);
    expect(linesOf('b1').map((l) => l.message)).toEqual(['other attempt']);
  });
});
