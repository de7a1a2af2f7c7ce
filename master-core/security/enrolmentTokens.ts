import { createHash, randomBytes } from 'node:crypto';
import { ENROLMENT_TOKEN_PREFIX } from '../protocol/wire';

/**
 * One-time enrolment tokens: `SOE1.<secret>.<CA fingerprint>`, both parts base64url of 32 bytes.
 * The secret proves the operator meant this worker; the fingerprint lets the worker pin the master
 * from the token alone. The catalog keeps only the secret's SHA-256.
 */
export function newEnrolmentToken(caFingerprintHex: string): {
  token: string;
  secretHash: string;
  tokenId: string;
} {
  const secret = randomBytes(32);
  const token = `${ENROLMENT_TOKEN_PREFIX}.${secret.toString('base64url')}.${Buffer.from(caFingerprintHex, 'hex').toString('base64url')}`;
  return { token, secretHash: hashSecret(secret), tokenId: randomBytes(6).toString('hex') };
}

export const hashSecret = (secret: Buffer) => createHash('sha256').update(secret).digest('hex');

/** The token's secret hash and pinned fingerprint, or null for anything not shaped like a token. */
export function parseEnrolmentToken(token: string): { secretHash: string; caFingerprint: string } | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== ENROLMENT_TOKEN_PREFIX) return null;
  const secret = Buffer.from(parts[1]!, 'base64url');
  const fingerprint = Buffer.from(parts[2]!, 'base64url');
  if (secret.length !== 32 || fingerprint.length !== 32) return null;
  return { secretHash: hashSecret(secret), caFingerprint: fingerprint.toString('hex') };
}
