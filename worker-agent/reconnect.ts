import { CloseCode } from '../master-core/protocol/wire';

/** First reconnect waits up to this long ... */
export const RECONNECT_BASE_MS = 100;
/** ... doubling per failure up to this cap. */
export const RECONNECT_CAP_MS = 5_000;

/**
 * Delay before the next connection attempt after `failures` failed ones (1, 2, ...): capped
 * exponential backoff with full jitter, a uniform pick in [0, min(cap, base * 2^(failures-1))).
 * Full jitter spreads a fleet that lost its master at the same moment, so the agents do not all
 * knock again in the same millisecond. `random` is Math.random in production, fixed in tests.
 */
export function nextDelayMs(
  failures: number,
  random: () => number = Math.random,
  baseMs = RECONNECT_BASE_MS,
  capMs = RECONNECT_CAP_MS,
): number {
  const exponent = Math.min(Math.max(0, failures - 1), 30);
  const ceilingMs = Math.min(capMs, baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
  return Math.floor(r * ceilingMs);
}

export type CloseDecision = { kind: 'reconnect' } | { kind: 'fatal'; reason: string };

/**
 * What a closed connection to the master means for the agent. A refused token or protocol version
 * (4001, 4002) will not change by trying again, and 4004 means another agent with this identity
 * (the same work directory, copied or shared) connected: two agents taking turns to replace each
 * other would each run the other's work; 4007 means the operator revoked this worker. These end the agent. Anything else, 1013 (the master is
 * busy storing messages) included, is worth another try.
 */
export function closeDecision(code: number, reason: string): CloseDecision {
  switch (code) {
    case CloseCode.authFailed:
      return {
        kind: 'fatal',
        reason: `the master refused this worker's credential (${code}${suffix(reason)})`,
      };
    case CloseCode.versionMismatch:
      return {
        kind: 'fatal',
        reason: `the master does not speak this agent's protocol version (${code}${suffix(reason)})`,
      };
    case CloseCode.revoked:
      return {
        kind: 'fatal',
        reason: `the master revoked this worker (${code}${suffix(reason)}); enrol it again with a new token to bring it back`,
      };
    case CloseCode.replaced:
      return {
        kind: 'fatal',
        reason:
          `another agent with this worker id connected to the master (${code}${suffix(reason)}); ` +
          'two agents must not share one work directory',
      };
    default:
      return { kind: 'reconnect' };
  }
}

const suffix = (reason: string) => (reason ? `: ${reason}` : '');
