import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ScaleOutError } from './protocol/errors';

/** Marks an encrypted value in the catalog: enc:v1:<iv>:<tag>:<ciphertext>, base64 parts. */
const PREFIX = 'enc:v1:';

export interface SecretBox {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

/**
 * AES-256-GCM for sensitive values at rest. The 32-byte key lives in a file readable by the owner
 * only (<data-dir>/catalog.key); losing it makes sensitive values unreadable, by design.
 */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new ScaleOutError('INTERNAL', 'the catalog key must be 32 bytes');
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
    },
    decrypt(stored) {
      if (!stored.startsWith(PREFIX)) throw new ScaleOutError('INTERNAL', 'value is not encrypted');
      const [iv, tag, data] = stored.slice(PREFIX.length).split(':');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv ?? '', 'base64'));
        decipher.setAuthTag(Buffer.from(tag ?? '', 'base64'));
        return Buffer.concat([decipher.update(Buffer.from(data ?? '', 'base64')), decipher.final()]).toString(
          'utf8',
        );
      } catch (error) {
        throw new ScaleOutError(
          'INTERNAL',
          'a sensitive value cannot be decrypted: is this the catalog key it was written with?',
          {
            cause: error,
          },
        );
      }
    },
  };
}

/** Reads the key file, or creates it with a fresh random key, owner-only. */
export function loadOrCreateKey(file: string): Buffer {
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new ScaleOutError('INTERNAL', `${file} does not hold a 32-byte key`);
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return key;
}
