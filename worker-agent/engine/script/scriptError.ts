/** Why a Script task failed, as data: the engine logs `message`; tests and callers match `code`. */
export const ScriptErrorCode = {
  /** The task has no code (deploy fills `code` from `file`). */
  noCode: 'script.noCode',
  /** This Node has no permission model, so a script cannot be isolated: it does not run. */
  noIsolation: 'script.noIsolation',
  /** dist/scriptHost.mjs is missing or its process did not start. */
  hostUnavailable: 'script.hostUnavailable',
  /** The script host sent something outside the protocol (scriptProtocol.ts). */
  protocolViolation: 'script.protocolViolation',
  /** The script threw, rejected or called fail(). */
  scriptFailed: 'script.failed',
  /** The script host ended without saying done or failed (crash, signal, out of memory). */
  hostExited: 'script.hostExited',
  /** A changed variable could not be applied (unknown, read-only, wrong type). */
  variable: 'script.variable',
  timedOut: 'script.timedOut',
  cancelled: 'script.cancelled',
} as const;
export type ScriptErrorCode = (typeof ScriptErrorCode)[keyof typeof ScriptErrorCode];

export class ScriptTaskError extends Error {
  override readonly name = 'ScriptTaskError';
  constructor(
    readonly code: ScriptErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Message of anything thrown, including errors of another V8 context and non-errors. */
export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    return String((error as { message: unknown }).message);
  }
  return String(error);
}
