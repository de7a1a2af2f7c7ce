import { describe, expect, it } from 'vitest';
import { formatNumber, goalsTable, markdownTable, ratio, result, resultsTable, verdict } from './table';

describe('bench table', () => {
  it('formats figures by magnitude, empty for NaN', () => {
    expect(formatNumber(123_456.7)).toBe('123,457');
    expect(formatNumber(456.7)).toBe('457');
    expect(formatNumber(45.67)).toBe('45.7');
    expect(formatNumber(4.567)).toBe('4.57');
    expect(formatNumber(0.04567)).toBe('0.046');
    expect(formatNumber(Number.NaN)).toBe('');
  });

  it('gives ratios only when both sides are measured', () => {
    expect(ratio(50, 1000, 'Celery')).toBe('0.05 x Celery');
    expect(ratio(2500, 100, 'RTT')).toBe('25.0 x RTT');
    expect(ratio(25_000, 100, 'RTT')).toBe('250 x RTT');
    expect(ratio(50, undefined, 'Celery')).toBe('');
    expect(ratio(50, Number.NaN, 'Celery')).toBe('');
    expect(ratio(50, 0, 'Celery')).toBe('');
  });

  it('judges goals in the right direction, and a missing figure as not measured', () => {
    expect(verdict({ value: 1.5, target: 2, better: 'lower' })).toBe('pass');
    expect(verdict({ value: 2.5, target: 2, better: 'lower' })).toBe('short');
    expect(verdict({ value: 2, target: 2, better: 'lower' })).toBe('pass');
    expect(verdict({ value: 90_000, target: 100_000, better: 'higher' })).toBe('short');
    expect(verdict({ value: 0.31, target: 0.3, better: 'higher' })).toBe('pass');
    expect(verdict({ value: undefined, target: 1, better: 'higher' })).toBe('not measured');
    expect(verdict({ value: Number.NaN, target: 1, better: 'higher' })).toBe('not measured');
  });

  it('pads columns and escapes pipes in cells', () => {
    expect(markdownTable(['a', 'bb'], [['x|y', '1']])).toBe(
      ['| a    | bb  |', '| ---- | --- |', '| x\\|y | 1   |'].join('\n'),
    );
  });

  it('lists the seven groups in order, says which were not run, and leaves spreads empty for one sample', () => {
    const table = resultsTable([
      { ...result(2, { name: 'ours', unit: 'exec/s', samples: [10] }), ratio: '0.10 x Celery' },
      result(1, { name: 'rtt', unit: 'us', samples: [3, 1, 2] }),
    ]);
    const lines = table.split('\n');
    const titles = lines.filter((l) => l.includes('**')).map((l) => /\*\*(\d)\./.exec(l)?.[1]);
    expect(titles).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(lines.find((l) => l.startsWith('| rtt'))).toMatch(/\| 3 +\| 2\.00 +\| 3\.00 +\| 1\.00 +\| 3\.00 /);
    expect(lines.find((l) => l.startsWith('| ours'))).toMatch(
      /\| 1 +\| 10\.0 +\| +\| +\| +\| 0\.10 x Celery/,
    );
    expect(lines.filter((l) => l.includes('(not run)'))).toHaveLength(5);
  });

  it('prints each goal with its verdict', () => {
    const table = goalsTable([
      {
        group: 4,
        text: '1,000 agents',
        measured: 'CPU median',
        value: 12,
        target: 25,
        better: 'lower',
        unit: '%',
      },
      {
        group: 2,
        text: 'vs Celery',
        measured: 'ratio',
        value: undefined,
        target: 1,
        better: 'higher',
        unit: 'x',
      },
    ]);
    expect(table).toMatch(/\| 4 +\| 1,000 agents +\| CPU median +\| 12\.0 % +\| <= 25\.0 % +\| pass +\|/);
    expect(table).toMatch(/\| 2 +\| vs Celery +\| ratio +\| +\| >= 1\.00 x +\| not measured \|/);
  });
});
