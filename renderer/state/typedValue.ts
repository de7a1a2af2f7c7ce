import type { ServerValue } from '../../master-core/protocol/api';
import type { ParameterDataType, ParameterValue } from '../../master-core/protocol/packageFormat';

/** Typed values as the catalog dialogs edit them: text in, a value of the data type out. */

export const DATA_TYPES: readonly ParameterDataType[] = [
  'String',
  'Boolean',
  'Int32',
  'Int64',
  'Double',
  'Decimal',
  'DateTime',
];

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

export type TypedResult = { ok: true; value: ParameterValue } | { ok: false; error: string };

/** Converts what was typed to a value of `dataType`, or says why not, naming `label`. */
export function parseTypedValue(dataType: ParameterDataType, raw: string, label: string): TypedResult {
  const text = raw.trim();
  const fail = (why: string): TypedResult => ({ ok: false, error: `${label}: ${why}` });
  switch (dataType) {
    case 'String':
      return { ok: true, value: raw };
    case 'Boolean':
      if (/^(true|1|yes)$/i.test(text)) return { ok: true, value: true };
      if (/^(false|0|no)$/i.test(text)) return { ok: true, value: false };
      return fail('expected true or false');
    case 'Int32':
    case 'Int64': {
      if (!/^-?\d+$/.test(text)) return fail(`expected a whole number (${dataType})`);
      const n = Number(text);
      if (dataType === 'Int32' && (n < INT32_MIN || n > INT32_MAX)) return fail('out of the Int32 range');
      if (!Number.isSafeInteger(n)) return fail('out of the supported Int64 range');
      return { ok: true, value: n };
    }
    case 'Double': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? { ok: true, value: n } : fail('expected a number');
    }
    case 'Decimal':
      // Sent as text so no digits are lost.
      return /^-?\d+(\.\d+)?$/.test(text)
        ? { ok: true, value: text }
        : fail('expected a decimal number such as 12.50');
    case 'DateTime':
      return text !== '' && !Number.isNaN(Date.parse(text))
        ? { ok: true, value: text }
        : fail('expected a date/time such as 2026-01-31T08:00:00Z');
  }
}

/** A stored value as text: sensitive ones masked, NULL shown as such. */
export function valueText(value: ParameterValue | null, sensitive: boolean): string {
  if (sensitive) return '********';
  if (value === null) return 'NULL';
  return String(value);
}

/** What a parameter's server value says in the Configure grid. */
export function serverValueText(serverValue: ServerValue | null, sensitive: boolean): string {
  if (serverValue === null) return '';
  if (serverValue.kind === 'reference') return serverValue.variableName;
  return valueText(serverValue.value, sensitive);
}

/** The text an editor starts with for an existing value (sensitive ones must be typed again). */
export function editText(value: ParameterValue | null, sensitive: boolean): string {
  if (sensitive || value === null) return '';
  return String(value);
}
