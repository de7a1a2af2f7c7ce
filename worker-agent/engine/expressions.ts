/**
 * Interprets parsed expressions (master-core/protocol/expressionLanguage.ts). Types are checked as
 * the expression runs: an operator or function given the wrong kind of value fails with a message
 * naming both, instead of guessing. NULL propagates through operators and functions as in SSIS,
 * except ISNULL, REPLACENULL, == and !=.
 */
import { ExpressionError, castOf, parseExpression } from '../../master-core/protocol/expressionLanguage';
import type { ExpressionNode, ParsedExpression } from '../../master-core/protocol/expressionLanguage';
import type { Value } from './taskApi';

export { ExpressionError };

const cache = new Map<string, ParsedExpression>();
const CACHE_LIMIT = 2_000;

/** Parses once per distinct text and form (the engine evaluates loop expressions many times). */
export function parsedExpression(source: string, assignment = false, columns = false): ParsedExpression {
  const key = `${assignment ? '=' : '?'}${columns ? 'c' : 'v'}${source}`;
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = parseExpression(source, { assignment, columns });
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, parsed);
  }
  return parsed;
}

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

function need<T>(ok: boolean, value: T, what: string, where: string): T {
  if (!ok) throw new ExpressionError(`${where} needs ${what}, got ${kindOf(value as Value)}`);
  return value;
}
const num = (v: Value, where: string) => need(typeof v === 'number', v, 'a number', where) as number;
const str = (v: Value, where: string) => need(typeof v === 'string', v, 'a String', where) as string;
const bool = (v: Value, where: string) => need(typeof v === 'boolean', v, 'a Boolean', where) as boolean;
const int = (v: Value, where: string) => {
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

function toDate(value: Value, where: string): Date {
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

function callFunction(name: string, args: Value[]): Value {
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

/** What can be compared with what: numbers with numbers, text with text, and so on. */
function family(value: Value): string {
  if (value instanceof Date) return 'date';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

function compare(op: string, left: Value, right: Value): boolean {
  if (op === '==' || op === '!=') {
    if (left !== null && right !== null && family(left) !== family(right))
      throw new ExpressionError(`cannot compare ${kindOf(left)} with ${kindOf(right)} using ${op}`);
    const equal =
      left instanceof Date && right instanceof Date ? left.getTime() === right.getTime() : left === right;
    return op === '==' ? equal : !equal;
  }
  let l: number | string;
  let r: number | string;
  if (left instanceof Date && right instanceof Date) {
    l = left.getTime();
    r = right.getTime();
  } else if (typeof left === 'number' && typeof right === 'number') {
    [l, r] = [left, right];
  } else if (typeof left === 'string' && typeof right === 'string') {
    [l, r] = [left, right];
  } else {
    throw new ExpressionError(`cannot compare ${kindOf(left)} with ${kindOf(right)} using ${op}`);
  }
  switch (op) {
    case '<':
      return l < r;
    case '>':
      return l > r;
    case '<=':
      return l <= r;
    default:
      return l >= r;
  }
}

function binary(op: string, left: Value, right: Value): Value {
  if (op === '==' || op === '!=') return compare(op, left, right);
  if (left === null || right === null) return null;
  switch (op) {
    case '+':
      if (typeof left === 'number' && typeof right === 'number') return left + right;
      if (typeof left === 'string' || typeof right === 'string') {
        if (typeof left === 'string' && typeof right === 'string') return left + right;
        throw new ExpressionError(
          `+ cannot join ${kindOf(left)} and ${kindOf(right)}: cast first, e.g. (DT_WSTR, 20)@[User::Count]`,
        );
      }
      throw new ExpressionError(`+ needs numbers or Strings, got ${kindOf(left)} and ${kindOf(right)}`);
    case '-':
      return num(left, '-') - num(right, '-');
    case '*':
      return num(left, '*') * num(right, '*');
    case '/':
    case '%': {
      const divisor = num(right, op);
      if (divisor === 0) throw new ExpressionError('divide by zero');
      const dividend = num(left, op);
      // Unlike SSIS, 7 / 2 is 3.5 (numbers carry no integer type here); (DT_I4) rounds.
      return op === '%' ? dividend % divisor : dividend / divisor;
    }
    default:
      return compare(op, left, right);
  }
}

/** A computation that leaves the numbers (SQRT(-1), LOG(0), 1e308 * 10) is an error, not NaN. */
function finite(value: Value, what: string): Value {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new ExpressionError(`${what} gives ${value}, which is not a number a variable can hold`);
  return value;
}

function evaluateNode(node: ExpressionNode, slots: readonly Value[]): Value {
  switch (node.type) {
    case 'Literal':
      return node.value as Value;
    case 'Identifier': {
      const name = node.name as string;
      const ref = /^__ref(\d+)$/.exec(name);
      if (ref) return slots[Number(ref[1])]!;
      const word = name.toUpperCase();
      return word === 'TRUE' ? true : word === 'FALSE' ? false : null;
    }
    case 'UnaryExpression': {
      const operand = evaluateNode(node.argument as ExpressionNode, slots);
      const op = node.operator as string;
      const castName = castOf(op);
      if (castName) return cast(castName, operand);
      if (operand === null) return null;
      if (op === '!') return !bool(operand, '!');
      if (op === '-') return -num(operand, '-');
      return num(operand, '+');
    }
    case 'BinaryExpression': {
      const op = node.operator as string;
      const left = evaluateNode(node.left as ExpressionNode, slots);
      if (op === '&&' || op === '||') {
        if (left === null) return null;
        const l = bool(left, op);
        if (op === '&&' ? !l : l) return l;
        const right = evaluateNode(node.right as ExpressionNode, slots);
        return right === null ? null : bool(right, op);
      }
      return finite(binary(op, left, evaluateNode(node.right as ExpressionNode, slots)), `operator ${op}`);
    }
    case 'ConditionalExpression': {
      const test = evaluateNode(node.test as ExpressionNode, slots);
      if (test === null) return null;
      return evaluateNode((bool(test, '? :') ? node.consequent : node.alternate) as ExpressionNode, slots);
    }
    case 'CallExpression': {
      const name = ((node.callee as ExpressionNode).name as string).toUpperCase();
      return finite(
        callFunction(
          name,
          (node.arguments as ExpressionNode[]).map((arg) => evaluateNode(arg, slots)),
        ),
        `${name}()`,
      );
    }
    default:
      throw new ExpressionError(`unsupported syntax ${node.type}`);
  }
}

/** Evaluates a parsed expression; `resolve` gives each reference's value (throws when unknown). */
export function evaluateParsed(parsed: ParsedExpression, resolve: (reference: string) => Value): Value {
  const slots = parsed.references.map(resolve);
  try {
    return evaluateNode(parsed.ast, slots);
  } catch (error) {
    if (error instanceof ExpressionError)
      throw new ExpressionError(`expression ${JSON.stringify(parsed.source)}: ${error.message}`);
    throw error;
  }
}

/** Evaluates with the references' values already looked up, in the order of `parsed.references`. */
export function evaluateWithSlots(parsed: ParsedExpression, slots: readonly Value[]): Value {
  try {
    return evaluateNode(parsed.ast, slots);
  } catch (error) {
    if (error instanceof ExpressionError)
      throw new ExpressionError(`expression ${JSON.stringify(parsed.source)}: ${error.message}`);
    throw error;
  }
}
