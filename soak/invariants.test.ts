import { describe, expect, it } from 'vitest';
import { checkInvariants, percentile, withinMargin } from './invariants';
import type { History } from './invariants';

/** A clean history: execution 1 lost its first attempt (fenced), succeeded on the second. */
function cleanHistory(): History {
  return {
    submissions: [
      {
        executionId: 1,
        kind: 'chatty',
        submittedAtMs: 0,
        retryCount: 1,
        expect: { lines: { prefix: 'chatty ', count: 3 } },
      },
      { executionId: 2, kind: 'failing', submittedAtMs: 5, retryCount: 0, expect: { neverSucceeds: true } },
    ],
    observations: [
      { executionId: 1, status: 2, atMs: 10, source: 'event' },
      { executionId: 1, status: 5, atMs: 50, source: 'event' },
      { executionId: 1, status: 2, atMs: 60, source: 'event' },
      { executionId: 1, status: 7, atMs: 90, source: 'event' },
      { executionId: 1, status: 7, atMs: 95, source: 'poll' },
      { executionId: 2, status: 4, atMs: 30, source: 'event' },
      { executionId: 1, status: 7, atMs: 200, source: 'final' },
      { executionId: 2, status: 4, atMs: 200, source: 'final' },
    ],
    attemptObservations: [
      { attemptId: 'a1', executionId: 1, attemptNumber: 1, workerId: 'w1', status: 3, error: null, atMs: 20 },
      {
        attemptId: 'a1',
        executionId: 1,
        attemptNumber: 1,
        workerId: 'w1',
        status: 4,
        error: 'lost',
        atMs: 55,
      },
      { attemptId: 'a2', executionId: 1, attemptNumber: 2, workerId: 'w2', status: 3, error: null, atMs: 55 },
      {
        attemptId: 'a2',
        executionId: 1,
        attemptNumber: 2,
        workerId: 'w2',
        status: 5,
        error: null,
        atMs: 100,
      },
    ],
    attempts: [
      {
        attemptId: 'a1',
        executionId: 1,
        attemptNumber: 1,
        workerId: 'w1',
        status: 4,
        outcome: 'lost',
        startMs: 10,
        endMs: 50,
        error: 'lost',
      },
      {
        attemptId: 'a2',
        executionId: 1,
        attemptNumber: 2,
        workerId: 'w2',
        status: 5,
        outcome: 'succeeded',
        startMs: 60,
        endMs: 90,
        error: null,
      },
      {
        attemptId: 'b1',
        executionId: 2,
        attemptNumber: 1,
        workerId: 'w1',
        status: 4,
        outcome: 'failed',
        startMs: 10,
        endMs: 30,
        error: 'ShouldFail',
      },
    ],
    messages: [
      { attemptId: 'a1', executionId: 1, seqs: [0, 1], dropMarkers: [] },
      {
        attemptId: 'a2',
        executionId: 1,
        seqs: [0, 1, 2, 3, 4],
        dropMarkers: [],
        texts: ['start', 'chatty 0', 'chatty 1', 'chatty 2', 'end'],
      },
      { attemptId: 'b1', executionId: 2, seqs: [0, 1, 2], dropMarkers: [1] },
    ],
    finals: [
      { executionId: 1, status: 7, attempts: 2 },
      { executionId: 2, status: 4, attempts: 1 },
    ],
    fencedReports: [{ attemptId: 'a1', source: 'master' }],
  };
}

