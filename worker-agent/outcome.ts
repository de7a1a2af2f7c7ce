export interface SlotExit {
  /** The host's own report, if it sent one before exiting. */
  reported: { outcome: 'succeeded' | 'failed'; error: string | null } | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Last lines the host wrote to stderr, for the error text of a crash. */
  stderrTail: string;
}

/** Decides an attempt's outcome from how its execution host process ended. */
export function outcomeFromExit(exit: SlotExit): { outcome: 'succeeded' | 'failed'; error: string | null } {
  if (exit.timedOut) return { outcome: 'failed', error: 'the execution timed out and was stopped' };
  if (exit.cancelled) return { outcome: 'failed', error: 'the execution was stopped' };
  if (exit.reported && exit.exitCode === (exit.reported.outcome === 'succeeded' ? 0 : 1))
    return exit.reported;
  if (exit.reported?.outcome === 'failed') return exit.reported;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
  const tail = exit.stderrTail.trim();
  return {
    outcome: 'failed',
    error: `the execution host ${how} before reporting a result${tail ? `: ${tail.slice(-2000)}` : ''}`,
  };
}
