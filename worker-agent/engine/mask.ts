import type { ParameterValue } from '../../master-core/protocol/packageFormat';

export const MASK = '********';
/** Values shorter than this are not masked: masking "1" or "no" would garble every message. */
export const MIN_MASKED_LENGTH = 3;

export interface Masker {
  (text: string): string;
  /** Masks one more value from now on (a password found in a connection string). */
  add(value: string): void;
}

/** Returns a function that replaces every occurrence of the sensitive values in a text. */
export function createMasker(values: readonly (ParameterValue | null | undefined)[]): Masker {
  let secrets: string[] = [];
  const add = (value: string) => {
    if (value.length < MIN_MASKED_LENGTH || secrets.includes(value)) return;
    // Longest first, so a secret that contains another is masked whole.
    secrets = [...secrets, value].sort((a, b) => b.length - a.length);
  };
  for (const v of values) if (v !== null && v !== undefined) add(String(v));
  const mask = ((text: string) =>
    secrets.length === 0
      ? text
      : secrets.reduce((out, secret) => out.split(secret).join(MASK), text)) as Masker;
  mask.add = add;
  return mask;
}
