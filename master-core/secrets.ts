import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

export const newToken = () => randomBytes(32).toString('hex');

/** Reads a token file, or creates it (owner-only) with a fresh token. */
export function loadOrCreateToken(file: string): string {
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return token;
  }
  return writeToken(file, newToken());
}

export function writeToken(file: string, token: string): string {
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}
