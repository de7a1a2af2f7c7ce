export interface SlotExit {
  /** The host's own report, if it sent one before exiting. */
  reported: { outcome: 'succeeded' | 'failed'; error: string | null } | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** The end of what the host wrote to stdout and stderr, for the error text of a crash. */
  outputTail: string;
}

/** Decides an attempt's outcome from how its execution host process ended. */
export function outcomeFromExit(exit: SlotExit): { outcome: 'succeeded' | 'failed'; error: string | null } {
  if (exit.timedOut) return { outcome: 'failed', error: 'the execution timed out and was stopped' };
  if (exit.cancelled) return { outcome: 'failed', error: 'the execution was stopped' };
  if (exit.reported && exit.exitCode === (exit.reported.outcome === 'succeeded' ? 0 : 1))
    return exit.reported;
  if (exit.reported?.outcome === 'failed') return exit.reported;
  const tail = exit.outputTail.trim();
  // The worker's per-execution limits (executionLimits.ts), said as such.
  if (exit.signal === 'SIGXCPU')
    return { outcome: 'failed', error: 'the execution used up its CPU time limit and was stopped (SIGXCPU)' };
  if (/JavaScript heap out of memory/.test(tail))
    return { outcome: 'failed', error: "the execution ran out of memory: it reached its host's heap limit" };
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  return {
    outcome: 'failed',
    error: `the execution host ${how} before reporting a result${tail ? `: ${tail.slice(-2000)}` : ''}`,
  };
}

export interface RecycleInput {
  /** The host reported its result and said host.ready again, and the agent never stopped it. */
  reportedAndReady: boolean;
  /** Attempts this host has run, the one just ended included. */
  uses: number;
  maxUses: number;
  /** The host's resident set size reported with its result. */
  rssBytes: number;
  maxRssBytes: number;
}

/**
 * Whether a pooled host may take another attempt. Never after a failure of the host itself
 * (crash, timeout, cancel, a protocol slip): its state is unknown. A package that failed and
 * reported it normally does not count against the host.
 */
export function recycleDecision(input: RecycleInput): { reuse: true } | { reuse: false; reason: string } {
  if (!input.reportedAndReady) return { reuse: false, reason: 'the host failed or was stopped' };
  if (input.uses >= input.maxUses) return { reuse: false, reason: `it ran ${input.uses} attempts` };
  if (input.rssBytes > input.maxRssBytes) {
    return { reuse: false, reason: `its memory (${input.rssBytes} bytes) passed ${input.maxRssBytes}` };
  }
  return { reuse: true };
}

/** Keeps the last `maxBytes` characters of a stream of output, whatever its length: bounded memory. */
export function createOutputTail(maxBytes: number) {
  let text = '';
  return {
    push(chunk: Buffer | string): void {
      const next = text + String(chunk);
      text = next.length > maxBytes ? next.slice(-maxBytes) : next;
    },
    text: () => text,
    clear(): void {
      text = '';
    },
  };
}

/** A host's stdout and stderr tails; a crash report quotes stderr (Node's fatal errors), else stdout. */
export function createHostOutput(maxBytes: number) {
  const stdout = createOutputTail(maxBytes);
  const stderr = createOutputTail(maxBytes);
  return {
    stdout,
    stderr,
    text: () => (stderr.text().trim() ? stderr.text() : stdout.text()),
    clear(): void {
      stdout.clear();
      stderr.clear();
    },
  };
}
