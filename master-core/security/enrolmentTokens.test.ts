import { describe, expect, it } from 'vitest';
import { newEnrolmentToken, parseEnrolmentToken } from './enrolmentTokens';

describe('enrolment tokens', () => {
  it('carry a 32-byte secret and the CA fingerprint; the catalog keeps only the secret hash', () => {
    const fingerprint = 'ab'.repeat(32);
    const { token, secretHash, tokenId } = newEnrolmentToken(fingerprint);
    expect(token).toMatch(/^SOE1\.[\w-]{43}\.[\w-]{43}$/);
    expect(tokenId).toMatch(/^[0-9a-f]{12}$/);
    expect(token).not.toContain(secretHash);
    expect(parseEnrolmentToken(` ${token}\n`)).toEqual({ secretHash, caFingerprint: fingerprint });
    expect(newEnrolmentToken(fingerprint).secretHash).not.toBe(secretHash);
  });

  it.each([
    '',
    'SOE1',
    'SOE1.a.b',
    'SOE2.' + 'A'.repeat(43) + '.' + 'A'.repeat(43),
    'SOE1.' + 'A'.repeat(43),
  ])('refuses %j', (text) => expect(parseEnrolmentToken(text)).toBeNull());
});
