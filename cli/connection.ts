import { existsSync, readFileSync } from 'node:fs';
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
}

/**
 * Finds the master: --url / $SCALEOUT_URL (default http://127.0.0.1:8390) and --token /
 * $SCALEOUT_TOKEN, else the token a local master wrote to <data-dir>/console.token.
 */
export function connect(flags: ConnectionFlags): ApiClient {
  const baseUrl = flags.url ?? process.env.SCALEOUT_URL ?? 'http://127.0.0.1:8390';
  let token = flags.token ?? process.env.SCALEOUT_TOKEN;
  if (!token) {
    const file = join(flags.dataDir ?? defaultDataDir(), 'console.token');
    if (existsSync(file)) token = readFileSync(file, 'utf8').trim();
  }
  if (!token) {
    throw new ScaleOutError(
      'UNAUTHORIZED',
      'no console token: pass --token or set SCALEOUT_TOKEN (a local master writes it to <data-dir>/console.token)',
      { field: 'token' },
    );
  }
  return createApiClient({
    baseUrl,
    token,
    createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as EventSocket,
  });
}
