import type { ApiInput } from '../../master-core/protocol/api';
import { ExecutionStatus } from '../../master-core/protocol/codes';
import type { CatalogPath } from './catalogTree';

/**
 * The All Executions report's query as plain data: the filter bar's fields and the grid's page and
 * sort, turned into an execution.list input. Everything is filtered, sorted and paged by the master.
 */

export type ExecutionListInput = ApiInput<'execution.list'>;
type SortBy = NonNullable<ExecutionListInput['sortBy']>;

export type TimeRange = 'any' | 'hour' | 'day' | 'week' | 'custom';

export const TIME_RANGES: readonly { value: TimeRange; label: string; ms: number | null }[] = [
  { value: 'any', label: 'Any time', ms: null },
  { value: 'hour', label: 'Last hour', ms: 3_600_000 },
  { value: 'day', label: 'Last 24 hours', ms: 86_400_000 },
  { value: 'week', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: 'custom', label: 'Custom range', ms: null },
];

/** The statuses in the filter, in SSISDB's order of codes. */
export const STATUS_FILTER_OPTIONS: readonly number[] = [
  ExecutionStatus.created,
  ExecutionStatus.running,
  ExecutionStatus.canceled,
  ExecutionStatus.failed,
  ExecutionStatus.pending,
  ExecutionStatus.endedUnexpectedly,
  ExecutionStatus.succeeded,
  ExecutionStatus.stopping,
  ExecutionStatus.completed,
];

export interface ExecutionFilters {
  statuses: number[];
  folderName: string;
  projectName: string;
  packageName: string;
  workerName: string;
  /** Who created it (exact). */
  createdBy: string;
  timeRange: TimeRange;
  /** `<input type="datetime-local">` values (local time), used when timeRange is custom. */
  customFrom: string;
  customTo: string;
  search: string;
}

export const EMPTY_FILTERS: ExecutionFilters = {
  statuses: [],
  folderName: '',
  projectName: '',
  packageName: '',
  workerName: '',
  createdBy: '',
  timeRange: 'any',
  customFrom: '',
  customTo: '',
  search: '',
};

/**
 * Filters the All Executions tab is asked to show (Object Explorer's Reports > All Executions).
 * A new `key` applies `filters` again, even when they are the same as the last request's.
 */
export interface ExecutionsFilterRequest {
  key: number;
  filters: ExecutionFilters;
}

/** The filters of SSMS's All Executions report opened on a folder, project or package: only those names. */
export function filtersForPath(path: CatalogPath): ExecutionFilters {
  return {
    ...EMPTY_FILTERS,
    folderName: path.folder,
    projectName: path.project ?? '',
    packageName: path.project === undefined ? '' : (path.package ?? ''),
  };
}

/** Whether any filter narrows the list (an empty list then says so and offers to clear them). */
export function hasFilters(filters: ExecutionFilters): boolean {
  return (
    filters.statuses.length > 0 ||
    filters.timeRange !== 'any' ||
    [
      filters.folderName,
      filters.projectName,
      filters.packageName,
      filters.workerName,
      filters.createdBy,
      filters.search,
    ].some((text) => text.trim() !== '')
  );
}

/** The grid's page and sort, as MUI X gives them. */
export interface GridQuery {
  page: number;
  pageSize: number;
  sortModel: readonly { field: string; sort?: 'asc' | 'desc' | null | undefined }[];
}

export const DEFAULT_PAGE_SIZE = 50;
export const PAGE_SIZE_OPTIONS = [25, 50, 100];
export const SEARCH_MAX = 200;

/** Grid column field -> the master's sortBy. Columns not listed cannot be sorted. */
export const SORTABLE_FIELDS: Readonly<Record<string, SortBy>> = {
  executionId: 'executionId',
  status: 'status',
  folderName: 'folderName',
  projectName: 'projectName',
  packageName: 'packageName',
  workerName: 'workerName',
  createdAt: 'createdAt',
  startedAt: 'startedAt',
  endedAt: 'endedAt',
  duration: 'duration',
  attempts: 'attempts',
  createdBy: 'createdBy',
};

export type FilterErrors = Partial<Record<keyof ExecutionFilters, string>>;
export type ListInputResult = { ok: true; input: ExecutionListInput } | { ok: false; errors: FilterErrors };

/** A datetime-local value as an ISO instant; null when empty; undefined when unreadable. */
function localToIso(value: string): string | null | undefined {
  if (value.trim() === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The execution.list input for the filter bar and the grid's page and sort. Relative time ranges
 * count back from `nowMs`, so each (re)fetch asks for the window as of that moment.
 */
export function buildListInput(filters: ExecutionFilters, grid: GridQuery, nowMs: number): ListInputResult {
  const errors: FilterErrors = {};
  const input: ExecutionListInput = {
    offset: grid.page * grid.pageSize,
    limit: grid.pageSize,
  };
  const sort = grid.sortModel.find((s) => s.sort && SORTABLE_FIELDS[s.field]);
  if (sort?.sort) {
    input.sortBy = SORTABLE_FIELDS[sort.field];
    input.sortDirection = sort.sort;
  } else {
    input.sortBy = 'executionId';
    input.sortDirection = 'desc';
  }
  if (filters.statuses.length > 0) input.statuses = [...filters.statuses].sort((a, b) => a - b);
  const text = (value: string) => {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };
  const folderName = text(filters.folderName);
  const projectName = text(filters.projectName);
  const packageName = text(filters.packageName);
  const workerName = text(filters.workerName);
  const createdBy = text(filters.createdBy);
  const search = text(filters.search);
  if (folderName) input.folderName = folderName;
  if (projectName) input.projectName = projectName;
  if (packageName) input.packageName = packageName;
  if (workerName) input.workerName = workerName;
  if (createdBy) input.createdBy = createdBy;
  if (search) {
    if (search.length > SEARCH_MAX) errors.search = `Search: at most ${SEARCH_MAX} characters`;
    else input.search = search;
  }

  if (filters.timeRange === 'custom') {
    const from = localToIso(filters.customFrom);
    const to = localToIso(filters.customTo);
    if (from === undefined) errors.customFrom = 'From: not a date and time';
    if (to === undefined) errors.customTo = 'To: not a date and time';
    if (from && to && from >= to) errors.customTo = 'To: must be after From';
    if (from) input.createdAfter = from;
    if (to) input.createdBefore = to;
  } else {
    const range = TIME_RANGES.find((r) => r.value === filters.timeRange);
    if (range?.ms) input.createdAfter = new Date(nowMs - range.ms).toISOString();
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, input };
}
