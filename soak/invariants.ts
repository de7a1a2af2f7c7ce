/**
 * The chaos soak's invariant checker: a pure function of a recorded history. It never looks at
 * processes or files; soak/run.ts records the history and prints what this returns.
 */

/** SSIS execution statuses after which an execution never changes (master-core/protocol/codes.ts). */
export const TERMINAL = new Set([3, 4, 6, 7, 9]);
export const STATUS_NAMES: Record<number, string> = {
  1: 'Created',
  2: 'Running',
  3: 'Canceled',
  4: 'Failed',
  5: 'Pending',
  6: 'Ended unexpectedly',
  7: 'Succeeded',
  8: 'Stopping',
  9: 'Completed',
};
/** Catalog attempt statuses: 2 picked up and 3 running are live; 4 failed (or lost), 5 succeeded, others ended. */
export const ATTEMPT_LIVE = new Set([2, 3]);
export const ATTEMPT_SUCCEEDED = 5;

/** An execution.create the soak made and the master accepted (answered with an id). */
export interface Submission {
  executionId: number;
  kind: string;
  submittedAtMs: number;
  retryCount: number;
  /** What must hold of the outcome, whatever the faults. */
  expect?: {
    /** A package that always fails: it must never end Succeeded. */
    neverSucceeds?: boolean;
    /** Fails on its first N attempts: if it succeeded, on attempt N+1 or later. */
    succeedsFromAttempt?: number;
    /** The succeeded attempt's messages starting with `prefix` are exactly prefix0 .. prefix(count-1), in order. */
    lines?: { prefix: string; count: number };
  };
}

/** A status of an execution as the master told it (event stream, a poll, or the final catalog read). */
export interface StatusObservation {
  executionId: number;
  status: number;
  atMs: number;
  source: 'event' | 'poll' | 'final';
}

/** An attempt's state as read from the master's catalog at one moment (sampled during the run). */
export interface AttemptObservation {
  attemptId: string;
  executionId: number;
  attemptNumber: number;
  workerId: string;
  status: number;
  error: string | null;
  atMs: number;
}

/** An attempt as the catalog holds it at the end. */
export interface AttemptRecord {
  attemptId: string;
  executionId: number;
  attemptNumber: number;
  workerId: string;
  status: number;
  /** running, succeeded, failed, canceled or lost (execution.attempts). */
  outcome: string;
  startMs: number;
  endMs: number | null;
  error: string | null;
}

/** One attempt's stored package messages: their sequence numbers (in storage order), and texts when asked. */
export interface AttemptMessages {
  attemptId: string;
  executionId: number;
  seqs: number[];
  /** Seqs of the spool's "N package messages were dropped" warnings (the product's declared drop marker). */
  dropMarkers: number[];
  /** Message texts in seq order, kept only for executions whose submission expects lines. */
  texts?: string[];
}

/** The execution as the catalog holds it at the end of the run, after the drain. */
export interface FinalExecution {
  executionId: number;
  status: number;
  attempts: number;
}

/** A late report the master refused because the attempt was fenced (master or agent log). */
export interface FencedReport {
  attemptId: string;
  source: 'master' | 'agent';
}

export interface History {
  submissions: Submission[];
  observations: StatusObservation[];
  attemptObservations: AttemptObservation[];
  attempts: AttemptRecord[];
  messages: AttemptMessages[];
  finals: FinalExecution[];
  fencedReports: FencedReport[];
}

export type ViolationKind =
  | 'not-terminal'
  | 'second-terminal-state'
  | 'unknown-execution'
  | 'two-live-holders'
  | 'fenced-result-accepted'
  | 'attempt-changed-after-end'
  | 'duplicate-message'
  | 'message-gap'
  | 'messages-lost'
  | 'wrong-result';

export interface Violation {
  kind: ViolationKind;
  executionId: number | null;
  attemptId?: string;
  detail: string;
}

export interface InvariantCounts {
  executionsAccepted: number;
  executionsInCatalog: number;
  terminal: number;
  byStatus: Record<string, number>;
  attempts: number;
  attemptsLost: number;
  statusObservations: number;
  attemptSamples: number;
  fencedReports: number;
  attemptsWithMessages: number;
  messagesChecked: number;
  dropMarkers: number;
  linesChecked: number;
}

