import { describe, expect, it } from 'vitest';
import {
  allTags,
  filterWorkers,
  heartbeatAgeText,
  NO_FILTER,
  sortWorkersBy,
  visibleRange,
} from './workerHealthView';
import { workerRow } from './workerFixture';

const a = workerRow({
  workerId: 'a',
  name: 'alpha',
  state: 'online',
  tags: ['etl', 'linux'],
  cpuPercent: 50,
  freeMemoryBytes: 3e9,
  lastSeenAt: '2026-01-01T00:00:10Z',
});
const b = workerRow({
  workerId: 'b',
  name: 'Bravo',
  state: 'offline',
  tags: ['etl'],
  cpuPercent: null,
  freeMemoryBytes: null,
  lastSeenAt: '2026-01-01T00:00:00Z',
});
const c = workerRow({
  workerId: 'c',
  name: 'charlie',
  machineName: 'box-7',
  state: 'busy',
  tags: ['win'],
  cpuPercent: 90,
  freeMemoryBytes: 1e9,
  lastSeenAt: '2026-01-01T00:00:05Z',
});
const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('workerHealthView', () => {
  it('filters by state, by every chosen tag and by name or machine text', () => {
    expect(names(filterWorkers([a, b, c], NO_FILTER))).toEqual(['alpha', 'Bravo', 'charlie']);
    expect(names(filterWorkers([a, b, c], { ...NO_FILTER, states: ['offline', 'busy'] }))).toEqual([
      'Bravo',
      'charlie',
    ]);
    expect(names(filterWorkers([a, b, c], { ...NO_FILTER, tags: ['etl', 'linux'] }))).toEqual(['alpha']);
    expect(names(filterWorkers([a, b, c], { ...NO_FILTER, text: 'BOX' }))).toEqual(['charlie']);
  });

  it('lists every tag once, sorted', () => {
    expect(allTags([a, b, c])).toEqual(['etl', 'linux', 'win']);
  });

  it('sorts by name either way, case-insensitively', () => {
    expect(names(sortWorkersBy([c, b, a], { key: 'name', direction: 'asc' }))).toEqual([
      'alpha',
      'Bravo',
      'charlie',
    ]);
    expect(names(sortWorkersBy([a, b, c], { key: 'name', direction: 'desc' }))).toEqual([
      'charlie',
      'Bravo',
      'alpha',
    ]);
  });

  it('sorts by state with what needs attention first', () => {
    expect(names(sortWorkersBy([a, b, c], { key: 'state', direction: 'asc' }))).toEqual([
      'Bravo',
      'charlie',
      'alpha',
    ]);
  });

  it('sorts by CPU and memory, workers without a report last in both directions', () => {
    expect(names(sortWorkersBy([a, b, c], { key: 'cpu', direction: 'desc' }))).toEqual([
      'charlie',
      'alpha',
      'Bravo',
    ]);
    expect(names(sortWorkersBy([a, b, c], { key: 'cpu', direction: 'asc' }))).toEqual([
      'alpha',
      'charlie',
      'Bravo',
    ]);
    expect(names(sortWorkersBy([b, a, c], { key: 'memory', direction: 'desc' }))).toEqual([
      'charlie',
      'alpha',
      'Bravo',
    ]);
  });

  it('sorts by heartbeat, freshest first ascending', () => {
    expect(names(sortWorkersBy([b, c, a], { key: 'heartbeat', direction: 'asc' }))).toEqual([
      'alpha',
      'charlie',
      'Bravo',
    ]);
    expect(names(sortWorkersBy([b, c, a], { key: 'heartbeat', direction: 'desc' }))).toEqual([
      'Bravo',
      'charlie',
      'alpha',
    ]);
  });

  it('says how long ago the last heartbeat was', () => {
    const seen = '2026-01-01T00:00:00.000Z';
    const at = (ms: number) => heartbeatAgeText(seen, Date.parse(seen) + ms);
    expect(at(400)).toBe('just now');
    expect(at(-5000)).toBe('just now');
    expect(at(12_900)).toBe('12 s ago');
    expect(at(185_000)).toBe('3 min 05 s ago');
    expect(at(2 * 3_600_000 + 4 * 60_000)).toBe('2 h 04 min ago');
    expect(at(5 * 86_400_000)).toBe('5 d ago');
    expect(heartbeatAgeText('not a date', 0)).toBe('never');
  });

  it('computes the rows a scrolled list shows, with overscan, inside the list', () => {
    expect(visibleRange(0, 300, 60, 1000, 2)).toEqual({ start: 0, end: 8 });
    expect(visibleRange(6000, 300, 60, 1000, 2)).toEqual({ start: 98, end: 108 });
    expect(visibleRange(60_000, 300, 60, 1000, 2)).toEqual({ start: 998, end: 1000 });
    expect(visibleRange(0, 300, 60, 0)).toEqual({ start: 0, end: 0 });
  });
});
