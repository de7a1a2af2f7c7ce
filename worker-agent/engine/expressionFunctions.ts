/** The SSIS functions of the expression language: text, numbers, dates and NULL. */
import { ExpressionError } from '../../master-core/protocol/expressionLanguage';
import { int, num, str, toDate } from './expressionValues';
import type { Value } from './taskApi';

const DATE_PARTS: Record<string, string> = {
  year: 'year',
  yy: 'year',
  yyyy: 'year',
  quarter: 'quarter',
  qq: 'quarter',
  q: 'quarter',
  month: 'month',
  mm: 'month',
  m: 'month',
  dayofyear: 'dayofyear',
  dy: 'dayofyear',
  y: 'dayofyear',
  day: 'day',
  dd: 'day',
  d: 'day',
  week: 'week',
  wk: 'week',
  ww: 'week',
  weekday: 'weekday',
  dw: 'weekday',
  hour: 'hour',
  hh: 'hour',
  minute: 'minute',
  mi: 'minute',
  n: 'minute',
  second: 'second',
  ss: 'second',
  s: 'second',
  millisecond: 'millisecond',
  ms: 'millisecond',
};
const PART_MS: Record<string, number> = {
  week: 7 * 86_400_000,
  day: 86_400_000,
  dayofyear: 86_400_000,
  weekday: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
  millisecond: 1,
};

function datePart(part: Value, where: string): string {
  const key = str(part, where).toLowerCase();
  const canonical = DATE_PARTS[key];
  if (!canonical) throw new ExpressionError(`${where}: unknown date part ${JSON.stringify(part)}`);
  return canonical;
}

/** Dates are computed in UTC, so a package gives the same result on every worker. */
function partOf(part: string, date: Date): number {
  switch (part) {
    case 'year':
      return date.getUTCFullYear();
    case 'quarter':
      return Math.floor(date.getUTCMonth() / 3) + 1;
    case 'month':
      return date.getUTCMonth() + 1;
    case 'dayofyear':
      return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    case 'day':
      return date.getUTCDate();
    case 'week':
      return (
        Math.floor(
          (partOf('dayofyear', date) - 1 + new Date(Date.UTC(date.getUTCFullYear(), 0, 1)).getUTCDay()) / 7,
        ) + 1
      );
    case 'weekday':
      return date.getUTCDay() + 1;
    case 'hour':
      return date.getUTCHours();
    case 'minute':
      return date.getUTCMinutes();
    case 'second':
      return date.getUTCSeconds();
    default:
      return date.getUTCMilliseconds();
  }
}

function dateAdd(part: string, amount: number, date: Date): Date {
  const months =
    part === 'year' ? 12 * amount : part === 'quarter' ? 3 * amount : part === 'month' ? amount : null;
  if (months === null) return new Date(date.getTime() + amount * PART_MS[part]!);
  // Jan 31 + 1 month is Feb 28 (or 29), as in SSIS: the day is kept within the target month.
  const target = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(target / 12);
  const month = target - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const out = new Date(date.getTime());
  out.setUTCFullYear(year, month, Math.min(date.getUTCDate(), lastDay));
  return out;
}

function dateDiff(part: string, start: Date, end: Date): number {
  const years = end.getUTCFullYear() - start.getUTCFullYear();
  if (part === 'year') return years;
  const months = years * 12 + end.getUTCMonth() - start.getUTCMonth();
  if (part === 'month') return months;
  if (part === 'quarter')
    return Math.floor(end.getUTCMonth() / 3) - Math.floor(start.getUTCMonth() / 3) + years * 4;
  if (part === 'week') {
    // Weeks start on Sunday; 1970-01-01 was a Thursday, 4 days after one.
    const week = (d: Date) => Math.floor((Math.floor(d.getTime() / 86_400_000) + 4) / 7);
    return week(end) - week(start);
  }
  // SSIS counts boundaries crossed: whole units between the truncated values.
  const unit = PART_MS[part]!;
  return Math.floor(end.getTime() / unit) - Math.floor(start.getTime() / unit);
}