describe('the soak invariant checker', () => {
  it('passes a clean history and counts what it checked', () => {
    const report = checkInvariants(cleanHistory());
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts).toMatchObject({
      executionsAccepted: 2,
      terminal: 2,
      attempts: 3,
      attemptsLost: 1,
      fencedReports: 1,
      messagesChecked: 10,
      dropMarkers: 1,
      linesChecked: 3,
    });
  });

  it('names a duplicate message', () => {
    const h = cleanHistory();
    h.messages[1]!.seqs = [0, 1, 2, 2, 3, 4];
    const report = checkInvariants(h);
    expect(report.ok).toBe(false);
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'duplicate-message', executionId: 1, attemptId: 'a2' }),
    ]);
    expect(report.violations[0]!.detail).toMatch(/seq 2 stored more than once/);
  });

  it('names a gap in a message sequence', () => {
    const h = cleanHistory();
    h.messages[2]!.seqs = [0, 1, 4];
    const report = checkInvariants(h);
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'message-gap', executionId: 2, attemptId: 'b1' }),
    ]);
    expect(report.violations[0]!.detail).toMatch(/seq 2, 3 missing below 4/);
  });

  it('names messages the master said it never received', () => {
    const h = cleanHistory();
    h.attempts[2]!.error = 'ShouldFail (2 package messages were not received)';
    expect(checkInvariants(h).byKind['messages-lost']).toBe(1);
  });

  it('names a second terminal state', () => {
    const h = cleanHistory();
    h.observations.push({ executionId: 2, status: 7, atMs: 40, source: 'event' });
    const report = checkInvariants(h);
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'second-terminal-state', executionId: 2 }),
    ]);
    expect(report.violations[0]!.detail).toMatch(
      /was Failed \(event\) then Succeeded \(event, 10 ms later\)/,
    );
  });

  it('names a terminal execution seen running again', () => {
    const h = cleanHistory();
    h.observations.push({ executionId: 1, status: 2, atMs: 120, source: 'poll' });
    expect(checkInvariants(h).violations).toEqual([
      expect.objectContaining({ kind: 'second-terminal-state', executionId: 1 }),
    ]);
  });

  it('reads two states in the same millisecond in the order they arrived', () => {
    // Stopping then Canceled in one millisecond is a stop that ended at once: no violation. (The
    // 60-minute run named it as Canceled then Stopping; the checker looked behind the terminal state.)
    const h = cleanHistory();
    h.observations.push(
      { executionId: 2, status: 8, atMs: 30, source: 'event' },
      { executionId: 2, status: 3, atMs: 30, source: 'event' },
      { executionId: 2, status: 3, atMs: 200, source: 'final' },
    );
    h.observations = h.observations.filter((o) => !(o.executionId === 2 && o.status === 4));
    h.finals = h.finals.map((f) => (f.executionId === 2 ? { ...f, status: 3 } : f));
    expect(checkInvariants(h).violations).toEqual([]);

    // The other way round in the same millisecond is a second state after the terminal one.
    h.observations.push({ executionId: 2, status: 8, atMs: 30, source: 'event' });
    expect(checkInvariants(h).violations).toEqual([
      expect.objectContaining({
        kind: 'second-terminal-state',
        executionId: 2,
        detail: expect.stringMatching(/was Canceled \(event\) then Stopping \(event, 0 ms later\)/),
      }),
    ]);
  });

  it('names a result accepted from a fenced attempt', () => {
    const h = cleanHistory();
    // Attempt a1 was fenced (its late report refused), yet the catalog shows it succeeded.
    h.attempts[0] = { ...h.attempts[0]!, status: 5, outcome: 'succeeded', error: null };
    h.attemptObservations = h.attemptObservations.filter((o) => o.attemptId !== 'a1');
    const report = checkInvariants(h);
    const kinds = report.violations.map((v) => v.kind);
    expect(kinds).toContain('fenced-result-accepted');
    expect(report.violations.filter((v) => v.kind === 'fenced-result-accepted')[0]!.detail).toMatch(
      /attempt 1 of execution 1 was fenced .* yet ended succeeded/,
    );
  });

  it('names an ended attempt whose result changed later', () => {
    const h = cleanHistory();
    h.attemptObservations.push({
      attemptId: 'a1',
      executionId: 1,
      attemptNumber: 1,
      workerId: 'w1',
      status: 5,
      error: null,
      atMs: 70,
    });
    expect(checkInvariants(h).violations).toEqual([
      expect.objectContaining({ kind: 'attempt-changed-after-end', attemptId: 'a1' }),
    ]);
  });

  it('names an execution left running, and one accepted but missing', () => {
    const h = cleanHistory();
    h.finals[1] = { executionId: 2, status: 2, attempts: 1 };
    h.submissions.push({ executionId: 3, kind: 'short', submittedAtMs: 1, retryCount: 0 });
    const report = checkInvariants(h);
    expect(report.violations.map((v) => [v.kind, v.executionId])).toEqual([
      ['unknown-execution', 3],
      ['not-terminal', 2],
    ]);
    expect(report.violations[1]!.detail).toBe('execution 2 left Running after the drain');
  });

  it('names two live holders, sampled or from overlapping attempts', () => {
    const sampled = cleanHistory();
    sampled.attemptObservations.push(
      { attemptId: 'a1', executionId: 1, attemptNumber: 1, workerId: 'w1', status: 3, error: null, atMs: 57 },
      { attemptId: 'a2', executionId: 1, attemptNumber: 2, workerId: 'w2', status: 3, error: null, atMs: 57 },
    );
    expect(checkInvariants(sampled).byKind['two-live-holders']).toBe(1);
    const overlapping = cleanHistory();
    overlapping.attempts[1]!.startMs = 40;
    const report = checkInvariants(overlapping);
    expect(report.violations).toEqual([
      expect.objectContaining({ kind: 'two-live-holders', executionId: 1 }),
    ]);
    expect(report.violations[0]!.detail).toMatch(
      /attempt 2 started while attempt 1 was live until 10 ms later/,
    );
  });

  it('names wrong results: a failing package that succeeded, lost or repeated lines', () => {
    const h = cleanHistory();
    h.finals[1]!.status = 7;
    h.observations = h.observations.filter((o) => o.executionId !== 2);
    h.messages[1]!.texts = ['chatty 0', 'chatty 2', 'chatty 2'];
    const report = checkInvariants(h);
    expect(report.violations.map((v) => v.detail)).toEqual([
      'execution 1 (chatty) Succeeded with 3 of 3 "chatty N" lines; line 1 is "chatty 2"',
      'execution 2 (failing) always fails, yet it Succeeded',
    ]);
  });

  it('percentiles and the leak margin', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 99)).toBe(5);
    const base = { rssBytes: 100 * 2 ** 20, fds: 30 };
    expect(withinMargin(base, { rssBytes: 190 * 2 ** 20, fds: 50 })).toBeNull();
    expect(withinMargin(base, { rssBytes: 210 * 2 ** 20, fds: 30 })).toMatch(/^RSS 210.0 MiB over 198.0 MiB/);
    expect(withinMargin(base, { rssBytes: 100 * 2 ** 20, fds: 60 })).toMatch(/^60 open files, over 54/);
  });
});