export interface InvariantReport {
  ok: boolean;
  violations: Violation[];
  /** Violations per kind (every kind listed, zero included). */
  byKind: Record<ViolationKind, number>;
  counts: InvariantCounts;
}

const ALL_KINDS: ViolationKind[] = [
  'not-terminal',
  'second-terminal-state',
  'unknown-execution',
  'two-live-holders',
  'fenced-result-accepted',
  'attempt-changed-after-end',
  'duplicate-message',
  'message-gap',
  'messages-lost',
  'wrong-result',
];

const name = (status: number) => STATUS_NAMES[status] ?? `status ${status}`;

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** Every execution reached exactly one terminal state, and none is left running or pending. */
function checkTerminal(h: History, out: Violation[]): void {
  const finals = new Map(h.finals.map((f) => [f.executionId, f]));
  for (const s of h.submissions) {
    if (!finals.has(s.executionId))
      out.push({
        kind: 'unknown-execution',
        executionId: s.executionId,
        detail: `execution ${s.executionId} was accepted (${s.kind}) but is not in the catalog`,
      });
  }
  for (const f of h.finals) {
    if (!TERMINAL.has(f.status))
      out.push({
        kind: 'not-terminal',
        executionId: f.executionId,
        detail: `execution ${f.executionId} left ${name(f.status)} after the drain`,
      });
  }
  const byExecution = groupBy(
    [...h.observations].sort((a, b) => a.atMs - b.atMs),
    (o) => o.executionId,
  );
  for (const [executionId, seen] of byExecution) {
    // In the order seen (the sort is stable, so two in the same millisecond keep their order).
    const at = seen.findIndex((o) => TERMINAL.has(o.status));
    if (at < 0) continue;
    const first = seen[at]!;
    const later = seen.slice(at + 1).find((o) => o.status !== first.status);
    if (later)
      out.push({
        kind: 'second-terminal-state',
        executionId,
        detail: `execution ${executionId} was ${name(first.status)} (${first.source}) then ${name(later.status)} (${later.source}, ${later.atMs - first.atMs} ms later)`,
      });
  }
}

/** At no time did two attempts of one execution hold it: never two live at once, never overlapping. */
function checkHolders(h: History, out: Violation[]): void {
  const reported = new Set<string>();
  for (const [, sample] of groupBy(h.attemptObservations, (o) => o.atMs)) {
    for (const [executionId, live] of groupBy(
      sample.filter((o) => ATTEMPT_LIVE.has(o.status)),
      (o) => o.executionId,
    )) {
      if (live.length < 2 || reported.has(`${executionId}`)) continue;
      reported.add(`${executionId}`);
      out.push({
        kind: 'two-live-holders',
        executionId,
        detail: `execution ${executionId}: attempts ${live.map((a) => `${a.attemptNumber} (worker ${a.workerId})`).join(' and ')} were live at once`,
      });
    }
  }
  for (const [executionId, attempts] of groupBy(h.attempts, (a) => a.executionId)) {
    const ordered = [...attempts].sort((a, b) => a.attemptNumber - b.attemptNumber);
    for (let i = 1; i < ordered.length; i += 1) {
      const before = ordered[i - 1]!;
      const after = ordered[i]!;
      if (reported.has(`${executionId}`)) break;
      if (before.endMs === null || after.startMs < before.endMs) {
        reported.add(`${executionId}`);
        out.push({
          kind: 'two-live-holders',
          executionId,
          detail: `execution ${executionId}: attempt ${after.attemptNumber} started while attempt ${before.attemptNumber} was ${before.endMs === null ? 'still live' : `live until ${before.endMs - after.startMs} ms later`}`,
        });
      }
    }
  }
}

