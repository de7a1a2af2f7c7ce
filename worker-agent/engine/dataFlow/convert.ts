/**
 * Converting values to column types, for every component that reads text or changes types (flat
 * file and JSON lines sources, Data Conversion, Derived Column results, SQL results). A value that
 * does not convert throws a RowError naming the column, so the component's error disposition
 * decides what happens to the row.
 */
import type { ColumnType } from '../../../master-core/protocol/dataFlowFormat';
import { parseDateText } from '../expressions';
import type { CellValue } from './types';
import { ROW_ERROR_CODES, RowError } from './types';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function fail(value: unknown, type: ColumnType, column: string): never {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
      : String(value);
  throw new RowError(
    `cannot convert ${shown} to ${type} for column ${column}`,
    ROW_ERROR_CODES.conversion,
    column,
  );
}

const digit = (text: string, at: number) => text.charCodeAt(at) - 48;
/** Where the digits of yyyy-MM-dd HH:mm:ss.fff are. */
const DIGIT_POSITIONS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const twoDigits = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1);

/**
 * The common zone-less ISO forms (yyyy-MM-dd, yyyy-MM-dd HH:mm:ss, with T, .fff and Z), read in
 * UTC without a regular expression: a million rows of dates should not cost a second. Anything
 * else goes to the general parser.
 */
function fastIsoDate(text: string): Date | 'invalid' | null {
  const n = text.length;
  if (n !== 10 && n !== 19 && n !== 20 && n !== 23 && n !== 24) return null;
  if (text[4] !== '-' || text[7] !== '-') return null;
  for (const at of DIGIT_POSITIONS) {
    if (at >= n - (text.endsWith('Z') ? 1 : 0)) break;
    const code = text.charCodeAt(at);
    if (code < 48 || code > 57) return at < 10 ? 'invalid' : null;
  }
  const year = digit(text, 0) * 1000 + digit(text, 1) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  if (n > 10) {
    const sep = text[10];
    if ((sep !== 'T' && sep !== ' ') || text[13] !== ':' || text[16] !== ':') return null;
    hour = twoDigits(text, 11);
    minute = twoDigits(text, 14);
    second = twoDigits(text, 17);
    let rest = 19;
    if (n >= 23) {
      if (text[19] !== '.') return null;
      ms = digit(text, 20) * 100 + twoDigits(text, 21);
      rest = 23;
    }
    if (rest < n && !(rest === n - 1 && text[rest] === 'Z')) return null;
  }
  const values = [year, month, day, hour, minute, second, ms];
  if (values.some((v) => !Number.isInteger(v) || v < 0)) return null;
  // The shape is ISO: a value out of range (February 30th, hour 24) is wrong, not another format.
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return 'invalid';
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  return date.getUTCDate() === day ? date : 'invalid';
}

/** Parses "yyyy-MM-dd HH:mm:ss" style formats (yyyy MM dd HH mm ss fff); UTC. */
/** A date format compiled once: its pattern and which token each group is. */
interface CompiledFormat {
  pattern: RegExp;
  order: string[];
}
const compiledFormats = new Map<string, CompiledFormat>();

function compileFormat(format: string): CompiledFormat {
  let compiled = compiledFormats.get(format);
  if (compiled) return compiled;
  let pattern = '';
  const order: string[] = [];
  for (let i = 0; i < format.length;) {
    const token = ['yyyy', 'fff', 'MM', 'dd', 'HH', 'mm', 'ss'].find((t) => format.startsWith(t, i));
    if (token) {
      pattern += `(\\d{${token.length}})`;
      order.push(token);
      i += token.length;
    } else {
      pattern += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  compiled = { pattern: new RegExp(`^${pattern}$`), order };
  if (compiledFormats.size > 100) compiledFormats.clear();
  compiledFormats.set(format, compiled);
  return compiled;
}

export function parseDateWithFormat(text: string, format: string): Date | null {
  const parts: Record<string, number> = { yyyy: 1970, MM: 1, dd: 1, HH: 0, mm: 0, ss: 0, fff: 0 };
  const { pattern, order } = compileFormat(format);
  const m = pattern.exec(text.trim());
  if (!m) return null;
  order.forEach((token, i) => (parts[token] = Number(m[i + 1])));
  if (parts.HH! > 23 || parts.mm! > 59 || parts.ss! > 59) return null;
  const date = new Date(
    Date.UTC(parts.yyyy!, parts.MM! - 1, parts.dd!, parts.HH!, parts.mm!, parts.ss!, parts.fff!),
  );
  return date.getUTCMonth() === parts.MM! - 1 && date.getUTCDate() === parts.dd! ? date : null;
}

/**
 * Converts to a column type. Empty text is NULL for every type but String (as SSIS's flat file
 * source does with "retain null values"). Throws RowError when the value does not convert.
 */
export function convertCell(value: unknown, type: ColumnType, column: string, format?: string): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value === '' && type !== 'String') return null;
  switch (type) {
    case 'String':
      if (typeof value === 'string') return value;
      if (value instanceof Date) return value.toISOString();
      if (Buffer.isBuffer(value)) return value.toString('base64');
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
    case 'Int32':
    case 'Int64': {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'bigint') n = Number(value);
      else if (typeof value === 'boolean') n = value ? 1 : 0;
      else if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) n = Number(value);
      else return fail(value, type, column);
      if (!Number.isInteger(n)) return fail(value, type, column);
      if (type === 'Int32' ? n < INT32_MIN || n > INT32_MAX : !Number.isSafeInteger(n))
        throw new RowError(
          `${n} does not fit ${type} for column ${column}`,
          ROW_ERROR_CODES.truncation,
          column,
        );
      return n;
    }
    case 'Double':
    case 'Decimal': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : typeof value === 'bigint'
              ? Number(value)
              : NaN;
      return Number.isFinite(n) ? n : fail(value, type, column);
    }
    case 'Boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') {
        const t = value.trim().toLowerCase();
        if (t === 'true' || t === '1') return true;
        if (t === 'false' || t === '0') return false;
      }
      return fail(value, type, column);
    case 'DateTime': {
      if (value instanceof Date) return value;
      if (typeof value === 'string') {
        const fast = format ? null : fastIsoDate(value);
        const date =
          fast === 'invalid'
            ? null
            : format
              ? parseDateWithFormat(value, format)
              : (fast ?? parseDateText(value));
        if (date && !Number.isNaN(date.getTime())) return date;
      }
      if (typeof value === 'number') return new Date(value);
      return fail(value, type, column);
    }
    case 'Bytes':
      if (Buffer.isBuffer(value)) return value;
      if (value instanceof Uint8Array) return Buffer.from(value);
      if (typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0)
        return Buffer.from(value, 'base64');
      return fail(value, type, column);
  }
}
