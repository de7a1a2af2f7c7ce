import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createApiClient } from '../master-core/protocol/apiClient';
import type { ApiClient, EventSocket } from '../master-core/protocol/apiClient';
import { ScaleOutError } from '../master-core/protocol/errors';
import { defaultDataDir } from './paths';

export interface ConnectionFlags {
  url?: string;
  token?: string;
  dataDir?: string;
  /** CA certificate to trust for an https console (a master bound beyond loopback). */
  caFile?: string;
}

/** The console URL a master running from this data directory wrote to master.json. */
function localMasterUrl(dataDir: string): string | undefined {
  try {
    const state = JSON.parse(readFileSync(join(dataDir, 'master.json'), 'utf8')) as { consoleUrl?: unknown };
    return typeof state.consoleUrl === 'string' ? state.consoleUrl : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the master: --url / $SCALEOUT_URL, else the one running from the data directory
 * (<data-dir>/master.json), else http://127.0.0.1:8390; and --token / $SCALEOUT_TOKEN, else the
 * token a local master wrote to <data-dir>/console.token.
 */
export function connect(flags: ConnectionFlags): ApiClient {
  const dataDir = flags.dataDir ?? defaultDataDir();
  let token = flags.token ?? process.env.SCALEOUT_TOKEN;
  if (!token) {
    const file = join(dataDir, 'console.token');
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim();
  }
  if (!token) {
    throw new ScaleOutError(
      'UNAUTHORIZED',
      'no console token: pass --token or set SCALEOUT_TOKEN (a local master writes it to <data-dir>/console.token)',
      { field: 'token' },
    );
  }
  return clientFor(flags, token);
}

/** A client without a credential: only auth.login answers it. */
export function connectWithoutToken(flags: ConnectionFlags): ApiClient {
  return clientFor(flags, '');
}

function clientFor(flags: ConnectionFlags, token: string): ApiClient {
  const dataDir = flags.dataDir ?? defaultDataDir();
  const baseUrl = flags.url ?? process.env.SCALEOUT_URL ?? localMasterUrl(dataDir) ?? 'http://127.0.0.1:8390';
  const ca = baseUrl.startsWith('https:') ? trustedCa(flags, dataDir) : null;
  return createApiClient({
    baseUrl,
    token,
    ...(ca ? { fetch: fetchTrusting(ca) } : {}),
    createSocket: (url, protocols) =>
      new WebSocket(url, protocols, ca ? { ca } : {}) as unknown as EventSocket,
  });
}

/** --ca-file, $SCALEOUT_CA_FILE, or the CA of a master running from the data directory. */
function trustedCa(flags: ConnectionFlags, dataDir: string): Buffer | null {
  const file = flags.caFile ?? process.env.SCALEOUT_CA_FILE ?? join(dataDir, 'tls', 'ca.crt');
  if (existsSync(file)) return readFileSync(file);
  if (flags.caFile ?? process.env.SCALEOUT_CA_FILE)
    throw new ScaleOutError('VALIDATION_FAILED', `the CA file ${file} does not exist`, { field: 'ca-file' });
  return null;
}

/** The fetch the API client needs, over node:https trusting the master's CA. */
function fetchTrusting(ca: Buffer): typeof fetch {
  return ((url: string, init: { method: string; headers: Record<string, string>; body: string }) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: init.method, headers: init.headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: async () => JSON.parse(text) as unknown } as Response);
        });
      });
      req.on('error', reject);
      req.end(init.body);
    })) as unknown as typeof fetch;
}
