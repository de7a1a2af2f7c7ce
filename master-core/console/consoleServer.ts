import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { apiMethods } from '../protocol/api';
import type { ApiMethodName, ApiResult } from '../protocol/api';
import { EVENTS_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../protocol/apiClient';
import { ErrorCodes, ScaleOutError, coerceError } from '../protocol/errors';
import { parseOrThrow } from '../protocol/validate';
import type { EventBus } from '../eventBus';
import type { Logger } from '../logger';
import { tokensEqual } from '../gateway/agentGateway';
import type { Handlers } from './handlers';
import { serveStatic } from './staticFiles';

const MiB = 1024 * 1024;
/** Any API request: roomy, yet bounded so no client can make the master buffer without end. */
const MAX_BODY_BYTES = 16 * MiB;
/**
 * A deploy carries a whole project: 32 MiB of project files fits with room for JSON's escaping
 * (quotes, backslashes and line breaks in the files' text).
 */
const MAX_DEPLOY_BODY_BYTES = 64 * MiB;
/** A refused body is read and dropped up to this size, then the connection is cut. */
const DRAIN_LIMIT_BYTES = 256 * MiB;
const DEPLOY_METHODS: ReadonlySet<string> = new Set(['project.deploy', 'project.deployFiles']);

/** The most a request to this method may carry. */
export function bodyLimitOf(method: string): number {
  return DEPLOY_METHODS.has(method) ? MAX_DEPLOY_BODY_BYTES : MAX_BODY_BYTES;
}

function tooLarge(method: string, size: number | null): ScaleOutError {
  const limit = bodyLimitOf(method);
  const got = size === null ? 'more than that' : `${(size / MiB).toFixed(1)} MiB`;
  const hint = DEPLOY_METHODS.has(method)
    ? ''
    : ` (project.deploy and project.deployFiles take ${MAX_DEPLOY_BODY_BYTES / MiB} MiB)`;
  return new ScaleOutError(
    'PAYLOAD_TOO_LARGE',
    `the request to ${method} is too large: the master takes at most ${limit / MiB} MiB${hint}; this one is ${got}`,
  );
}

export interface ConsoleServerDeps {
  handlers: Handlers;
  bus: EventBus;
  log: Logger;
  token: string;
  rendererDir: string | null;
  /** host:port strings this listener answers to (DNS-rebinding defence). */
  allowedHosts: () => Set<string>;
}

/** Console API over HTTP (POST /api/<method>), the live event WebSocket, and the built console. */
export function createConsoleServer(deps: ConsoleServerDeps) {
  const events = new WebSocketServer({
    noServer: true,
    maxPayload: 4096,
    handleProtocols: (protocols) => (protocols.has(EVENTS_SUBPROTOCOL) ? EVENTS_SUBPROTOCOL : false),
  });

  function hostAllowed(req: IncomingMessage): boolean {
    const host = (req.headers.host ?? '').toLowerCase();
    if (!deps.allowedHosts().has(host)) return false;
    const origin = req.headers.origin;
    return origin === undefined || origin === `http://${host}` || origin === `https://${host}`;
  }

  function authorized(req: IncomingMessage, tokenFromProtocol?: string): boolean {
    const header = req.headers.authorization ?? '';
    const token = tokenFromProtocol ?? (header.startsWith('Bearer ') ? header.slice(7) : '');
    return token.length > 0 && tokensEqual(token, deps.token);
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (!hostAllowed(req)) return reply(res, 403, fail('FORBIDDEN', 'host or origin not allowed'));
    if (!url.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return reply(res, 405, fail('BAD_REQUEST', 'method not allowed'));
      return serveStatic(deps.rendererDir, url, res);
    }
    if (req.method !== 'POST')
      return reply(res, 405, fail('BAD_REQUEST', 'API methods are called with POST'));
    if (!authorized(req)) return reply(res, 401, fail('UNAUTHORIZED', 'a valid bearer token is required'));
    const method = url.slice('/api/'.length).split('?')[0] as ApiMethodName;
    if (!Object.hasOwn(apiMethods, method))
      return reply(res, 404, fail('NOT_FOUND', `unknown API method ${method}`));
    const limit = bodyLimitOf(method);
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (declared > limit) {
      // Refused before reading. The rest is read and dropped (Node does that once the answer is
      // sent), so the client gets to read the answer instead of a reset connection; a body far
      // beyond any deploy closes the connection instead.
      const e = tooLarge(method, declared);
      const close: Record<string, string> = declared > DRAIN_LIMIT_BYTES ? { connection: 'close' } : {};
      return reply(res, 413, { ok: false, error: e.toData() }, close);
    }
    try {
      const body = await readJson(req, limit, () => tooLarge(method, null));
      const input = parseOrThrow(apiMethods[method].input, body, `${method} request`);
      const handler = deps.handlers[method] as (
        input: unknown,
        ctx: { principal: string },
      ) => Promise<unknown>;
      const value = await handler(input, { principal: 'console' });
      reply(res, 200, { ok: true, value });
    } catch (error) {
      const e =
        error instanceof ScaleOutError ? error : new ScaleOutError('INTERNAL', coerceError(error).message);
      if (e.code === 'INTERNAL') deps.log.error(`${method} failed: ${coerceError(error).stack ?? e.message}`);
      reply(res, ErrorCodes[e.code].status || 500, { ok: false, error: e.toData() });
    }
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const token = protocols
      .find((p) => p.startsWith(TOKEN_SUBPROTOCOL_PREFIX))
      ?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req)) return refuse(403, 'Forbidden');
    if ((req.url ?? '').split('?')[0] !== '/api/events') return refuse(404, 'Not Found');
    if (!authorized(req, token ?? '')) return refuse(401, 'Unauthorized');
    events.handleUpgrade(req, socket, head, (ws) => {
      const off = deps.bus.on((event) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
      });
      ws.on('close', off);
      ws.on('error', off);
      ws.on('message', () => ws.close(4003, 'the event stream is one-way'));
    });
  }

  return {
    handleRequest: (req: IncomingMessage, res: ServerResponse) => {
      handleRequest(req, res).catch((error: unknown) => {
        deps.log.error(`request failed: ${String(error)}`);
        if (!res.headersSent) reply(res, 500, fail('INTERNAL', 'internal error'));
      });
    },
    handleUpgrade,
    close: () => {
      for (const client of events.clients) client.terminate();
      events.close();
    },
  };
}

function fail(code: keyof typeof ErrorCodes, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/**
 * Reads a JSON body of at most `limit` bytes. Past the limit it stops keeping what comes and fails
 * at once, while the rest is still read and dropped (up to DRAIN_LIMIT_BYTES, then the connection
 * is cut), so the client reads the answer rather than a reset.
 */
function readJson(req: IncomingMessage, limit: number, tooLarge: () => ScaleOutError): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (refused) {
        if (size > DRAIN_LIMIT_BYTES) req.socket.destroy();
        return;
      }
      if (size > limit) {
        refused = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ScaleOutError('BAD_REQUEST', 'request body is not valid JSON'));
      }
    });
  });
}