/** No result from a fenced attempt was accepted: a fenced attempt stays as the master ended it. */
function checkFencing(h: History, out: Violation[]): void {
  const attempts = new Map(h.attempts.map((a) => [a.attemptId, a]));
  const seenFence = new Set<string>();
  for (const f of h.fencedReports) {
    if (seenFence.has(f.attemptId)) continue;
    seenFence.add(f.attemptId);
    const a = attempts.get(f.attemptId);
    if (!a) continue;
    if (a.outcome !== 'lost' && a.outcome !== 'canceled')
      out.push({
        kind: 'fenced-result-accepted',
        executionId: a.executionId,
        attemptId: a.attemptId,
        detail: `attempt ${a.attemptNumber} of execution ${a.executionId} was fenced (its late report refused, ${f.source} log) yet ended ${a.outcome}`,
      });
  }
  // Only the last attempt may carry a success: a success on an attempt that was followed by another
  // one means a result was accepted from an attempt the master had already given up on.
  for (const [executionId, list] of groupBy(h.attempts, (a) => a.executionId)) {
    const last = Math.max(...list.map((a) => a.attemptNumber));
    for (const a of list) {
      if (a.status === ATTEMPT_SUCCEEDED && a.attemptNumber !== last)
        out.push({
          kind: 'fenced-result-accepted',
          executionId,
          attemptId: a.attemptId,
          detail: `execution ${executionId}: attempt ${a.attemptNumber} succeeded although attempt ${last} followed it`,
        });
    }
  }
  // Once the master saw an attempt ended, nothing may change it (a late report would).
  for (const [attemptId, seen] of groupBy(
    [...h.attemptObservations].sort((a, b) => a.atMs - b.atMs),
    (o) => o.attemptId,
  )) {
    const ended = seen.find((o) => !ATTEMPT_LIVE.has(o.status));
    if (!ended) continue;
    const final = attempts.get(attemptId);
    const changed =
      seen.find((o) => o.atMs > ended.atMs && (o.status !== ended.status || o.error !== ended.error)) ??
      (final && (final.status !== ended.status || final.error !== ended.error)
        ? { status: final.status, error: final.error }
        : undefined);
    if (changed)
      out.push({
        kind: 'attempt-changed-after-end',
        executionId: ended.executionId,
        attemptId,
        detail: `attempt ${ended.attemptNumber} of execution ${ended.executionId} ended with status ${ended.status} (${ended.error ?? 'no error'}), later ${changed.status} (${changed.error ?? 'no error'})`,
      });
  }
}

/** Each attempt's stored message sequence is 0..n-1: no duplicate, no gap (drop markers take a seq). */
function checkMessages(h: History, out: Violation[], counts: InvariantCounts): void {
  for (const m of h.messages) {
    counts.attemptsWithMessages += 1;
    counts.messagesChecked += m.seqs.length;
    counts.dropMarkers += m.dropMarkers.length;
    const sorted = [...m.seqs].sort((a, b) => a - b);
    const dups = sorted.filter((s, i) => i > 0 && sorted[i - 1] === s);
    if (dups.length > 0)
      out.push({
        kind: 'duplicate-message',
        executionId: m.executionId,
        attemptId: m.attemptId,
        detail: `attempt ${m.attemptId} of execution ${m.executionId}: seq ${[...new Set(dups)].slice(0, 5).join(', ')} stored more than once`,
      });
    const distinct = [...new Set(sorted)];
    const missing: number[] = [];
    let expected = 0;
    for (const seq of distinct) {
      for (; expected < seq && missing.length < 5; expected += 1) missing.push(expected);
      expected = seq + 1;
    }
    if (missing.length > 0)
      out.push({
        kind: 'message-gap',
        executionId: m.executionId,
        attemptId: m.attemptId,
        detail: `attempt ${m.attemptId} of execution ${m.executionId}: seq ${missing.join(', ')} missing below ${distinct.at(-1)}`,
      });
  }
  for (const a of h.attempts) {
    if (a.error && /package messages were not received/.test(a.error))
      out.push({
        kind: 'messages-lost',
        executionId: a.executionId,
        attemptId: a.attemptId,
        detail: `attempt ${a.attemptNumber} of execution ${a.executionId}: ${a.error}`,
      });
  }
}

