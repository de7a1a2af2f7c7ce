import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { apiMethods } from '../protocol/api';
import type { ApiMethodName, ApiResult, ConsoleEvent } from '../protocol/api';
import { EVENTS_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX } from '../protocol/apiClient';
import { ErrorCodes, ScaleOutError, coerceError } from '../protocol/errors';
import { parseOrThrow } from '../protocol/validate';
import type { EventBus } from '../eventBus';
import type { Logger } from '../logger';
import type { Handlers } from './handlers';
import type { HandlerContext } from './handlers/context';
import type { Authenticator } from '../security/authenticate';
import { mayRead, methodPolicies, refusalFor, targetOf } from '../security/permissions';
import type { FolderLookup, Principal } from '../security/permissions';
import { LoginThrottled } from '../security/loginThrottle';
import type { AuditEntry } from '../catalog/securityRepo';
import type { WebSocket } from 'ws';
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
  /** The console token and users' tokens → the caller (security/authenticate.ts). */
  authenticator: Authenticator;
  /** Where objects named by id live, for folder permissions. */
  folderLookup: FolderLookup;
  /** Writes one audit entry (catalog audit_log). */
  audit: (entry: AuditEntry) => Promise<void>;
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

  /** Open event streams, so a revoked token's or a changed user's stream can be closed at once. */
  const streams = new Set<{ ws: WebSocket; principal: Principal }>();

  const clientAddress = (req: IncomingMessage) => req.socket.remoteAddress ?? '';
  const bearer = (req: IncomingMessage) => {
    const header = req.headers.authorization ?? '';
    return header.startsWith('Bearer ') ? header.slice(7) : '';
  };
  /** The audit never fails a request; a failed write is logged. */
  const audit = (entry: AuditEntry) => {
    void deps.audit(entry).catch((error: unknown) => deps.log.error(`audit write failed: ${String(error)}`));
  };

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
    const method = url.slice('/api/'.length).split('?')[0] as ApiMethodName;
    const address = clientAddress(req);
    // Every method but auth.login needs a credential, checked before anything else is looked at.
    let caller: Principal | null = null;
    if (method !== 'auth.login') {
      const auth = await deps.authenticator.authenticate(bearer(req));
      if (!auth.ok) {
        if (auth.userName !== null)
          audit({
            userName: auth.userName,
            method: Object.hasOwn(apiMethods, method) ? method : 'unknown',
            target: '',
            outcome: 'refused',
            detail: `UNAUTHORIZED: ${auth.message}`,
            clientAddress: address,
          });
        return reply(res, 401, fail('UNAUTHORIZED', auth.message));
      }
      caller = auth.principal;
    }
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
    const { changes } = methodPolicies[method];
    let input: unknown = undefined;
    try {
      const body = await readJson(req, limit, () => tooLarge(method, null));
      input = parseOrThrow(apiMethods[method].input, body, `${method} request`);
      // The one permission check (security/permissions.ts), before the handler runs.
      if (caller) {
        const refusal = await refusalFor(method, caller, input as never, deps.folderLookup);
        if (refusal) throw new ScaleOutError('FORBIDDEN', refusal);
      }
      const handler = deps.handlers[method] as (input: unknown, ctx: HandlerContext) => Promise<unknown>;
      const value = await handler(input, {
        principal: caller?.userName ?? '',
        caller,
        clientAddress: address,
      });
      if (changes)
        audit({
          userName: auditUser(method, caller, input),
          method,
          target: targetOf(method, input),
          outcome: 'ok',
          detail: '',
          clientAddress: address,
        });
      reply(res, 200, { ok: true, value });
    } catch (error) {
      if (error instanceof LoginThrottled) {
        const e = new ScaleOutError('UNAUTHORIZED', error.message);
        audit({
          userName: auditUser(method, caller, input),
          method,
          target: targetOf(method, input),
          outcome: 'refused',
          detail: `UNAUTHORIZED: ${error.message}`,
          clientAddress: address,
        });
        return reply(
          res,
          401,
          { ok: false, error: e.toData() },
          {
            'retry-after': String(Math.ceil(error.retryAfterMs / 1000)),
          },
        );
      }
      const e =
        error instanceof ScaleOutError ? error : new ScaleOutError('INTERNAL', coerceError(error).message);
      if (e.code === 'INTERNAL') deps.log.error(`${method} failed: ${coerceError(error).stack ?? e.message}`);
      const refused = e.code === 'FORBIDDEN' || e.code === 'UNAUTHORIZED';
      // Audited: refusals (403, 401) and failed logins. A call refused as invalid or for a missing
      // object changed nothing and is the caller's own business: not audited (nor is a failed read).
      const unparsedLogin = method === 'auth.login' && input === undefined;
      if (refused && !unparsedLogin)
        audit({
          userName: auditUser(method, caller, input),
          method,
          target: targetOf(method, input),
          outcome: refused && method !== 'auth.login' ? 'refused' : 'failed',
          detail: `${e.code}: ${e.message}`,
          clientAddress: address,
        });
      reply(res, ErrorCodes[e.code].status || 500, { ok: false, error: e.toData() });
    }
  }

  /** Closes the event streams of these tokens, or of this user (rights changed: they reconnect). */
  function endStreams(which: { tokenIds?: string[]; userName?: string }): void {
    const tokenIds = new Set(which.tokenIds ?? []);
    const user = which.userName?.toLowerCase();
    for (const stream of streams) {
      const p = stream.principal;
      if (
        (p.tokenId !== null && tokenIds.has(p.tokenId)) ||
        (user !== undefined && p.userName.toLowerCase() === user && p.credential !== 'console')
      )
        stream.ws.close(4001, 'credential revoked or rights changed');
    }
  }

  /**
   * The folder of each execution seen lately (every execution is announced by execution:changed
   * before its first message), so message:added reaches only callers who may read its folder.
   * Bounded: the oldest are forgotten and looked up again in the catalog when needed.
   */
  const executionFolders = new Map<number, string>();
  const FOLDERS_KEPT = 10_000;
  const rememberFolder = (executionId: number, folderName: string) => {
    executionFolders.delete(executionId);
    executionFolders.set(executionId, folderName);
    if (executionFolders.size > FOLDERS_KEPT)
      executionFolders.delete(executionFolders.keys().next().value as number);
  };
  const lookups = new Map<number, Promise<string | null>>();
  const folderOf = (executionId: number): Promise<string | null> => {
    let pending = lookups.get(executionId);
    if (!pending) {
      pending = deps.folderLookup
        .executionFolder(executionId)
        .catch(() => null)
        .then((folder) => {
          lookups.delete(executionId);
          if (folder !== null) rememberFolder(executionId, folder);
          return folder;
        });
      lookups.set(executionId, pending);
    }
    return pending;
  };
  deps.bus.on((event) => {
    if (event.type === 'execution:changed')
      rememberFolder(event.execution.executionId, event.execution.folderName);
  });

  /**
   * Sends an event to this stream's caller if they may see it: executions and their messages only
   * of folders they may read. A message of an execution whose folder is not known yet waits for
   * the catalog to say it (order does not matter there: message:added only says "fetch again").
   */
  function deliver(stream: { ws: WebSocket; principal: Principal }, event: ConsoleEvent): void {
    const send = () => {
      if (stream.ws.readyState === stream.ws.OPEN) stream.ws.send(JSON.stringify(event));
    };
    if (event.type === 'execution:changed') {
      if (mayRead(stream.principal, event.execution.folderName)) send();
      return;
    }
    if (event.type !== 'message:added') return send();
    const known = executionFolders.get(event.executionId);
    if (known !== undefined) {
      if (mayRead(stream.principal, known)) send();
      return;
    }
    void folderOf(event.executionId).then((folder) => {
      if (folder !== null && mayRead(stream.principal, folder)) send();
    });
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    upgrade(req, socket, head).catch((error: unknown) => {
      deps.log.error(`event stream upgrade failed: ${String(error)}`);
      socket.destroy();
    });
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
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
    const auth = await deps.authenticator.authenticate(token ?? '');
    if (!auth.ok) {
      if (auth.userName !== null)
        audit({
          userName: auth.userName,
          method: 'events',
          target: '',
          outcome: 'refused',
          detail: `UNAUTHORIZED: ${auth.message}`,
          clientAddress: clientAddress(req),
        });
      return refuse(401, 'Unauthorized');
    }
    const principal = auth.principal;
    events.handleUpgrade(req, socket, head, (ws) => {
      const stream = { ws, principal };
      streams.add(stream);
      const off = deps.bus.on((event) => {
        if (ws.readyState !== ws.OPEN) return;
        if (principal.expiresAt !== null && principal.expiresAt <= new Date().toISOString()) {
          ws.close(4001, 'the session expired');
          return;
        }
        deliver(stream, event);
      });
      const end = () => {
        off();
        streams.delete(stream);
      };
      ws.on('close', end);
      ws.on('error', end);
      ws.on('message', () => ws.close(4003, 'the event stream is one-way'));
    });
  }

  return {
    endStreams,
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

/** Who an audit entry names: the caller, or for auth.login the name that tried. */
function auditUser(method: string, caller: Principal | null, input: unknown): string {
  if (caller) return caller.userName;
  const name = (input as { userName?: unknown } | undefined)?.userName;
  return method === 'auth.login' && typeof name === 'string' ? name : '';
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
