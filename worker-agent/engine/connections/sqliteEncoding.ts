/**
 * How rows travel into SQLite as one JSON parameter per statement (sqliteData.ts): the JSON array
 * of each row, and the SELECT list that unpacks it into typed values. Strings, integers and nulls
 * go as they are; dates as ISO 8601 text; booleans as 1/0; bytes as hex, unpacked by unhex().
 *
 * Doubles: SQLite's text-to-double conversion is not always correctly rounded (1 in ~10k random
 * doubles came back 1 ulp off), so no double travels as decimal text. Integers do (SQLite reads
 * them exactly), and IEEE division is exact to the last bit, so a batch whose values of a column
 * are all n / 10^d for one d (prices, amounts: almost always) sends the integers n and the SQL
 * divides by 10^d. Other batches send each value as an integer mantissa and a power of 2 (two
 * slots, ~30% slower). Each batch's choice per column is its `scales`; the statement is prepared
 * once per distinct choice.
 */
import type { InsertColumn } from './types';

const FLOAT = new Float64Array(1);
const WORDS = new Uint32Array(FLOAT.buffer);

/** x = mantissa * 2^exponent exactly, with an integer mantissa (|m| <= 2^53). */
export function splitDouble(x: number): [number, number] {
  if (Number.isSafeInteger(x)) return [x, 0];
  FLOAT[0] = x;
  const low = WORDS[0]!;
  const high = WORDS[1]!;
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (high & 0xfffff) * 2 ** 32 + low;
  if (biased !== 0) mantissa += 2 ** 52;
  const exponent = biased === 0 ? -1074 : biased - 1075;
  return [high >>> 31 ? -mantissa : mantissa, exponent];
}

/** Powers of ten that are exact doubles and integers SQLite reads exactly. */
const TENS = Array.from({ length: 16 }, (_, d) => 10 ** d);
/** A column's encoding in one batch: d (values sent as n = x * 10^d), or 'split'. */
export type Scale = number | 'split';

/** The smallest d with x = n / 10^d exactly (n a safe integer), or -1. */
function decimalsOf(x: number): number {
  for (let d = 0; d < TENS.length; d += 1) {
    const n = Math.round(x * TENS[d]!);
    if (Number.isSafeInteger(n) && n / TENS[d]! === x) return d;
  }
  return -1;
}

