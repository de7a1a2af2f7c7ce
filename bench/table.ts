// The one table of `npm run bench`: rows grouped by the seven groups, each with its
// median, p99, min and max, a ratio where there is something to compare with, and the goals.
import { summarize } from './stats';
import type { Summary } from './stats';

export const GROUPS = {
  1: 'Dispatch latency',
  2: 'Throughput',
  3: 'Failure detection',
  4: 'Fleet scale',
  5: 'Message ingestion and paging',
  6: 'Data flow',
  7: 'Console',
} as const;
export type Group = keyof typeof GROUPS;

export interface Result {
  group: Group;
  name: string;
  unit: string;
  summary: Summary;
  note: string;
  /** e.g. "0.05 x Celery"; empty when there is nothing to compare with. */
  ratio: string;
}

export function result(
  group: Group,
  row: { name: string; unit: string; samples: readonly number[]; note?: string },
): Result {
  return {
    group,
    name: row.name,
    unit: row.unit,
    summary: summarize(row.samples),
    note: row.note ?? '',
    ratio: '',
  };
}

/** `a / b` as "1.23 x what", or '' when either is missing. */
export function ratio(a: number | undefined, b: number | undefined, what: string): string {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '';
  const r = a / b;
  return `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)} x ${what}`;
}

/** Figures with thousands separators and 3 significant digits below 100 (NaN: empty). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export interface Goal {
  group: Group;
  /** What the issue asks, in words. */
  text: string;
  /** The figure compared, in words (which row, which statistic). */
  measured: string;
  value: number | undefined;
  target: number;
  better: 'higher' | 'lower';
  unit: string;
}

export type Verdict = 'pass' | 'short' | 'not measured';

export function verdict(goal: Pick<Goal, 'value' | 'target' | 'better'>): Verdict {
  if (goal.value === undefined || !Number.isFinite(goal.value)) return 'not measured';
  const ok = goal.better === 'higher' ? goal.value >= goal.target : goal.value <= goal.target;
  return ok ? 'pass' : 'short';
}

/** A Markdown table (also readable as text): cells padded to their column's width, pipes escaped. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const clean = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const all = [headers, ...rows].map((r) => r.map(clean));
  const widths = headers.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(all[0]!), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)].join('\n');
}

/** The results, grouped in the order; a group with no row says so. */
export function resultsTable(results: readonly Result[]): string {
  const rows: string[][] = [];
  for (const [key, title] of Object.entries(GROUPS)) {
    const group = Number(key) as Group;
    const mine = results.filter((r) => r.group === group);
    rows.push([`**${group}. ${title}**`, '', '', '', '', '', '', '', '']);
    if (mine.length === 0) rows.push(['(not run)', '', '', '', '', '', '', '', '']);
    for (const r of mine) {
      const s = r.summary;
      rows.push([
        r.name,
        r.unit,
        String(s.n),
        formatNumber(s.median),
        s.n > 1 ? formatNumber(s.p99) : '',
        s.n > 1 ? formatNumber(s.min) : '',
        s.n > 1 ? formatNumber(s.max) : '',
        r.ratio,
        r.note,
      ]);
    }
  }
  return markdownTable(['benchmark', 'unit', 'n', 'median', 'p99', 'min', 'max', 'ratio', 'note'], rows);
}

export function goalsTable(goals: readonly Goal[]): string {
  return markdownTable(
    ['group', 'goal', 'measured', 'value', 'target', 'verdict'],
    goals.map((g) => [
      String(g.group),
      g.text,
      g.measured,
      g.value === undefined ? '' : `${formatNumber(g.value)} ${g.unit}`,
      `${g.better === 'higher' ? '>=' : '<='} ${formatNumber(g.target)} ${g.unit}`,
      verdict(g),
    ]),
  );
}
