import { describe, expect, it } from 'vitest';
import { buildListInput, EMPTY_FILTERS, filtersForPath, hasFilters } from './executionsQuery';
import type { ExecutionFilters, GridQuery } from './executionsQuery';

const NOW = Date.parse('2026-11-29T12:00:00.000Z');
const firstPage: GridQuery = { page: 0, pageSize: 50, sortModel: [] };
const filters = (over: Partial<ExecutionFilters>): ExecutionFilters => ({ ...EMPTY_FILTERS, ...over });

describe('buildListInput', () => {
  it('asks for the newest first page when nothing is set', () => {
    expect(buildListInput(EMPTY_FILTERS, firstPage, NOW)).toEqual({
      ok: true,
      input: { offset: 0, limit: 50, sortBy: 'executionId', sortDirection: 'desc' },
    });
  });

  it('pages by offset and maps the grid sort to the master’s sortBy', () => {
    const result = buildListInput(
      EMPTY_FILTERS,
      { page: 3, pageSize: 25, sortModel: [{ field: 'duration', sort: 'asc' }] },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      input: { offset: 75, limit: 25, sortBy: 'duration', sortDirection: 'asc' },
    });
  });

  it('ignores a sort on a column the master cannot sort by', () => {
    const result = buildListInput(
      EMPTY_FILTERS,
      { ...firstPage, sortModel: [{ field: 'lastError', sort: 'asc' }] },
      NOW,
    );
    expect(result.ok && result.input.sortBy).toBe('executionId');
  });

  it('sends every filter of the bar, trimmed, statuses in code order', () => {
    const result = buildListInput(
      filters({
        statuses: [7, 2, 4],
        folderName: ' Samples ',
        projectName: 'HelloScaleOut',
        packageName: 'Hello',
        workerName: 'etl-01',
        createdBy: 'ops',
        search: ' sales ',
      }),
      firstPage,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      input: {
        offset: 0,
        limit: 50,
        sortBy: 'executionId',
        sortDirection: 'desc',
        statuses: [2, 4, 7],
        folderName: 'Samples',
        projectName: 'HelloScaleOut',
        packageName: 'Hello',
        workerName: 'etl-01',
        createdBy: 'ops',
        search: 'sales',
      },
    });
  });

  it('counts relative time ranges back from now', () => {
    const hour = buildListInput(filters({ timeRange: 'hour' }), firstPage, NOW);
    expect(hour.ok && hour.input.createdAfter).toBe('2026-11-29T11:00:00.000Z');
    const week = buildListInput(filters({ timeRange: 'week' }), firstPage, NOW);
    expect(week.ok && week.input.createdAfter).toBe('2026-11-22T12:00:00.000Z');
    const any = buildListInput(filters({ timeRange: 'any', customFrom: '2026-01-01T00:00' }), firstPage, NOW);
    expect(any.ok && any.input.createdAfter).toBeUndefined();
  });

  it('sends a custom range as instants, and names the field when it is wrong', () => {
    const ok = buildListInput(
      filters({ timeRange: 'custom', customFrom: '2026-11-01T08:00', customTo: '2026-11-02T08:00' }),
      firstPage,
      NOW,
    );
    expect(ok.ok && ok.input.createdAfter).toBe(new Date('2026-11-01T08:00').toISOString());
    expect(ok.ok && ok.input.createdBefore).toBe(new Date('2026-11-02T08:00').toISOString());
    expect(
      buildListInput(
        filters({ timeRange: 'custom', customFrom: '2026-11-02T08:00', customTo: '2026-11-01T08:00' }),
        firstPage,
        NOW,
      ),
    ).toEqual({ ok: false, errors: { customTo: 'To: must be after From' } });
    expect(buildListInput(filters({ timeRange: 'custom', customFrom: 'soon' }), firstPage, NOW)).toEqual({
      ok: false,
      errors: { customFrom: 'From: not a date and time' },
    });
  });

  it('refuses a search longer than the master takes', () => {
    expect(buildListInput(filters({ search: 'x'.repeat(201) }), firstPage, NOW)).toEqual({
      ok: false,
      errors: { search: 'Search: at most 200 characters' },
    });
  });
});

describe('hasFilters', () => {
  it('is false for the empty bar and blank text, true for any filter', () => {
    expect(hasFilters(EMPTY_FILTERS)).toBe(false);
    expect(hasFilters(filters({ search: '   ' }))).toBe(false);
    expect(hasFilters(filters({ statuses: [4] }))).toBe(true);
    expect(hasFilters(filters({ timeRange: 'day' }))).toBe(true);
    expect(hasFilters(filters({ createdBy: 'ops' }))).toBe(true);
  });
});

describe('filtersForPath', () => {
  it('narrows to the folder, project and package and nothing else', () => {
    expect(filtersForPath({ folder: 'Sales' })).toEqual(filters({ folderName: 'Sales' }));
    expect(filtersForPath({ folder: 'Sales', project: 'Load' })).toEqual(
      filters({ folderName: 'Sales', projectName: 'Load' }),
    );
    expect(filtersForPath({ folder: 'Sales', project: 'Load', package: 'Daily' })).toEqual(
      filters({ folderName: 'Sales', projectName: 'Load', packageName: 'Daily' }),
    );
  });

  it('becomes the execution.list input’s folderName, projectName and packageName', () => {
    const result = buildListInput(
      filtersForPath({ folder: 'Sales', project: 'Load', package: 'Daily' }),
      firstPage,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      input: {
        offset: 0,
        limit: 50,
        sortBy: 'executionId',
        sortDirection: 'desc',
        folderName: 'Sales',
        projectName: 'Load',
        packageName: 'Daily',
      },
    });
  });
});
