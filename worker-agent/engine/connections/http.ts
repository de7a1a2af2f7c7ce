import type { ConnectionManagerDef } from '../../../master-core/protocol/packageFormat';
import { connectionStringSecrets } from './connectionString';
import type { HttpConnection } from './types';

export type HttpConnectionDef = Extract<ConnectionManagerDef, { type: 'http' }>;

/** Headers whose values are credentials. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key']);

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error('the connection string is not a valid URL (expected http://host/ or https://host/)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`the URL must start with http:// or https://, not ${url.protocol}//`);
  }
  return url;
}

/** `Basic base64(user:password)` for a URL with credentials. */
function basicAuthorization(url: URL): string | null {
  if (!url.username && !url.password) return null;
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(credentials).toString('base64')}`;
}

/** Everything secret in an HTTP connection: the URL's password, credential headers, the Basic header. */
export function httpSecrets(def: HttpConnectionDef): string[] {
  const secrets = connectionStringSecrets(def.connectionString);
  for (const [name, value] of Object.entries(def.headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) continue;
    secrets.push(value);
    // "Bearer <token>": the token alone may show up too.
    const token = /^\S+\s+(\S+)$/.exec(value.trim())?.[1];
    if (token) secrets.push(token);
  }
  try {
    const authorization = basicAuthorization(parseBaseUrl(def.connectionString));
    if (authorization) secrets.push(authorization, authorization.slice('Basic '.length));
  } catch {
    // an invalid URL fails in openHttp with its own message
  }
  return secrets;
}

/**
 * An HTTP connection is its base URL and default headers. fetch() refuses URLs that carry
 * credentials, so user:password@ moves into an Authorization: Basic header (unless one is set).
 */
export function openHttp(def: HttpConnectionDef): HttpConnection {
  const baseUrl = parseBaseUrl(def.connectionString);
  const headers: Record<string, string> = { ...def.headers };
  const authorization = basicAuthorization(baseUrl);
  baseUrl.username = '';
  baseUrl.password = '';
  const hasAuthorization = Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  if (authorization && !hasAuthorization) headers['Authorization'] = authorization;
  return {
    type: 'http',
    baseUrl,
    headers: Object.freeze(headers),
    timeoutMs: def.timeoutMs,
    close: () => Promise.resolve(),
  };
}
