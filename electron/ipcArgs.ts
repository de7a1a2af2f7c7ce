import { MASTER_URL_MAX_LENGTH, NOTIFY_BODY_MAX_LENGTH, NOTIFY_TITLE_MAX_LENGTH } from './ipcChannels';
import type { IpcResult } from './ipcChannels';
import { isAllowedNavigation, originOf } from './navigationPolicy';

/**
 * Checks on everything the renderer sends over the bridge. Pure (no `electron` import): the main
 * process calls these before it acts, and the tests call them directly.
 */

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const rejected = (code: string, message: string): IpcResult<never> => ({
  ok: false,
  error: { code, message },
});

/** Only the console page itself (the frame loaded from the master's origin) may use the bridge. */
export function isTrustedSender(frameUrl: string | null | undefined, consoleOrigin: string): boolean {
  return typeof frameUrl === 'string' && isAllowedNavigation(frameUrl, consoleOrigin);
}

function boundedString(value: unknown, field: string, maxLength: number): IpcResult<string> {
  if (typeof value !== 'string') return rejected('VALIDATION_FAILED', `${field} must be a string`);
  if (value.length > maxLength) {
    return rejected(
      'VALIDATION_FAILED',
      `${field} is ${value.length} characters long; at most ${maxLength} allowed`,
    );
  }
  return ok(value);
}

/** The channel takes no arguments: extra ones mean a caller we do not know. */
export function parseNoArgs(args: readonly unknown[]): IpcResult<null> {
  return args.length === 0
    ? ok(null)
    : rejected('VALIDATION_FAILED', `expected no arguments, got ${args.length}`);
}

export interface NotifyArgs {
  title: string;
  body: string;
}

/** `notify(title, body)`: two strings, the title non-empty, both bounded. */
export function parseNotifyArgs(args: readonly unknown[]): IpcResult<NotifyArgs> {
  if (args.length !== 2)
    return rejected('VALIDATION_FAILED', `expected (title, body), got ${args.length} arguments`);
  const title = boundedString(args[0], 'title', NOTIFY_TITLE_MAX_LENGTH);
  if (!title.ok) return title;
  if (title.value.trim() === '') return rejected('VALIDATION_FAILED', 'title must not be empty');
  const body = boundedString(args[1], 'body', NOTIFY_BODY_MAX_LENGTH);
  if (!body.ok) return body;
  return ok({ title: title.value, body: body.value });
}

/** `connectToMaster(baseUrl)`: one http(s) URL without credentials; answers its origin. */
export function parseConnectArgs(args: readonly unknown[]): IpcResult<string> {
  if (args.length !== 1)
    return rejected('VALIDATION_FAILED', `expected (baseUrl), got ${args.length} arguments`);
  const text = boundedString(args[0], 'baseUrl', MASTER_URL_MAX_LENGTH);
  if (!text.ok) return text;
  const origin = originOf(text.value);
  if (!origin) return rejected('VALIDATION_FAILED', 'baseUrl must be an http:// or https:// URL');
  if (/\/\/[^/]*@/.test(text.value))
    return rejected('VALIDATION_FAILED', 'baseUrl must not carry a user name or password');
  return ok(origin);
}
