import { apiMethods, ConsoleEvent } from './api';
import type { ApiInput, ApiMethodName, ApiOutput } from './api';
import { ScaleOutError, coerceError } from './errors';
import type { ErrorCode } from './errors';

/** The one typed client for the console API, used by the renderer and the CLI alike. */

/** The subset of the WebSocket API we use; both the browser's and the `ws` package's fit. */
export interface EventSocket {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: (event: unknown) => void): void;
  close(): void;
}
export type EventSocketFactory = (url: string, protocols: string[]) => EventSocket;

export interface ApiClientOptions {
  /** Base URL of the master's console listener, e.g. http://127.0.0.1:8390 */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  createSocket?: EventSocketFactory;
}

export const EVENTS_SUBPROTOCOL = 'scaleout-events';
/** The token rides in a second subprotocol, since browsers cannot set headers on a WebSocket. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'bearer.';

export interface ApiClient {
  call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>>;
  /** Follows live events; reconnects with capped backoff until the returned function is called. */
  subscribe(onEvent: (event: ConsoleEvent) => void, onStatus?: (connected: boolean) => void): () => void;
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call<M extends ApiMethodName>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body: JSON.stringify(input ?? {}),
      });
    } catch (error) {
      throw new ScaleOutError(
        'NETWORK',
        `cannot reach the master at ${baseUrl}: ${coerceError(error).message}`,
        {
          cause: error,
        },
      );
    }
    const body: unknown = await response.json().catch(() => null);
    if (!body || typeof body !== 'object' || !('ok' in body)) {
      throw new ScaleOutError('INTERNAL', `unexpected answer from the master (HTTP ${response.status})`);
    }
    const envelope = body as {
      ok: boolean;
      value?: unknown;
      error?: { code: ErrorCode; message: string; field?: string };
    };
    if (!envelope.ok) {
      const error = envelope.error ?? { code: 'INTERNAL' as const, message: 'unknown error' };
      throw new ScaleOutError(error.code, error.message, error.field ? { field: error.field } : {});
    }
    return apiMethods[method].output.parse(envelope.value) as ApiOutput<M>;
  }

  function subscribe(
    onEvent: (event: ConsoleEvent) => void,
    onStatus?: (connected: boolean) => void,
  ): () => void {
    const createSocket =
      options.createSocket ??
      ((url: string, protocols: string[]) => new WebSocket(url, protocols) as EventSocket);
    const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/api/events`;
    let stopped = false;
    let socket: EventSocket | null = null;
    let failures = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const connect = () => {
      if (stopped) return;
      socket = createSocket(wsUrl, [EVENTS_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${options.token}`]);
      socket.addEventListener('open', () => {
        failures = 0;
        onStatus?.(true);
      });
      socket.addEventListener('message', (event: { data: unknown }) => {
        const parsed = ConsoleEvent.safeParse(safeJson(String(event.data)));
        if (parsed.success) onEvent(parsed.data);
      });
      socket.addEventListener('close', () => {
        onStatus?.(false);
        if (stopped) return;
        failures += 1;
        const delayMs = Math.min(10_000, 250 * 2 ** Math.min(failures, 6));
        timer = setTimeout(connect, delayMs);
      });
      socket.addEventListener('error', () => undefined);
    };
    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      socket?.close();
    };
  }

  return { call, subscribe };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