/** Per column: its Scale when it is a Double or Decimal column, else null. */
export function scalesOf(columns: readonly InsertColumn[], rows: readonly (readonly unknown[])[]): Scale[] {
  return columns.map((column, i): Scale => {
    if (column.dataType !== 'Double' && column.dataType !== 'Decimal') return 0;
    let most = 0;
    for (const row of rows) {
      const x = row[i];
      if (typeof x !== 'number' || Number.isSafeInteger(x)) continue;
      const d = decimalsOf(x);
      if (d < 0) return 'split';
      if (d > most) most = d;
    }
    // Each value is exact at its own d; at the largest one n may no longer be safe.
    for (const row of rows) {
      const x = row[i];
      if (typeof x !== 'number') continue;
      const n = Math.round(x * TENS[most]!);
      if (!Number.isSafeInteger(n) || n / TENS[most]! !== x) return 'split';
    }
    return most;
  });
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
const DAY_MS = 86_400_000;
/** "yyyy-MM-ddT" by days since 1970: dates of a data set fall on comparatively few days. */
const dayTexts = new Map<number, string>();
const DAY_TEXTS_MAX = 4096;

/** "yyyy-MM-ddT" of a day (days since 1970), by H. Hinnant's civil-from-days algorithm. */
function dayText(days: number): string {
  let text = dayTexts.get(days);
  if (text !== undefined) return text;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const D = TWO_DIGITS;
  text = `${D[Math.floor(year / 100)]}${D[year % 100]}-${D[month]}-${D[day]}T`;
  if (dayTexts.size >= DAY_TEXTS_MAX) dayTexts.clear();
  dayTexts.set(days, text);
  return text;
}

/**
 * date.toISOString(), several times faster (it costs ~0.5 µs, a third of a row's encoding): the
 * day's text is computed once per day, the time of day from tables. Years 0-9999; others native.
 */
export function isoText(date: Date): string {
  const t = date.getTime();
  if (!(t >= -62_167_219_200_000 && t <= 253_402_300_799_999)) return date.toISOString();
  const days = Math.floor(t / DAY_MS);
  let rest = t - days * DAY_MS;
  if (rest === 0) return `${dayText(days)}00:00:00.000Z`;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const D = TWO_DIGITS;
  return `${dayText(days)}${D[hours]}:${D[minutes]}:${D[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}

/** The SELECT list unpacking one JSON row with these scales. */
export function unpackList(columns: readonly InsertColumn[], scales: readonly Scale[]): string {
  let slot = 0;
  return columns
    .map((column, i) => {
      const at = (n: number) => `json_extract(value, '$[${n}]')`;
      const scale = scales[i]!;
      switch (column.dataType) {
        case 'Double':
        case 'Decimal':
          if (scale === 'split') {
            slot += 2;
            return `${at(slot - 2)} * power(2, ${at(slot - 1)})`;
          }
          // CAST: an integer divided by an integer would be an integer division.
          return `CAST(${at(slot++)} AS REAL) / ${TENS[scale]}`;
        case 'Bytes':
          return `unhex(${at(slot++)})`;
        default:
          return at(slot++);
      }
    })
    .join(', ');
}

const Kind = { Plain: 0, Scaled: 1, Split: 2, Bytes: 3, Boolean: 4, Date: 5 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

function kindOf(column: InsertColumn, scale: Scale): Kind {
  switch (column.dataType) {
    case 'Double':
    case 'Decimal':
      return scale === 'split' ? Kind.Split : Kind.Scaled;
    case 'Bytes':
      return Kind.Bytes;
    case 'Boolean':
      return Kind.Boolean;
    case 'DateTime':
      return Kind.Date;
    default:
      return Kind.Plain;
  }
}

/** The JSON text of a batch: one array per row, laid out for unpackList(columns, scales). */
export function encodeRows(
  columns: readonly InsertColumn[],
  rows: readonly (readonly unknown[])[],
  scales: readonly Scale[],
): string {
  const kinds = columns.map((c, i) => kindOf(c, scales[i]!));
  if (kinds.every((k) => k === Kind.Plain)) return JSON.stringify(rows);
  const width = kinds.reduce<number>((n, k) => n + (k === Kind.Split ? 2 : 1), 0);
  const tens = scales.map((s) => (s === 'split' ? 1 : TENS[s]!));
  const wrong = (i: number, value: unknown) =>
    new Error(`column ${columns[i]!.name} (${columns[i]!.dataType}) was given a ${typeof value} value`);
  const encoded = new Array<unknown[]>(rows.length);
  for (let r = 0; r < rows.length; r += 1) {
    const row = rows[r]!;
    const out = new Array<unknown>(width);
    let j = 0;
    for (let i = 0; i < kinds.length; i += 1) {
      const value = row[i] ?? null;
      if (value === null) {
        out[j++] = null;
        if (kinds[i] === Kind.Split) out[j++] = null;
        continue;
      }
      switch (kinds[i]) {
        case Kind.Scaled:
          if (typeof value !== 'number') throw wrong(i, value);
          out[j++] = Math.round(value * tens[i]!);
          break;
        case Kind.Split: {
          if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong(i, value);
          const [mantissa, exponent] = splitDouble(value);
          out[j++] = mantissa;
          out[j++] = exponent;
          break;
        }
        case Kind.Date:
          out[j++] = value instanceof Date ? isoText(value) : value;
          break;
        case Kind.Bytes:
          out[j++] = Buffer.isBuffer(value) ? value.toString('hex') : value;
          break;
        case Kind.Boolean:
          out[j++] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
          break;
        default:
          out[j++] = value;
      }
    }
    encoded[r] = out;
  }
  return JSON.stringify(encoded);
}
