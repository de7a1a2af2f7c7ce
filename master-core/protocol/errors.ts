/** One table of error codes for the whole product; `retryable` says whether trying again may help. */
export const ErrorCodes = {
  BAD_REQUEST: { status: 400, retryable: false },
  VALIDATION_FAILED: { status: 400, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  CONFLICT: { status: 409, retryable: false },
  PARAMETER_REQUIRED: { status: 400, retryable: false },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false },
  UNAVAILABLE: { status: 503, retryable: true },
  TIMEOUT: { status: 504, retryable: true },
  NETWORK: { status: 0, retryable: true },
  INTERNAL: { status: 500, retryable: true },
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending field, when one field is to blame. */
  field?: string;
}

/** The error class of the product; carries a code from the table, never a bare string. */
export class ScaleOutError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ScaleOutError';
    this.code = code;
    this.field = options.field;
  }
  get retryable(): boolean {
    return ErrorCodes[this.code].retryable;
  }
  toData(): ErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }
}

/** Turns anything thrown into an Error. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}