export function callFunction(name: string, args: Value[]): Value {
  const where = `${name}()`;
  if (name === 'ISNULL') return args[0] === null;
  if (name === 'REPLACENULL') return args[0] === null ? args[1]! : args[0]!;
  if (name === 'GETDATE' || name === 'GETUTCDATE') return new Date();
  if (args.some((a) => a === null)) return null;
  const [a, b, c] = args as [Value, Value, Value];
  switch (name) {
    case 'LEN':
      return str(a, where).length;
    case 'UPPER':
      return str(a, where).toUpperCase();
    case 'LOWER':
      return str(a, where).toLowerCase();
    case 'TRIM':
      return str(a, where).trim();
    case 'LTRIM':
      return str(a, where).trimStart();
    case 'RTRIM':
      return str(a, where).trimEnd();
    case 'SUBSTRING': {
      const start = int(b, where);
      if (start < 1) throw new ExpressionError(`${where}: start must be 1 or more, got ${start}`);
      return str(a, where).substr(start - 1, Math.max(0, int(c, where)));
    }
    case 'LEFT':
      return str(a, where).slice(0, Math.max(0, int(b, where)));
    case 'RIGHT': {
      const n = Math.max(0, int(b, where));
      return n === 0 ? '' : str(a, where).slice(-n);
    }
    case 'REPLACE': {
      const search = str(b, where);
      if (search === '') throw new ExpressionError(`${where}: the text to replace must not be empty`);
      return str(a, where).split(search).join(str(c, where));
    }
    case 'FINDSTRING': {
      const text = str(a, where);
      const search = str(b, where);
      let at = -1;
      for (let k = 0; k < int(c, where); k++) {
        at = text.indexOf(search, at + 1);
        if (at < 0) return 0;
      }
      return at + 1;
    }
    case 'REPLICATE':
      return str(a, where).repeat(Math.max(0, int(b, where)));
    case 'REVERSE':
      return [...str(a, where)].reverse().join('');
    case 'TOKEN':
    case 'TOKENCOUNT': {
      const delimiters = new Set(str(b, where));
      const tokens: string[] = [];
      let current = '';
      for (const ch of str(a, where)) {
        if (delimiters.has(ch)) {
          if (current) tokens.push(current);
          current = '';
        } else current += ch;
      }
      if (current) tokens.push(current);
      if (name === 'TOKENCOUNT') return tokens.length;
      return tokens[int(c, where) - 1] ?? '';
    }
    case 'CODEPOINT':
      return str(a, where).codePointAt(0) ?? null;
    case 'HEX':
      return int(a, where).toString(16).toUpperCase();
    case 'ABS':
      return Math.abs(num(a, where));
    case 'CEILING':
      return Math.ceil(num(a, where));
    case 'FLOOR':
      return Math.floor(num(a, where));
    case 'ROUND': {
      const factor = 10 ** int(b, where);
      const n = num(a, where);
      // Halves round away from zero, as in SSIS: ROUND(-2.5, 0) is -3.
      return (Math.sign(n) * Math.round(Math.abs(n) * factor)) / factor;
    }
    case 'POWER':
      return num(a, where) ** num(b, where);
    case 'SQRT':
      return Math.sqrt(num(a, where));
    case 'SQUARE':
      return num(a, where) ** 2;
    case 'SIGN':
      return Math.sign(num(a, where));
    case 'EXP':
      return Math.exp(num(a, where));
    case 'LN':
      return Math.log(num(a, where));
    case 'LOG':
      return Math.log10(num(a, where));
    case 'DATEADD':
      return dateAdd(datePart(a, where), int(b, where), toDate(c, where));
    case 'DATEDIFF':
      return dateDiff(datePart(a, where), toDate(b, where), toDate(c, where));
    case 'DATEPART':
      return partOf(datePart(a, where), toDate(b, where));
    case 'YEAR':
      return toDate(a, where).getUTCFullYear();
    case 'MONTH':
      return toDate(a, where).getUTCMonth() + 1;
    case 'DAY':
      return toDate(a, where).getUTCDate();
    default:
      throw new ExpressionError(`unknown function ${name}`);
  }
}
