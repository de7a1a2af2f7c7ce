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
  const baseUrl = flags.url ?? process.env.SCALEOUT_URL ?? localMasterUrl(dataDir) ?? 'http://127.0.0.1:8390';
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
  return createApiClient({
    baseUrl,
    token,
    createSocket: (url, protocols) => new WebSocket(url, protocols) as unknown as EventSocket,
  });
}
