import { randomUUID } from 'node:crypto';
import { lstat, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { WebRequestTask } from '../../../master-core/protocol/packageFormat';
import type { TaskContext, TaskRunner } from '../taskApi';
import { resolveTaskPath, throwIfCancelled } from './paths';

export interface WebRequestLimits {
  /** Used when neither the task nor its connection sets a timeout. */
  defaultTimeoutMs: number;
  /** The most a response variable receives; a longer body fails the task. */
  maxVariableBytes: number;
  /** Of an unexpected response, the error quotes this many characters of the body. */
  errorBodyChars: number;
}

export const DEFAULT_WEB_REQUEST_LIMITS: WebRequestLimits = {
  defaultTimeoutMs: 30_000,
  maxVariableBytes: 16 * 1024 * 1024,
  errorBodyChars: 500,
};

/** Whether a status means success: one of the expected ones, or any 2xx when none are given. */
export function isExpectedStatus(status: number, expected: readonly number[]): boolean {
  return expected.length === 0 ? status >= 200 && status <= 299 : expected.includes(status);
}

/** The charset of a Content-Type header, utf-8 when absent or unknown to TextDecoder. */
export function charsetOf(contentType: string | null): string {
  const label = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return 'utf-8';
  }
}

/** A URL text fit for a message: any user:password@ replaced. */
export function withoutCredentials(text: string): string {
  return text.replace(/\/\/[^/?#@]*@/, '//***@');
}

interface Prepared {
  url: URL;
  /** The URL as logged: without credentials. */
  shownUrl: string;
  method: WebRequestTask['method'];
  headers: Headers;
  body: string | undefined;
  timeoutMs: number;
  responseFile: string | undefined;
}

function resolveUrl(text: string, base: URL | undefined): URL {
  try {
    return new URL(text, base);
  } catch (error) {
    const url = withoutCredentials(text);
    const problem = base
      ? `is not a valid URL relative to ${withoutCredentials(base.href)}`
      : 'is not a valid absolute URL (the task names no connection whose base URL it could be relative to)';
    throw new Error(`url ${url} ${problem}`, { cause: error });
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Takes user:password out of the URL (fetch refuses URLs that carry them) into a Basic
 * Authorization header, unless the headers already hold one. The password and the header value
 * are registered as secrets first, so no message can show them.
 */
function moveCredentials(url: URL, headers: Headers, context: TaskContext): void {
  if (url.username === '' && url.password === '') return;
  const username = decoded(url.username);
  const password = decoded(url.password);
  const token = Buffer.from(`${username}:${password}`).toString('base64');
  for (const secret of [password, url.password, token]) if (secret !== '') context.addSecret(secret);
  url.username = '';
  url.password = '';
  if (!headers.has('authorization')) headers.set('authorization', `Basic ${token}`);
}

async function checkResponseFile(path: string, overwrite: boolean): Promise<void> {
  if (!(await stat(dirname(path)).catch(() => undefined))?.isDirectory())
    throw new Error(`the folder of responseFile ${path} does not exist`);
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error(`responseFile ${path} is a directory`);
  if (existing && !overwrite)
    throw new Error(`responseFile ${path} already exists (overwriteResponseFile is false)`);
}

async function prepare(
  task: WebRequestTask,
  context: TaskContext,
  limits: WebRequestLimits,
): Promise<Prepared> {
  const connection = task.connection ? await context.connection(task.connection, 'http') : undefined;
  const url = resolveUrl(context.substitute(task.url), connection?.baseUrl);
  const headers = new Headers(connection?.headers);
  try {
    for (const [name, value] of Object.entries(task.headers)) headers.set(name, context.substitute(value));
  } catch (error) {
    throw new Error(`a header is not valid: ${(error as Error).message}`, { cause: error });
  }
  moveCredentials(url, headers, context);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`url ${url.href} is not http or https`);
  const body = task.body === undefined ? undefined : context.substitute(task.body);
  if (body !== undefined && (task.method === 'GET' || task.method === 'HEAD'))
    throw new Error(`a ${task.method} request cannot have a body`);
  const responseFile = task.responseFile
    ? resolveTaskPath(context, task.responseFile, 'responseFile')
    : undefined;
  if (responseFile) await checkResponseFile(responseFile, task.overwriteResponseFile);
  return {
    url,
    shownUrl: url.href,
    method: task.method,
    headers,
    body,
    timeoutMs: task.timeoutMs ?? connection?.timeoutMs ?? limits.defaultTimeoutMs,
    responseFile,
  };
}

interface BodySink {
  file?: FileHandle;
  /** Bytes kept in memory. */
  keepBytes: number;
  /** Past keepBytes: stop reading (an error quote) or fail (a variable), else go on (a file). */
  pastLimit: 'stop' | 'fail' | 'continue';
}

function tooLarge(bytes: number): string {
  const mib = Math.round((bytes / (1024 * 1024)) * 100) / 100;
  return `the response is larger than ${mib} MiB, the most a variable may receive; use responseFile instead`;
}

async function readBody(response: Response, sink: BodySink): Promise<{ bytes: number; kept: Buffer }> {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let bytes = 0;
  const reader = response.body?.getReader();
  try {
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      // writeFile writes the whole chunk at the current position (write may write part of it).
      if (sink.file) await sink.file.writeFile(value);
      if (keptBytes < sink.keepBytes) {
        const part = value.subarray(0, sink.keepBytes - keptBytes);
        kept.push(Buffer.from(part));
        keptBytes += part.byteLength;
      }
      if (bytes > sink.keepBytes && sink.pastLimit !== 'continue') {
        if (sink.pastLimit === 'fail') throw new Error(tooLarge(sink.keepBytes));
        break;
      }
    }
  } finally {
    // Releases the connection when the body was not read to its end.
    await reader?.cancel().catch(() => undefined);
  }
  return { bytes, kept: Buffer.concat(kept) };
}

/** Writes the body to a temporary file beside the target, renamed over it once complete. */
async function bodyToFile(response: Response, target: string, keepBytes: number) {
  const partial = join(dirname(target), `.${basename(target)}.${randomUUID().slice(0, 8)}.partial`);
  const file = await open(partial, 'wx');
  try {
    const read = await readBody(response, {
      file,
      keepBytes,
      pastLimit: keepBytes > 0 ? 'fail' : 'continue',
    });
    await file.close();
    await rename(partial, target);
    return read;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw error;
  }
}

function statusOf(response: Response): string {
  return response.statusText ? `${response.status} ${response.statusText}` : String(response.status);
}

async function failUnexpected(
  prepared: Prepared,
  response: Response,
  limits: WebRequestLimits,
): Promise<never> {
  // Four bytes a character at most in UTF-8: enough bytes for the quoted characters.
  const { kept } = await readBody(response, { keepBytes: limits.errorBodyChars * 4, pastLimit: 'stop' });
  const text = new TextDecoder(charsetOf(response.headers.get('content-type'))).decode(kept);
  const quote = text.slice(0, limits.errorBodyChars);
  throw new Error(
    `${prepared.method} ${prepared.shownUrl} answered ${statusOf(response)}, which the task does not expect` +
      (quote ? `; the response begins: ${quote}` : ''),
  );
}

async function receive(
  task: WebRequestTask,
  prepared: Prepared,
  response: Response,
  context: TaskContext,
  limits: WebRequestLimits,
): Promise<number> {
  if (!isExpectedStatus(response.status, task.expectedStatusCodes))
    await failUnexpected(prepared, response, limits);
  const keepBytes = task.responseVariable ? limits.maxVariableBytes : 0;
  const read = prepared.responseFile
    ? await bodyToFile(response, prepared.responseFile, keepBytes)
    : await readBody(response, { keepBytes, pastLimit: task.responseVariable ? 'fail' : 'continue' });
  if (task.responseVariable) {
    const text = new TextDecoder(charsetOf(response.headers.get('content-type'))).decode(read.kept);
    context.setVariable(task.responseVariable, text);
  }
  return read.bytes;
}

function requestFailure(prepared: Prepared, error: unknown, timedOut: boolean, cancelled: boolean): Error {
  const what = `${prepared.method} ${prepared.shownUrl}`;
  if (cancelled)
    return new Error(`${what} was stopped because the execution was cancelled`, { cause: error });
  if (timedOut) return new Error(`${what} timed out after ${prepared.timeoutMs} ms`, { cause: error });
  const cause = (error as Error).cause as Error | undefined;
  const reason = cause?.message ?? (error as Error).message;
  return new Error(`${what} failed: ${reason}`, { cause: error });
}

/**
 * Web Request task: one HTTP request with fetch. The URL resolves against the base URL of the
 * task's http connection, if any; headers are the connection's then the task's. Succeeds on an
 * expected status (any 2xx by default); the body goes to a variable and/or a file. Credentials in
 * the URL become a Basic Authorization header and are registered as secrets, never logged.
 */
export function createWebRequestTask(limits: WebRequestLimits = DEFAULT_WEB_REQUEST_LIMITS) {
  const run: TaskRunner<WebRequestTask> = async (task, context) => {
    throwIfCancelled(context.signal);
    const prepared = await prepare(task, context, limits);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), prepared.timeoutMs);
    const started = performance.now();
    const failure = (error: unknown) =>
      requestFailure(prepared, error, timeout.signal.aborted, context.signal.aborted);
    try {
      const response = await fetch(prepared.url, {
        method: prepared.method,
        headers: prepared.headers,
        body: prepared.body,
        signal: AbortSignal.any([context.signal, timeout.signal]),
      }).catch((error: unknown) => {
        throw failure(error);
      });
      const bytes = await receive(task, prepared, response, context, limits).catch((error: unknown) => {
        // Stopped, or the connection broke while the body came (fetch reports that as a TypeError).
        throw timeout.signal.aborted || context.signal.aborted || error instanceof TypeError
          ? failure(error)
          : error;
      });
      const ms = Math.round(performance.now() - started);
      const saved = prepared.responseFile ? `, saved to ${prepared.responseFile}` : '';
      context.log.information(
        `${prepared.method} ${prepared.shownUrl} answered ${statusOf(response)}: ${bytes} bytes in ${ms} ms${saved}`,
      );
    } finally {
      clearTimeout(timer);
    }
  };
  return run;
}

export const runWebRequestTask: TaskRunner<WebRequestTask> = createWebRequestTask();
