import { describe, expect, it } from 'vitest';
import { parseCeleryReport } from './celery';
import { splitEvenly, stageRanges } from './fleet';

describe("the Celery client's report", () => {
  const good = { tasksPerSecond: [1300, 1400], idleToStartMs: [0.7], idleToResultMs: [1.2] };

  it('takes the last JSON line, after any warnings the worker printed', () => {
    const output = `warning: something\n${JSON.stringify({ ...good, tasksPerSecond: [1] })}\n${JSON.stringify(good)}\n`;
    expect(parseCeleryReport(output)).toEqual(good);
  });

  it('names what is missing or wrong', () => {
    expect(() => parseCeleryReport('Traceback: boom')).toThrow(/printed no JSON report: Traceback: boom/);
    expect(() => parseCeleryReport('{not json')).toThrow(/not JSON: \{not json/);
    expect(() => parseCeleryReport(JSON.stringify({ ...good, idleToStartMs: [] }))).toThrow(/idleToStartMs/);
    expect(() => parseCeleryReport(JSON.stringify({ ...good, tasksPerSecond: ['fast'] }))).toThrow(
      /tasksPerSecond/,
    );
  });
});

describe('splitting the fleet over processes', () => {
  it('covers every agent once, in contiguous ranges of near-equal size', () => {
    expect(splitEvenly(1000, 4)).toEqual([
      [0, 250],
      [250, 500],
      [500, 750],
      [750, 1000],
    ]);
    expect(splitEvenly(10, 3)).toEqual([
      [0, 3],
      [3, 6],
      [6, 10],
    ]);
    expect(splitEvenly(2, 4)).toEqual([
      [0, 1],
      [1, 2],
    ]);
  });
});

describe('fleet stages', () => {
  it('turns cumulative stage sizes into the agents each stage adds', () => {
    expect(stageRanges([100, 250, 500, 1000])).toEqual([
      [0, 100],
      [100, 250],
      [250, 500],
      [500, 1000],
    ]);
  });
  it('refuses stages that do not grow', () => {
    expect(() => stageRanges([100, 100])).toThrow(/increasing whole numbers: 100, 100/);
    expect(() => stageRanges([0])).toThrow(/increasing/);
    expect(() => stageRanges([1.5])).toThrow(/increasing/);
  });
});
