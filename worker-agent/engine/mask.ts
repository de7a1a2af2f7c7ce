import type { ParameterValue } from '../../master-core/protocol/packageFormat';

export const MASK = '********';
/** Values shorter than this are not masked: masking "1" or "no" would garble every message. */
export const MIN_MASKED_LENGTH = 3;

/** Returns a function that replaces every occurrence of the sensitive values in a text. */
export function createMasker(
  values: readonly (ParameterValue | null | undefined)[],
): (text: string) => string {
  const secrets = [...new Set(values.filter((v) => v !== null && v !== undefined).map(String))]
    .filter((v) => v.length >= MIN_MASKED_LENGTH)
    // Longest first, so a secret that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return (text) => text;
  return (text) => secrets.reduce((out, secret) => out.split(secret).join(MASK), text);
}
