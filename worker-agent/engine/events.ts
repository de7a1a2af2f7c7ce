/** One message a package emits while it runs (SSIS message_type and message_source_type codes). */
export interface EngineEvent {
  timeMs: number;
  messageType: number;
  sourceType: number;
  sourceName: string;
  /** SSIS package_path, e.g. \\Package\\Build message. */
  packagePath: string;
  message: string;
}

/** Tasks emit without time and path; the engine adds both. */
export type EmitEvent = (event: Omit<EngineEvent, 'timeMs' | 'packagePath'>) => void;

/** Messages longer than this are cut, with a note, so one runaway line cannot flood the catalog. */
export const MAX_MESSAGE_CHARS = 8 * 1024;

export function capMessage(message: string): string {
  return message.length <= MAX_MESSAGE_CHARS
    ? message
    : `${message.slice(0, MAX_MESSAGE_CHARS)}… [${message.length - MAX_MESSAGE_CHARS} more characters cut]`;
}