/** Outcomes the packages guarantee whatever the faults (a failing package never succeeds, ...). */
function checkResults(h: History, out: Violation[], counts: InvariantCounts): void {
  const finals = new Map(h.finals.map((f) => [f.executionId, f]));
  const attemptsOf = groupBy(h.attempts, (a) => a.executionId);
  const messagesOf = new Map(h.messages.map((m) => [m.attemptId, m]));
  for (const s of h.submissions) {
    const f = finals.get(s.executionId);
    if (!f || !s.expect) continue;
    const succeeded = f.status === 7;
    if (s.expect.neverSucceeds && succeeded)
      out.push({
        kind: 'wrong-result',
        executionId: s.executionId,
        detail: `execution ${s.executionId} (${s.kind}) always fails, yet it Succeeded`,
      });
    const from = s.expect.succeedsFromAttempt;
    if (from !== undefined && succeeded && f.attempts < from)
      out.push({
        kind: 'wrong-result',
        executionId: s.executionId,
        detail: `execution ${s.executionId} (${s.kind}) cannot succeed before attempt ${from}, yet it Succeeded after ${f.attempts}`,
      });
    const lines = s.expect.lines;
    if (!lines || !succeeded) continue;
    const winner = (attemptsOf.get(s.executionId) ?? []).find((a) => a.status === ATTEMPT_SUCCEEDED);
    const texts = (winner && messagesOf.get(winner.attemptId)?.texts) ?? [];
    const got = texts.filter((t) => t.startsWith(lines.prefix));
    counts.linesChecked += got.length;
    const bad = got.findIndex((t, i) => t !== `${lines.prefix}${i}`);
    if (got.length !== lines.count || bad >= 0)
      out.push({
        kind: 'wrong-result',
        executionId: s.executionId,
        detail: `execution ${s.executionId} (${s.kind}) Succeeded with ${got.length} of ${lines.count} "${lines.prefix}N" lines${bad >= 0 ? `; line ${bad} is "${got[bad]}"` : ''}`,
      });
  }
}

export function checkInvariants(h: History): InvariantReport {
  const violations: Violation[] = [];
  const byStatus: Record<string, number> = {};
  for (const f of h.finals) byStatus[name(f.status)] = (byStatus[name(f.status)] ?? 0) + 1;
  const counts: InvariantCounts = {
    executionsAccepted: h.submissions.length,
    executionsInCatalog: h.finals.length,
    terminal: h.finals.filter((f) => TERMINAL.has(f.status)).length,
    byStatus,
    attempts: h.attempts.length,
    attemptsLost: h.attempts.filter((a) => a.outcome === 'lost').length,
    statusObservations: h.observations.length,
    attemptSamples: h.attemptObservations.length,
    fencedReports: new Set(h.fencedReports.map((f) => f.attemptId)).size,
    attemptsWithMessages: 0,
    messagesChecked: 0,
    dropMarkers: 0,
    linesChecked: 0,
  };
  checkTerminal(h, violations);
  checkHolders(h, violations);
  checkFencing(h, violations);
  checkMessages(h, violations, counts);
  checkResults(h, violations, counts);
  const byKind = Object.fromEntries(ALL_KINDS.map((k) => [k, 0])) as Record<ViolationKind, number>;
  for (const v of violations) byKind[v.kind] += 1;
  return { ok: violations.length === 0, violations, byKind, counts };
}

/** Nearest-rank percentile of a list of numbers (null when empty). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface ResourceSample {
  rssBytes: number;
  fds: number;
}

/** Resource use after the run within the stated margin of its value after warm-up. */
export const LEAK_MARGIN = { rssFactor: 1.5, rssSlackBytes: 48 * 2 ** 20, fdSlack: 24 } as const;

export function withinMargin(baseline: ResourceSample, after: ResourceSample): string | null {
  const rssLimit = baseline.rssBytes * LEAK_MARGIN.rssFactor + LEAK_MARGIN.rssSlackBytes;
  if (after.rssBytes > rssLimit)
    return `RSS ${mib(after.rssBytes)} over ${mib(rssLimit)} (post-warm-up ${mib(baseline.rssBytes)})`;
  if (after.fds > baseline.fds + LEAK_MARGIN.fdSlack)
    return `${after.fds} open files, over ${baseline.fds + LEAK_MARGIN.fdSlack} (post-warm-up ${baseline.fds})`;
  return null;
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
