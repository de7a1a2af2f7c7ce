/**
 * Values in expressions: their kinds, their text form, reading dates, the SSIS casts, and the
 * argument checks the operators and functions share.
 */
import { ExpressionError } from '../../master-core/protocol/expressionLanguage';
import type { Value } from './taskApi';

export function kindOf(value: Value): string {
  if (value === null) return 'NULL';
  if (value instanceof Date) return 'DateTime';
  if (Array.isArray(value)) return 'Object (array)';
  switch (typeof value) {
    case 'string':
      return 'String';
    case 'number':
      return Number.isInteger(value) ? 'Integer' : 'Double';
    case 'boolean':
      return 'Boolean';
    default:
      return 'Object';
  }
}

/** The text form of a value: what @[...] in a text property and (DT_WSTR) give. */
export function textOf(value: Value): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function need<T>(ok: boolean, value: T, what: string, where: string): T {
  if (!ok) throw new ExpressionError(`${where} needs ${what}, got ${kindOf(value as Value)}`);
  return value;
}
export const num = (v: Value, where: string) => need(typeof v === 'number', v, 'a number', where) as number;
export const str = (v: Value, where: string) => need(typeof v === 'string', v, 'a String', where) as string;
export const bool = (v: Value, where: string) =>
  need(typeof v === 'boolean', v, 'a Boolean', where) as boolean;
export const int = (v: Value, where: string) => {
  const n = num(v, where);
  if (!Number.isInteger(n)) throw new ExpressionError(`${where} needs a whole number, got ${n}`);
  return n;
};

/** Reads date text; text without a time zone is UTC, so every worker reads it the same. */
export function parseDateText(text: string): Date {
  const trimmed = text.trim();
  const local = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.test(trimmed);
  if (!local) return new Date(trimmed);
  const iso = trimmed.replace(' ', 'T');
  return new Date(iso.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`);
}

export function toDate(value: Value, where: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    const date = parseDateText(value);
    if (!Number.isNaN(date.getTime())) return date;
    throw new ExpressionError(`${where}: ${JSON.stringify(value)} is not a date`);
  }
  throw new ExpressionError(`${where} needs a DateTime, got ${kindOf(value)}`);
}

/** Integer limits of SSIS's integer casts. */
const INT_RANGES: Record<string, [number, number]> = {
  DT_I1: [-128, 127],
  DT_I2: [-32768, 32767],
  DT_I4: [-2147483648, 2147483647],
  DT_I8: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  DT_UI1: [0, 255],
  DT_UI2: [0, 65535],
  DT_UI4: [0, 4294967295],
  DT_UI8: [0, Number.MAX_SAFE_INTEGER],
};

export function cast(name: string, value: Value): Value {
  if (value === null) return null;
  const where = `(${name})`;
  switch (name) {
    case 'DT_WSTR':
    case 'DT_STR':
      return textOf(value);
    case 'DT_BOOL':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      throw new ExpressionError(`${where} cannot convert ${JSON.stringify(value)} to Boolean`);
    case 'DT_DATE':
    case 'DT_DBDATE':
    case 'DT_DBTIMESTAMP': {
      const date = toDate(value, where);
      return name === 'DT_DBDATE' ? new Date(date.toISOString().slice(0, 10)) : date;
    }
    default: {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'boolean') n = value ? 1 : 0;
      else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        n = Number(value);
      else throw new ExpressionError(`${where} cannot convert ${JSON.stringify(textOf(value))} to a number`);
      const range = INT_RANGES[name];
      if (!range) return n;
      const whole = Math.sign(n) * Math.round(Math.abs(n));
      if (whole < range[0] || whole > range[1])
        throw new ExpressionError(`${where}: ${n} is out of range ${range[0]}..${range[1]}`);
      return whole;
    }
  }
}
